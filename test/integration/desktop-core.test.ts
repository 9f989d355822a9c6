// Process: test. The desktop core behind the window, driven through its IPC gate exactly as
// the preload would drive it, against a real team server: account, sharing, reveal and copy,
// conflict resolution, lock events.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';
import type { IpcArgs, IpcChannel } from '../../shared/ipc.ts';
import type { IpcReturns } from '../../shared/ipc-results.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;

interface Window {
  core: DesktopCore;
  events: string[];
  clipboard: { text: string };
  call<C extends IpcChannel>(c: C, a: IpcArgs<C>): Promise<IpcReturns[C]>;
}

function openWindow(): Window {
  const clipboard = { text: '' };
  const events: string[] = [];
  const core = new DesktopCore({
    profileDir: mkdtempSync(join(tmpdir(), 'tessera-win-')),
    clipboard: { readText: () => clipboard.text, writeText: (t) => (clipboard.text = t) },
    emit: (e) => events.push(e),
  });
  return {
    core,
    events,
    clipboard,
    async call(c, a) {
      const r = await core.dispatch(c, a);
      if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
      return r.value as never;
    },
  };
}

let alice: Window;
let bob: Window;

beforeAll(async () => {
  srv = await startTestServer();
  alice = openWindow();
  bob = openWindow();
  await alice.call('account.signup', {
    server: srv.url,
    email: 'alice@example.test',
    name: 'Alice',
    password: 'alice pass phrase',
  });
  await bob.call('account.signup', {
    server: srv.url,
    email: 'bob@example.test',
    name: 'Bob',
    password: 'bob pass phrase',
  });
  await alice.call('team.create', { name: 'acme' });
  const { inviteCode } = await alice.call('team.invite', { email: 'bob@example.test', role: 'member' });
  expect(await bob.call('team.invitations', {})).toEqual([
    expect.objectContaining({ teamName: 'acme', role: 'member' }),
  ]);
  await bob.call('team.accept', { code: inviteCode });
  const bobState = await bob.call('app.state', {});
  await alice.call('team.confirm', { email: 'bob@example.test', fingerprint: bobState.fingerprint! });
  await bob.call('sync.now', {});
  await alice.call('vault.create', { name: 'prod' });
  await alice.call('secret.set', { ref: 'prod/db', value: 'from-alice' });
  await alice.call('vault.share', { vault: 'prod', with: 'bob@example.test', role: 'edit' });
  await bob.call('sync.now', {});
});

afterAll(async () => {
  alice?.core.lock();
  bob?.core.lock();
  await srv?.close();
});

describe('the desktop core through its IPC gate', () => {
  it('reveals to the window, but copies without handing the value over', async () => {
    expect(await bob.call('secret.reveal', { ref: 'prod/db' })).toEqual({ value: 'from-alice' });
    const copied = await bob.call('secret.copy', { ref: 'prod/db' });
    expect(copied).toEqual({ clearsInSeconds: 30 });
    expect(JSON.stringify(copied)).not.toContain('from-alice');
    expect(bob.clipboard.text).toBe('from-alice');
  });

  it('lists vault access and the members with their fingerprints', async () => {
    const access = await alice.call('vault.access', { vault: 'prod' });
    expect(access.map((a) => `${a.principal.type}:${a.role}`).sort()).toEqual(['user:edit', 'user:manage']);
    const members = await alice.call('team.members', {});
    expect(
      members.every(
        (m) => m.status === 'confirmed' && /^[0-9A-F]{4}( [0-9A-F]{4}){7}$/.test(m.fingerprint ?? ''),
      ),
    ).toBe(true);
  });

  it('resolves a conflict by keeping mine, and the copy disappears', async () => {
    await alice.call('secret.set', { ref: 'prod/db', value: 'alice-second' });
    const r = await bob.call('secret.set', { ref: 'prod/db', value: 'bob-concurrent' });
    expect(r.conflicts).toHaveLength(1);
    const copyRef = `prod/${r.conflicts[0]!.keptAs}`;
    await bob.call('conflict.resolve', { ref: copyRef, keep: 'mine' });
    await alice.call('sync.now', {});
    expect(await alice.call('secret.reveal', { ref: 'prod/db' })).toEqual({ value: 'bob-concurrent' });
    expect((await alice.call('secret.list', {})).map((s) => s.name)).toEqual(['db']);
  });

  it('refuses to resolve something that is not a conflict copy', async () => {
    await expect(bob.call('conflict.resolve', { ref: 'prod/db', keep: 'theirs' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('locks on request: emits the event, clears our clipboard value, and refuses reads', async () => {
    await bob.call('secret.copy', { ref: 'prod/db' });
    expect(bob.clipboard.text).toBe('bob-concurrent');
    await bob.call('account.lock', {});
    expect(bob.events).toContain('locked');
    expect(bob.clipboard.text).toBe('');
    await expect(bob.call('secret.reveal', { ref: 'prod/db' })).rejects.toMatchObject({ code: 'locked' });
    await expect(bob.call('account.unlock', { password: 'wrong' })).rejects.toMatchObject({
      code: 'wrong_password',
    });
    const state = await bob.call('account.unlock', { password: 'bob pass phrase' });
    expect(state).toMatchObject({ unlocked: true, team: { name: 'acme', role: 'member' } });
    expect(await bob.call('secret.reveal', { ref: 'prod/db' })).toEqual({ value: 'bob-concurrent' });
  });

  it('keeps settings in the profile', async () => {
    expect(await alice.call('settings.set', { autoLockMinutes: 10, clipboardClearSeconds: 15 })).toEqual({
      autoLockMinutes: 10,
      clipboardClearSeconds: 15,
      theme: 'system',
      dueNotifications: true,
    });
    expect(await alice.call('settings.get', {})).toMatchObject({ autoLockMinutes: 10 });
    expect((await alice.call('secret.copy', { ref: 'prod/db' })).clearsInSeconds).toBe(15);
  });
});
