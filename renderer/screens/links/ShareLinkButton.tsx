// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// "Share as link" in the detail pane: offered to whoever may read the vault (shared/roles.ts
// `item.read`, the server's rule for creating a link) while the vault's link policy allows
// links; a vault where an admin turned them off says so instead of offering a button that
// could only be refused.
import { useState } from 'react';
import type { ItemView, VaultView } from '../../../shared/ipc-results.ts';
import { mayInVault } from '../../../shared/roles.ts';
import { useLinkPolicy } from '../../app/queries.ts';
import { ShareLinkDialog } from './ShareLinkDialog.tsx';

interface Props {
  secretRef: string;
  vault: VaultView | undefined;
  /** The open item's layout (its fields to pick from); null while it loads. */
  item: ItemView | null;
  /** Called before the dialog opens, so no revealed value stays on screen behind it. */
  onOpen?(): void;
}

export function ShareLinkButton({ secretRef, vault, item, onOpen }: Props) {
  const mayShare = !!vault?.readable && mayInVault(vault.role, 'item.read');
  const policy = useLinkPolicy(vault?.id ?? '', mayShare);
  const [open, setOpen] = useState(false);
  // Offline or refused, the policy is unknown; creating would fail the same way, so no button.
  if (!mayShare || !policy.data || !item) return null;
  if (!policy.data.linksAllowed)
    return <span className="hint">One-time links are turned off for this vault.</span>;
  return (
    <>
      <button
        type="button"
        onClick={() => {
          onOpen?.();
          setOpen(true);
        }}
      >
        Share as link
      </button>
      {open && (
        <ShareLinkDialog
          secretRef={secretRef}
          item={item}
          policy={policy.data}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
