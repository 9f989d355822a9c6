// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The unlocked window: a header that always shows the team, the account and the Lock button,
// a nav between the screens, and the current screen.
import { useRef, useState } from 'react';
import { call } from '../bridge.ts';
import { useBridgeEvent } from '../app/events.ts';
import { useShortcut } from '../app/shortcuts.ts';
import { useSession } from '../app/session.tsx';
import { SyncStatusProvider } from '../app/sync-status.tsx';
import { LockButton } from '../components/LockButton.tsx';
import { mayInTeam } from '../../shared/roles.ts';
import { AuditScreen } from './audit/AuditScreen.tsx';
import { DueBadge } from './due/DueBadge.tsx';
import { DueScreen } from './due/DueScreen.tsx';
import { BreakGlassBadge } from './breakglass/BreakGlassBadge.tsx';
import { BreakGlassScreen } from './breakglass/BreakGlassScreen.tsx';
import { LinksScreen } from './links/LinksScreen.tsx';
import { SecretsScreen } from './secrets/SecretsScreen.tsx';
import { SettingsScreen } from './settings/SettingsScreen.tsx';
import { ConflictBadge } from './sync/ConflictBadge.tsx';
import { SyncScreen } from './sync/SyncScreen.tsx';
import { TeamScreen } from './team/TeamScreen.tsx';
import { TeamSwitcher } from './TeamSwitcher.tsx';

const SCREENS = ['Secrets', 'Due', 'My links', 'Break-glass', 'Team', 'Audit', 'Sync', 'Settings'] as const;
type ScreenName = (typeof SCREENS)[number];
const SYNC_BADGE = 'nav-sync-conflicts';
const BREAKGLASS_BADGE = 'nav-breakglass-pending';

export function MainLayout() {
  const { state } = useSession();
  const [screen, setScreen] = useState<ScreenName>('Secrets');
  // The vault the Secrets screen asked break-glass access for: the request form starts on it.
  const [askFor, setAskFor] = useState<{ vault: string } | null>(null);
  const go = (name: ScreenName) => {
    setAskFor(null);
    setScreen(name);
  };
  // docs/design.md "Audit": the log is the team's owners' and admins' to read.
  const mayAudit = mayInTeam(state.team?.role, 'audit.read');
  // Set when the menu asks for the search box while another screen is showing.
  const focusSearch = useRef(false);

  const toSearch = () => {
    if (screen === 'Secrets') return; // the Secrets screen focuses its own box
    focusSearch.current = true;
    setScreen('Secrets');
  };
  useBridgeEvent((event) => {
    // The due notification was clicked.
    if (event === 'open-due') go('Due');
    if (event === 'open-breakglass') go('Break-glass');
    if (event === 'focus-search') toSearch();
  });
  // Lock works from anywhere, a dialog included: someone walking away should not have to
  // close it first.
  useShortcut(['lock', 'search'], (name) => {
    if (name === 'lock') void call('account.lock', {}).catch(() => undefined);
    else if (!document.querySelector('dialog[open]')) toSearch();
  });

  return (
    <SyncStatusProvider>
      <div className="layout">
        <header className="topbar">
          <span className="brand">Tessera</span>
          <TeamSwitcher />
          <span className="account" title="Signed in as">
            {state.email}
          </span>
          <LockButton />
        </header>
        <nav className="sidenav" aria-label="Main">
          <ul>
            {SCREENS.filter((name) => name !== 'Audit' || mayAudit).map((name) => (
              <li key={name}>
                <a
                  href={`#${name.toLowerCase().replace(' ', '-')}`}
                  aria-current={screen === name ? 'page' : undefined}
                  {...(name === 'Sync' ? { 'aria-label': name, 'aria-describedby': SYNC_BADGE } : {})}
                  {...(name === 'Break-glass'
                    ? { 'aria-label': name, 'aria-describedby': BREAKGLASS_BADGE }
                    : {})}
                  onClick={(e) => {
                    e.preventDefault();
                    go(name);
                  }}
                >
                  {name}
                  {name === 'Due' && <DueBadge />}
                  {name === 'Break-glass' && <BreakGlassBadge id={BREAKGLASS_BADGE} />}
                  {name === 'Sync' && <ConflictBadge id={SYNC_BADGE} />}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main className="content">
          {screen === 'Secrets' && (
            <SecretsScreen
              focusSearchOnMount={focusSearch}
              onRequestBreakGlass={(vault) => {
                setAskFor({ vault });
                setScreen('Break-glass');
              }}
            />
          )}
          {screen === 'Due' && <DueScreen />}
          {screen === 'My links' && <LinksScreen />}
          {screen === 'Break-glass' && <BreakGlassScreen askFor={askFor?.vault} />}
          {screen === 'Team' && <TeamScreen />}
          {screen === 'Audit' && mayAudit && <AuditScreen />}
          {screen === 'Sync' && <SyncScreen />}
          {screen === 'Settings' && <SettingsScreen />}
        </main>
      </div>
    </SyncStatusProvider>
  );
}
