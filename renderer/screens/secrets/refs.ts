// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// How the window names a secret to the core. The vault id (not its name) keeps the ref
// unambiguous when two vaults share a name; the core accepts either.
import type { SecretView, VaultView } from '../../../shared/ipc-results.ts';
import { mayInVault } from '../../../shared/roles.ts';

export function refOf(s: Pick<SecretView, 'vaultId' | 'name'>): string {
  return `${s.vaultId}/${s.name}`;
}

/** conflict.resolve matches on the vault's name, as the CLI types it. */
export function conflictRefOf(s: Pick<SecretView, 'vault' | 'name'>): string {
  return `${s.vault}/${s.name}`;
}

export function writableVaults(vaults: readonly VaultView[] | undefined): VaultView[] {
  return (vaults ?? []).filter((v) => v.readable && mayInVault(v.role, 'item.write'));
}
