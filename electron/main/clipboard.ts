// Process: main (Electron main process).
// Adapts Electron's clipboard to the core's ClipboardPort. The port is synchronous
// (readText(): string), but this Electron's clipboard is asynchronous (readText() and
// writeText() return promises), so the core's ClipboardGuard cannot compare the clipboard
// with what it wrote in one step. The adapter keeps the guard's promise instead:
//  - writeText(value) writes it and remembers a keyed hash of it (never the value itself);
//  - the guard calls readText() only when it wants to clear its value if it is still there
//    (after the delay, on lock, on quit). The adapter answers '' (so the guard neither
//    clears nor reports on its own) and does the compare-and-clear itself, asynchronously,
//    reporting 'clipboard-cleared' only when it really cleared;
//  - writeText('') clears at once.
// Operations run one after another, so a clear never overtakes the write before it, and
// `settled()` lets the quit path wait for the last clear.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClipboardPort } from '../core/desktop/clipboard-guard.ts';

export interface AsyncClipboard {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
}

export class ClipboardAdapter implements ClipboardPort {
  private expected: { key: Buffer; digest: Buffer } | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly clipboard: AsyncClipboard,
    private readonly onCleared: () => void,
    private readonly log: (line: string) => void = () => {},
  ) {}

  readText(): string {
    const expected = this.expected;
    this.expected = null;
    if (expected) {
      this.enqueue(async () => {
        const current = await this.clipboard.readText();
        const digest = createHmac('sha256', expected.key).update(current, 'utf8').digest();
        if (timingSafeEqual(digest, expected.digest)) {
          await this.clipboard.writeText('');
          this.onCleared();
        }
        expected.key.fill(0);
      });
    }
    return '';
  }

  writeText(text: string): void {
    if (text === '') {
      this.expected = null;
      this.enqueue(() => this.clipboard.writeText(''));
      return;
    }
    const key = randomBytes(32);
    this.expected = { key, digest: createHmac('sha256', key).update(text, 'utf8').digest() };
    this.enqueue(() => this.clipboard.writeText(text));
  }

  /** Resolves when every queued clipboard operation has finished. */
  settled(): Promise<void> {
    return this.queue;
  }

  private enqueue(op: () => Promise<void>): void {
    this.queue = this.queue.then(op).catch(() => this.log('a clipboard operation failed'));
  }
}
