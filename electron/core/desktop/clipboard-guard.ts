// Process: core (trusted Node side; never imports electron).
// Copies a secret to the system clipboard and clears it after a delay, but only if the
// clipboard still holds what Tessera wrote: a user who copied something else since must not
// lose it. What was written is remembered as a keyed hash, not as the value itself.
import { randomBytes, sodium, wipe } from '../crypto/index.ts';
import { utf8 } from '../../../shared/encoding.ts';
import { realTimers, type Timers } from './auto-lock.ts';

export interface ClipboardPort {
  readText(): string;
  writeText(text: string): void;
}

export class ClipboardGuard {
  private pending: { handle: unknown; digest: Uint8Array; key: Uint8Array } | null = null;

  constructor(
    private readonly clipboard: ClipboardPort,
    private readonly onCleared: () => void = () => {},
    private readonly timers: Timers = realTimers,
  ) {}

  /** Writes the value and schedules the clear. The caller wipes `value` afterwards. */
  copy(value: Uint8Array, clearAfterSeconds: number): void {
    this.cancel();
    const text = new TextDecoder().decode(value);
    this.clipboard.writeText(text);
    const key = randomBytes(32);
    const digest = sodium().crypto_generichash(32, value, key);
    const handle = this.timers.setTimeout(() => this.clearIfUnchanged(), clearAfterSeconds * 1000);
    this.pending = { handle, digest, key };
  }

  /** Clears now if the clipboard still holds our value (used on lock and on quit). */
  clearIfUnchanged(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.timers.clearTimeout(p.handle);
    const current = utf8(this.clipboard.readText());
    const same = sodium().memcmp(sodium().crypto_generichash(32, current, p.key), p.digest);
    wipe(current, p.key, p.digest);
    if (same) {
      this.clipboard.writeText('');
      this.onCleared();
    }
  }

  private cancel(): void {
    if (!this.pending) return;
    this.timers.clearTimeout(this.pending.handle);
    wipe(this.pending.key, this.pending.digest);
    this.pending = null;
  }
}
