// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Locks the app now. The core zeroes its keys and sends 'locked', which resets this window.
import { call } from '../bridge.ts';
import { ariaKeysFor, keysFor } from '../app/shortcuts.ts';

export function LockButton() {
  return (
    <button
      type="button"
      className="lock"
      title={`Lock (${keysFor('lock')})`}
      aria-keyshortcuts={ariaKeysFor('lock')}
      onClick={() => void call('account.lock', {}).catch(() => undefined)}
    >
      Lock
    </button>
  );
}
