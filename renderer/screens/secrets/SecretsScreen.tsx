// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Find a credential fast: an instant filter over every secret the user can read, a
// virtualized list, and the selected secret's actions beside it. What is offered (new
// secret, new vault, share) follows the role table in shared/roles.ts.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SecretView, SyncView, VaultView } from '../../../shared/ipc-results.ts';
import { mayInTeam, mayInVault } from '../../../shared/roles.ts';
import { plural } from '../../../shared/words.ts';
import { call, errorText } from '../../bridge.ts';
import { useSecrets, useVaults } from '../../app/queries.ts';
import { ariaKeysFor, keysFor, useShortcut } from '../../app/shortcuts.ts';
import { useSession } from '../../app/session.tsx';
import { useSyncStatus } from '../../app/sync-status.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../components/Field.tsx';
import { useCopyState } from './CopyStatus.tsx';
import { DeleteDialog } from './DeleteDialog.tsx';
import { refOf, writableVaults } from './refs.ts';
import { MoveDialog } from './MoveDialog.tsx';
import { SecretDetail } from './SecretDetail.tsx';
import { SecretDialog } from './SecretDialog.tsx';
import { SecretList } from './SecretList.tsx';
import { ShareDialog } from './ShareDialog.tsx';
import { ALL_VAULTS, useFilteredSecrets } from './useFilteredSecrets.ts';
import { useSearchShortcuts } from './useSearchShortcuts.ts';
import { VaultDeleteDialog } from './VaultDeleteDialog.tsx';
import { VaultDialog } from './VaultDialog.tsx';
import { VaultMenu } from './VaultMenu.tsx';
import { VaultRenameDialog } from './VaultRenameDialog.tsx';
import { VaultRotationDialog } from './VaultRotationDialog.tsx';
import { BreakGlassTag, BreakGlassVaults } from './BreakGlassVaults.tsx';
import { emptyText } from './empty-text.ts';
import { useBreakGlass } from '../breakglass/queries.ts';
import { LinkPolicyDialog } from '../links/LinkPolicyDialog.tsx';

type Open =
  | { kind: 'new' }
  | { kind: 'edit'; secret: SecretView }
  | { kind: 'delete'; secret: SecretView }
  | { kind: 'move'; secret: SecretView }
  | { kind: 'vault' }
  | { kind: 'share'; vault: VaultView }
  | { kind: 'rename-vault'; vault: VaultView }
  | { kind: 'vault-rotation'; vault: VaultView }
  | { kind: 'link-policy'; vault: VaultView }
  | { kind: 'delete-vault'; vault: VaultView }
  | null;

