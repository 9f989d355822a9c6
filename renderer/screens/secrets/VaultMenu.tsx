// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The vault menu on the Secrets screen: rename the vault the filter shows, set its default
// rotation interval, or delete it, for someone who manages that vault (shared/roles.ts
// `vault.manage`); and its one-time link policy, for a team admin (`link.admin`). The caller
// passes only the actions the role table allows; the core checks the same against the
// verified chain, and the server against its own projection.
import { useEffect, useId, useRef, useState } from 'react';
import type { VaultView } from '../../../shared/ipc-results.ts';

interface Props {
  vault: VaultView;
  onRename?(): void;
  onRotation?(): void;
  onLinkPolicy?(): void;
  onDelete?(): void;
}

export function VaultMenu({ vault, onRename, onRotation, onLinkPolicy, onDelete }: Props) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    first.current?.focus();
    // A click anywhere else closes the menu, as a native menu would.
    const away = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onEscape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', onEscape);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', onEscape);
    };
  }, [open]);

  const pick = (fn: () => void) => () => {
    setOpen(false);
    fn();
  };

  return (
    <div className="menu-anchor" ref={root}>
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        Vault {vault.name}
      </button>
      {open && (
        <div className="menu" role="menu" id={menuId} aria-label={`Vault ${vault.name}`}>
          {onRename && (
            <button type="button" role="menuitem" ref={first} onClick={pick(onRename)}>
              Rename vault…
            </button>
          )}
          {onRotation && (
            <button type="button" role="menuitem" onClick={pick(onRotation)}>
              Rotation reminder…
            </button>
          )}
          {onLinkPolicy && (
            <button
              type="button"
              role="menuitem"
              ref={onRename ? undefined : first}
              onClick={pick(onLinkPolicy)}
            >
              Link policy…
            </button>
          )}
          {onDelete && (
            <button type="button" role="menuitem" className="danger" onClick={pick(onDelete)}>
              Delete vault…
            </button>
          )}
        </div>
      )}
    </div>
  );
}
