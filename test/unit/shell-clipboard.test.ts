// Process: test.
// The core's ClipboardGuard is synchronous; Electron's clipboard here is asynchronous. With
// the shell's adapter between them, a copied secret is still cleared after the delay and on
// lock only if the clipboard still holds it, and 'clipboard-cleared' is reported only when
// it really was. The guard is the real core one; the clipboard is a FAKE async clipboard.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Timers } from '../../electron/core/desktop/auto-lock.ts';
import { ClipboardGuard } from '../../electron/core/desktop/clipboard-guard.ts';
import { initSodium } from '../../electron/core/crypto/index.ts';
import { ClipboardAdapter } from '../../electron/main/clipboard.ts';

beforeAll(async () => {
  await initSodium();
});

/** FAKE asynchronous system clipboard (what this Electron's clipboard module looks like). */
class FakeAsyncClipboard {
  text = 'what the user had';
  writes: string[] = [];
  async readText() {
    await Promise.resolve();
    return this.text;
  }
  async writeText(text: string) {
    await Promise.resolve();
    this.text = text;
    this.writes.push(text);
  }
}

function setup() {
  const system = new FakeAsyncClipboard();
  const events: string[] = [];
  let fire: (() => void) | null = null;
  const timers: Timers = {
    setTimeout: (fn) => {
      fire = fn;
      return 1;
    },
    clearTimeout: () => {
      fire = null;
    },
  };
  const adapter = new ClipboardAdapter(system, () => events.push('adapter cleared'));
  const guard = new ClipboardGuard(adapter, () => events.push('guard cleared'), timers);
  const copy = async (value: string) => {
    guard.copy(new TextEncoder().encode(value), 30);
    await adapter.settled();
  };
  const elapse = async () => {
    fire?.();
    await adapter.settled();
  };
  return { system, events, adapter, guard, copy, elapse };
}

describe('clipboard adapter', () => {
  it('writes the value and clears it after the delay if it is still there', async () => {
    const s = setup();
    await s.copy('s3cret-value');
    expect(s.system.text).toBe('s3cret-value');
    await s.elapse();
    expect(s.system.text).toBe('');
    expect(s.events).toEqual(['adapter cleared']);
  });

  it('leaves the clipboard alone when the user copied something else', async () => {
    const s = setup();
    await s.copy('s3cret-value');
    s.system.text = 'the user copied this since';
    await s.elapse();
    expect(s.system.text).toBe('the user copied this since');
    expect(s.events).toEqual([]);
  });

  it('clears on lock (and on quit, which locks), and the quit path can wait for it', async () => {
    const s = setup();
    await s.copy('s3cret-value');
    s.guard.clearIfUnchanged();
    await s.adapter.settled();
    expect(s.system.text).toBe('');
    expect(s.events).toEqual(['adapter cleared']);
  });

  it('never clears before its own write has landed', async () => {
    const s = setup();
    s.guard.copy(new TextEncoder().encode('s3cret-value'), 30);
    s.guard.clearIfUnchanged();
    await s.adapter.settled();
    expect(s.system.writes).toEqual(['s3cret-value', '']);
  });

  it('a second copy replaces the first; only the latest value is cleared', async () => {
    const s = setup();
    await s.copy('first');
    await s.copy('second');
    await s.elapse();
    expect(s.system.text).toBe('');
    expect(s.events).toEqual(['adapter cleared']);
  });
});