export function SecretsScreen({
  focusSearchOnMount,
  onRequestBreakGlass,
}: {
  focusSearchOnMount?: { current: boolean };
  /** Shows the Break-glass screen's request form for a vault. */
  onRequestBreakGlass?: (vault: string) => void;
}) {
  const { state } = useSession();
  const vaults = useVaults();
  const secrets = useSecrets();
  const breakGlass = useBreakGlass();
  const sync = useSyncStatus();
  const copy = useCopyState();
  const [query, setQuery] = useState('');
  const [vaultId, setVaultId] = useState(ALL_VAULTS);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [open, setOpen] = useState<Open>(null);
  const [selectWhenListed, setSelectWhenListed] = useState<{ vaultId: string; name: string } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const detailHeading = useRef<HTMLHeadingElement>(null);
  const focusSearch = useSearchShortcuts(searchRef);
  const [copyNote, setCopyNote] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only on mount
  useEffect(() => {
    if (focusSearchOnMount?.current) {
      focusSearchOnMount.current = false;
      focusSearch();
    }
  }, []);

  const role = state.team?.role ?? null;
  const allVaults = vaults.data ?? [];
  const writable = useMemo(() => writableVaults(vaults.data), [vaults.data]);
  const filterVault = allVaults.find((v) => v.id === vaultId);
  const items = useFilteredSecrets(secrets.data, query, vaultId);
  // The detail pane follows the list: a secret the search or the vault filter hides is not
  // shown beside a list that does not hold it.
  const selected = useMemo(() => items.find((s) => s.id === selectedId) ?? null, [items, selectedId]);
  const selectedVault = selected ? allVaults.find((v) => v.id === selected.vaultId) : undefined;

  // After saving a new secret, select it once the refreshed list contains it.
  useEffect(() => {
    if (!selectWhenListed || !secrets.data) return;
    const hit = secrets.data.find(
      (s) => s.vaultId === selectWhenListed.vaultId && s.name === selectWhenListed.name,
    );
    if (hit) {
      setSelectedId(hit.id);
      setSelectWhenListed(null);
    }
  }, [secrets.data, selectWhenListed]);

  // The copy shortcut takes what the Copy button takes, straight from the core to the
  // clipboard, for the secret the detail pane shows.
  useShortcut(['copy'], () => {
    if (document.querySelector('dialog[open]')) return;
    if (!selected) {
      setCopyNote(`Select a secret first, then press ${keysFor('copy')} to copy it.`);
      return;
    }
    setCopyNote(null);
    const s = selected;
    call('secret.copy', { ref: refOf(s) }).then(
      (r) => copy.copied(s.name, r.clearsInSeconds),
      (e: unknown) => setCopyNote(errorText(e)),
    );
  });

  const onSelect = useCallback((id: string) => {
    setCopyNote(null);
    setSelectedId(id);
  }, []);
  const onOpen = useCallback(() => detailHeading.current?.focus(), []);
  const close = useCallback(() => setOpen(null), []);
  const saved = (result: SyncView, s: { vaultId: string; name: string }) => {
    sync.report(result);
    setSelectWhenListed(s);
    setOpen(null);
  };

  return (
    <div className="secrets-screen">
      <div className="screen-head">
        <h1>Secrets</h1>
        {writable.length > 0 && (
          <button type="button" className="primary" onClick={() => setOpen({ kind: 'new' })}>
            New secret
          </button>
        )}
        {mayInTeam(role, 'vault.create') && (
          <button type="button" onClick={() => setOpen({ kind: 'vault' })}>
            New vault
          </button>
        )}
        {filterVault && mayInVault(filterVault.role, 'vault.share') && (
          <button type="button" onClick={() => setOpen({ kind: 'share', vault: filterVault })}>
            Share
          </button>
        )}
        {filterVault && (mayInVault(filterVault.role, 'vault.manage') || mayInTeam(role, 'link.admin')) && (
          <VaultMenu
            vault={filterVault}
            {...(mayInVault(filterVault.role, 'vault.manage')
              ? {
                  onRename: () => setOpen({ kind: 'rename-vault', vault: filterVault }),
                  onRotation: () => setOpen({ kind: 'vault-rotation', vault: filterVault }),
                  onDelete: () => setOpen({ kind: 'delete-vault', vault: filterVault }),
                }
              : {})}
            {...(mayInTeam(role, 'link.admin')
              ? { onLinkPolicy: () => setOpen({ kind: 'link-policy', vault: filterVault }) }
              : {})}
          />
        )}
      </div>
      <div className="toolbar">
        <Field
          ref={searchRef}
          className="search"
          label="Search secrets"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && query) {
              e.preventDefault();
              setQuery('');
            }
          }}
          placeholder={`Search (/ or ${keysFor('search')})`}
          aria-keyshortcuts={`/ ${ariaKeysFor('search')}`}
          autoComplete="off"
          spellCheck={false}
        />
        <SelectField label="Vault" value={vaultId} onChange={(e) => setVaultId(e.target.value)}>
          <option value={ALL_VAULTS}>All vaults</option>
          {allVaults.map((v) => (
            <option key={v.id} value={v.id}>
              {v.breakGlass ? `${v.name} · Break-glass` : v.name}
            </option>
          ))}
        </SelectField>
      </div>
      {filterVault?.breakGlass && (
        <p className="muted vault-head">
          <strong>{filterVault.name}</strong> <BreakGlassTag /> Only owners read this vault day to day; anyone
          else reaches it through the Break-glass screen, for a window.
        </p>
      )}
      {onRequestBreakGlass && <BreakGlassVaults onRequest={onRequestBreakGlass} />}
      <ErrorAlert error={secrets.error?.message ?? vaults.error?.message} />
      {copyNote && (
        <p role="status" className="notice">
          {copyNote}
        </p>
      )}
      <p className="muted count">
        {secrets.isPending
          ? 'Loading secrets…'
          : items.length === (secrets.data?.length ?? 0)
            ? plural(items.length, 'secret')
            : `${items.length} of ${plural(secrets.data?.length ?? 0, 'secret')}`}
      </p>
      <div className="secrets">
        <div className="list-pane">
          <SecretList items={items} selectedId={selectedId} onSelect={onSelect} onOpen={onOpen} />
          {!secrets.isPending && items.length === 0 && (
            <p className="empty">
              {emptyText({
                vaults: allVaults.length,
                query: query.trim(),
                inVault: filterVault?.name ?? null,
                mayCreateVault: mayInTeam(role, 'vault.create'),
                mayWrite: filterVault ? writable.some((v) => v.id === filterVault.id) : writable.length > 0,
                breakGlass: onRequestBreakGlass ? (breakGlass.data?.vaults.length ?? 0) : 0,
              })}
            </p>
          )}
        </div>
        {selected ? (
          <SecretDetail
            key={selected.id}
            secret={selected}
            vault={selectedVault}
            copyState={copy.state}
            onCopied={copy.copied}
            onEdit={() => setOpen({ kind: 'edit', secret: selected })}
            onDelete={() => setOpen({ kind: 'delete', secret: selected })}
            onMove={() => setOpen({ kind: 'move', secret: selected })}
            onChanged={sync.report}
            headingRef={detailHeading}
          />
        ) : (
          <div className="detail muted">
            {items.length === 0 ? '' : 'Select a secret to see what you can do with it.'}
          </div>
        )}
      </div>
      {(open?.kind === 'new' || open?.kind === 'edit') && (
        <SecretDialog
          editing={open.kind === 'edit' ? open.secret : null}
          vaults={writable}
          defaultVaultId={writable.some((v) => v.id === vaultId) ? vaultId : null}
          onClose={close}
          onSaved={saved}
        />
      )}
      {open?.kind === 'move' && (
        <MoveDialog secret={open.secret} vaults={writable} onClose={close} onMoved={saved} />
      )}
      {open?.kind === 'delete' && (
        <DeleteDialog
          secret={open.secret}
          onClose={close}
          onDeleted={(r) => {
            sync.report(r);
            setSelectedId(null);
            setOpen(null);
          }}
        />
      )}
      {open?.kind === 'vault' && (
        <VaultDialog
          onClose={close}
          onCreated={(id) => {
            setVaultId(id);
            setOpen(null);
          }}
        />
      )}
      {open?.kind === 'share' && <ShareDialog vault={open.vault} onClose={close} />}
      {open?.kind === 'rename-vault' && <VaultRenameDialog vault={open.vault} onClose={close} />}
      {open?.kind === 'vault-rotation' && <VaultRotationDialog vault={open.vault} onClose={close} />}
      {open?.kind === 'link-policy' && <LinkPolicyDialog vault={open.vault} onClose={close} />}
      {open?.kind === 'delete-vault' && (
        <VaultDeleteDialog
          vault={open.vault}
          secrets={secrets.data?.filter((s) => s.vaultId === open.vault.id).length ?? 0}
          onClose={close}
          onDeleted={() => {
            setVaultId(ALL_VAULTS);
            setSelectedId(null);
            setOpen(null);
          }}
        />
      )}
    </div>
  );
}
