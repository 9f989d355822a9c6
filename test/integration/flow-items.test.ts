// Process: test. Items with types and fields through the real core service and a real team
// server: a second member sees exactly what was written, edits keep what they do not name,
// one-time codes, restore, rename, move, and conflicts that keep every field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person;
let bob: Person;
const RFC_SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

beforeAll(async () => {
  srv = await startTestServer();
  alice = await signUp(srv.url, 'alice');
  bob = await signUp(srv.url, 'bob');
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
  await alice.svc.createVault('prod');
  await alice.svc.createVault('staging');
  await alice.svc.shareVault('prod', bob.email, 'edit');
}, 120_000);

afterAll(async () => {
  alice?.svc.lock();
  bob?.svc.lock();
  await srv?.close();
});

describe('items with fields', () => {
  it('a login written by one member reads back, field by field, for another', async () => {
    await alice.svc.setSecret('prod/github', {
      type: 'login',
      primaryValue: bytes('gh-pass-1'),
      fields: [
        { key: 'username', value: bytes('ci-bot') },
        { key: 'url', value: bytes('https://github.com') },
        { key: 'otp', kind: 'totp', label: 'One-time code', value: bytes(RFC_SEED) },
      ],
      notes: bytes('owned by the platform team'),
      tags: ['CI', 'prod'],
      rotateEveryDays: 90,
    });
    await bob.svc.sync();
    const shown = bob.svc.showSecret('prod/github');
    expect(shown).toMatchObject({
      type: 'login',
      primary: 'password',
      tags: ['ci', 'prod'],
      rotateEveryDays: 90,
    });
    expect(shown.fields.map((f) => [f.key, f.kind, f.value])).toEqual([
      ['username', 'text', 'ci-bot'],
      ['password', 'concealed', null],
      ['url', 'url', 'https://github.com'],
      ['otp', 'totp', null],
    ]);
    expect(shown.notes).toBe('owned by the platform team');
    expect(text(bob.svc.getSecret('prod/github'))).toBe('gh-pass-1');
    expect(text(bob.svc.getField('prod/github', 'username').value)).toBe('ci-bot');
    expect(bob.svc.totp('prod/github', undefined, undefined, 59_000)).toEqual({
      field: 'otp',
      code: '287082',
      secondsLeft: 1,
    });
    expect(() => bob.svc.totp('prod/github', 'username')).toThrow(/not a one-time code/);
    expect(() => bob.svc.getField('prod/github', 'pin')).toThrow(
      /has no field "pin" \(its fields: username, password, url, otp\)/,
    );
    const listed = bob.svc.listSecrets('prod').find((s) => s.name === 'github');
    expect(listed).toMatchObject({ type: 'login', tags: ['ci', 'prod'] });
  });

  it('an edit of one field keeps every other field, the notes, the tags and the interval', async () => {
    await bob.svc.sync();
    await bob.svc.setSecret('prod/github', { fields: [{ key: 'username', value: bytes('deploy-bot') }] });
    await alice.svc.sync();
    const after = alice.svc.showSecret('prod/github');
    expect(after.fields.find((f) => f.key === 'username')?.value).toBe('deploy-bot');
    expect(text(alice.svc.getSecret('prod/github'))).toBe('gh-pass-1');
    expect(after).toMatchObject({
      notes: 'owned by the platform team',
      tags: ['ci', 'prod'],
      rotateEveryDays: 90,
    });
    expect(after.updatedBy).toBe(bob.email);
  });

  it('restores an old version as a new one, keeping the name and the current interval', async () => {
    await alice.svc.setSecret('prod/github', bytes('gh-pass-2'), { rotateEveryDays: 30 });
    const before = alice.svc.showSecret('prod/github').version;
    await alice.svc.restoreSecret('prod/github', 1);
    await bob.svc.sync();
    const now = bob.svc.showSecret('prod/github');
    expect(now.version).toBe(before + 1);
    expect(text(bob.svc.getSecret('prod/github'))).toBe('gh-pass-1');
    expect(now.fields.find((f) => f.key === 'username')?.value).toBe('ci-bot');
    expect(now.rotateEveryDays).toBe(30);
    const history = await bob.svc.history('prod/github');
    expect(history.map((v) => v.version)).toEqual([1, 2, 3, 4]);
    await expect(alice.svc.restoreSecret('prod/github', 4)).rejects.toThrow(/already the newest/);
    await expect(alice.svc.restoreSecret('prod/github', 9)).rejects.toThrow(/has no version 9/);
  });

  it('renames within a vault and moves to another, refusing a taken name', async () => {
    await alice.svc.setSecret('prod/db', {
      type: 'database',
      primaryValue: bytes('pg-pass'),
      fields: [{ key: 'host', value: bytes('db.internal') }],
    });
    await expect(alice.svc.moveSecret('prod/db', 'prod/github')).rejects.toThrow(
      /already has a secret named "github"/,
    );
    await alice.svc.moveSecret('prod/db', 'prod/postgres');
    const renamed = alice.svc.listSecrets('prod').find((s) => s.name === 'postgres');
    expect(renamed?.version).toBe(2);
    expect(alice.svc.listSecrets('prod').some((s) => s.name === 'db')).toBe(false);
    await alice.svc.moveSecret('prod/postgres', 'staging');
    await bob.svc.sync();
    // Bob reads prod but not staging: the secret left his view with the move.
    expect(bob.svc.listSecrets('prod').some((s) => s.name === 'postgres')).toBe(false);
    const moved = alice.svc.showSecret('staging/postgres');
    expect(moved.fields.find((f) => f.key === 'host')?.value).toBe('db.internal');
    expect(text(alice.svc.getSecret('staging/postgres'))).toBe('pg-pass');
    await expect(bob.svc.moveSecret('prod/github', 'staging')).rejects.toThrow(/no vault|cannot|not/);
  });

  it('a conflict keeps both versions with all their fields, and keeping mine writes every field back', async () => {
    await alice.svc.sync();
    await bob.svc.sync();
    await alice.svc.setSecret('prod/github', { fields: [{ key: 'username', value: bytes('alice-edit') }] });
    const r = await bob.svc.setSecret('prod/github', {
      fields: [{ key: 'username', value: bytes('bob-edit') }],
      primaryValue: bytes('bob-pass'),
    });
    expect(r.conflicts).toHaveLength(1);
    const copy = `prod/${r.conflicts[0]!.keptAs}`;
    const kept = bob.svc.showSecret(copy);
    expect(kept.fields.find((f) => f.key === 'username')?.value).toBe('bob-edit');
    expect(kept.notes).toBe('owned by the platform team');
    await bob.svc.resolveConflict(copy, 'mine');
    await alice.svc.sync();
    const now = alice.svc.showSecret('prod/github');
    expect(now.fields.find((f) => f.key === 'username')?.value).toBe('bob-edit');
    expect(text(alice.svc.getSecret('prod/github'))).toBe('bob-pass');
    expect(now.conflictOf).toBeUndefined();
    expect(alice.svc.listSecrets('prod').some((s) => s.conflictOf)).toBe(false);
  });
});
