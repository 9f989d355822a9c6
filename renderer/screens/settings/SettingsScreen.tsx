// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Per-device settings: how soon the app locks itself, how soon a copied secret leaves the
// clipboard, the theme, and the daily notification of secrets to rotate. Stored by the core in the local profile. The account: log out,
// or log in again when this device holds no session.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { call } from '../../bridge.ts';
import { keys, useSettings } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { applyTheme } from '../../app/theme.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';
import { LogInDialog } from '../auth/LogInDialog.tsx';
import { Shortcuts } from './Shortcuts.tsx';

type Theme = 'system' | 'light' | 'dark';

export function SettingsScreen() {
  const { state } = useSession();
  const qc = useQueryClient();
  const settings = useSettings();
  const [lock, setLock] = useState('');
  const [clip, setClip] = useState('');
  const [theme, setTheme] = useState<Theme>('system');
  const [dueNotifications, setDueNotifications] = useState(true);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const logout = useAction();
  const [loggingIn, setLoggingIn] = useState(false);

  useEffect(() => {
    if (!settings.data) return;
    setLock(String(settings.data.autoLockMinutes));
    setClip(String(settings.data.clipboardClearSeconds));
    setTheme(settings.data.theme);
    setDueNotifications(settings.data.dueNotifications);
  }, [settings.data]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const autoLockMinutes = Number(lock);
    const clipboardClearSeconds = Number(clip);
    if (!Number.isInteger(autoLockMinutes) || autoLockMinutes < 1 || autoLockMinutes > 240) {
      return action.setError('Auto-lock after (minutes) must be a whole number from 1 to 240.');
    }
    if (
      !Number.isInteger(clipboardClearSeconds) ||
      clipboardClearSeconds < 5 ||
      clipboardClearSeconds > 600
    ) {
      return action.setError('Clear clipboard after (seconds) must be a whole number from 5 to 600.');
    }
    void action.run(async () => {
      const next = await call('settings.set', {
        autoLockMinutes,
        clipboardClearSeconds,
        theme,
        dueNotifications,
      });
      qc.setQueryData(keys.settings, next);
      applyTheme(next.theme);
      setSaved(true);
    });
  };

  return (
    <>
      <h1>Settings</h1>
      <form onSubmit={submit} className="panel settings" noValidate>
        <Field
          label="Auto-lock after (minutes)"
          type="number"
          inputMode="numeric"
          min={1}
          max={240}
          value={lock}
          onChange={(e) => setLock(e.target.value)}
        />
        <Field
          label="Clear clipboard after (seconds)"
          type="number"
          inputMode="numeric"
          min={5}
          max={600}
          value={clip}
          onChange={(e) => setClip(e.target.value)}
        />
        <SelectField label="Theme" value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </SelectField>
        <label className="check">
          <input
            type="checkbox"
            checked={dueNotifications}
            onChange={(e) => setDueNotifications(e.target.checked)}
          />{' '}
          Notify me once a day when secrets are due for rotation
        </label>
        <ErrorAlert error={action.error ?? settings.error?.message} />
        {saved && (
          <p role="status" className="ok">
            Settings saved.
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={action.busy || !settings.data}>
            Save settings
          </button>
        </div>
      </form>
      <section aria-labelledby="account-h" className="panel settings">
        <h2 id="account-h">Account</h2>
        <p>
          {state.email} <span className="muted">on {state.server}</span>
        </p>
        {state.loggedIn ? (
          <button
            type="button"
            onClick={() => void logout.run(() => call('account.logout', {}))}
            disabled={logout.busy}
          >
            Log out
          </button>
        ) : (
          <>
            <p className="muted">Not logged in to the team server: nothing syncs until you log in.</p>
            <button type="button" className="primary" onClick={() => setLoggingIn(true)}>
              Log in
            </button>
          </>
        )}
        {loggingIn && (
          <LogInDialog onClose={() => setLoggingIn(false)} onLoggedIn={() => setLoggingIn(false)} />
        )}
        <ErrorAlert error={logout.error} />
      </section>
      <Shortcuts />
    </>
  );
}
