// Process: test. The desktop pieces that need no server: the IPC gate refuses what the
// contract does not allow, the idle timer locks, and the clipboard is cleared only if it
// still holds what Tessera put there.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initSodium } from '../../electron/core/crypto/index.ts';
import { AutoLock, type Timers } from '../../electron/core/desktop/auto-lock.ts';
import { ClipboardGuard } from '../../electron/core/desktop/clipboard-guard.ts';
import { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';

/** Manual timers: a test advances time explicitly instead of sleeping. */
function manualTimers() {
  let now = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      due.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (h) => {
      due.delete(h as number);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...due]) {
      if (t.at <= now) {
        due.delete(id);
        t.fn();
      }
    }
  };
  return { timers, advance, pending: () => due.size };
}

function fakeClipboard(initial = '') {
  let text = initial;
  return { readText: () => text, writeText: (t: string) => (text = t), peek: () => text };
}

beforeAll(async () => {
  await initSodium();
});

describe('the IPC gate', () => {
  const core = new DesktopCore({
    profileDir: mkdtempSync(join(tmpdir(), 'tessera-desk-')),
    clipboard: fakeClipboard(),
    emit: () => {},
  });

  it('refuses a channel outside the contract', async () => {
    expect(await core.dispatch('fs.readFile', { path: '/etc/passwd' })).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'unknown call' },
    });
    expect(await core.dispatch('__proto__', {})).toMatchObject({ ok: false });
  });

  it('refuses arguments the schema does not allow, naming the field', async () => {
    const r = await core.dispatch('team.invite', { email: 'not-an-email', role: 'member' });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/^email:/) } });
    const extra = await core.dispatch('account.lock', { evil: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('answers a locked profile with a clear error, not a crash', async () => {
    expect(await core.dispatch('app.state', {})).toMatchObject({ ok: true, value: { hasAccount: false, unlocked: false } });
    expect(await core.dispatch('vault.list', {})).toEqual({
      ok: false,
      error: { code: 'locked', message: 'the vault is locked: unlock first' },
    });
  });
});

describe('auto-lock', () => {
  it('locks after the idle period and activity postpones it', () => {
    const t = manualTimers();
    let locked = 0;
    const auto = new AutoLock(() => locked++, 5, t.timers);
    auto.touch();
    t.advance(4 * 60_000);
    auto.touch();
    t.advance(4 * 60_000);
    expect(locked).toBe(0);
    t.advance(60_000);
    expect(locked).toBe(1);
    auto.setMinutes(1);
    auto.touch();
    t.advance(60_000);
    expect(locked).toBe(2);
    auto.stop();
    t.advance(10 * 60_000);
    expect(locked).toBe(2);
  });
});

describe('clipboard guard', () => {
  it('clears the clipboard after the delay if it still holds our value', () => {
    const t = manualTimers();
    const clip = fakeClipboard('something the user had');
    let cleared = 0;
    const guard = new ClipboardGuard(clip, () => cleared++, t.timers);
    guard.copy(new TextEncoder().encode('s3cret'), 30);
    expect(clip.peek()).toBe('s3cret');
    t.advance(29_000);
    expect(clip.peek()).toBe('s3cret');
    t.advance(1_000);
    expect(clip.peek()).toBe('');
    expect(cleared).toBe(1);
  });

  it('leaves the clipboard alone if the user copied something else since', () => {
    const t = manualTimers();
    const clip = fakeClipboard();
    let cleared = 0;
    const guard = new ClipboardGuard(clip, () => cleared++, t.timers);
    guard.copy(new TextEncoder().encode('s3cret'), 30);
    clip.writeText('user copied this');
    t.advance(30_000);
    expect(clip.peek()).toBe('user copied this');
    expect(cleared).toBe(0);
  });

  it('clears at once on lock', () => {
    const t = manualTimers();
    const clip = fakeClipboard();
    const guard = new ClipboardGuard(clip, () => {}, t.timers);
    guard.copy(new TextEncoder().encode('s3cret'), 30);
    guard.clearIfUnchanged();
    expect(clip.peek()).toBe('');
    expect(t.pending()).toBe(0);
  });
});
