// Process: test. Managing the team through the core service and a real team server: changing a
// member's role (keys follow: a new owner reads every vault, a former owner is re-keyed out of
// what no grant gives them), removing a member (the server refuses them at once, what they
// could read is re-keyed in the same batch, and a vault the remover cannot re-key is reported
// pending and finished by a manager's next sync), and withdrawing an invitation (the person
// can no longer accept or be confirmed). Refusals say in plain words who may do it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rekeyPending } from '../../shared/chain/state.ts';
import { ad } from '../../shared/formats.ts';
import { openEnvelope } from '../../electron/core/crypto/index.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person; // owner
let adam: Person; // admin, manages prod
let bob: Person; // member, made admin below
let carol: Person; // member: views prod, created notes; removed below
let dave: Person; // invited, never accepts
let erin: Person; // invited and accepts, never confirmed

const unlockedOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
const chainOf = (p: Person) => unlockedOf(p).team().chain;
const vaultId = (p: Person, name: string) => p.svc.listVaults().find((v) => v.name === name)!.id;

beforeAll(async () => {
  srv = await startTestServer();
  [alice, adam, bob, carol, dave, erin] = (await Promise.all(
    ['alice', 'adam', 'bob', 'carol', 'dave', 'erin'].map((n) => signUp(srv.url, n)),
  )) as [Person, Person, Person, Person, Person, Person];
  await formTeam(alice, 'acme', [
    { person: adam, role: 'admin' },
    { person: bob, role: 'member' },
    { person: carol, role: 'member' },
  ]);
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', bytes('db-v1'));
  await alice.svc.shareVault('prod', adam.email, 'manage');
  await alice.svc.shareVault('prod', carol.email, 'view');
  await alice.svc.createVault('payments');
  await alice.svc.setSecret('payments/stripe', bytes('sk-1'));
  await carol.svc.sync();
  await carol.svc.createVault('notes');
  await carol.svc.setSecret('notes/todo', bytes('carol-notes'));
  for (const p of [alice, adam, bob, carol]) await p.svc.sync();
  expect(text(carol.svc.getSecret('prod/db'))).toBe('db-v1');
}, 300_000);

afterAll(async () => {
  for (const p of [alice, adam, bob, carol, dave, erin]) p?.svc.lock();
  await srv?.close();
});

describe('changing a role', () => {
  it('is refused in plain words to those the role table does not allow', async () => {
    await expect(carol.svc.changeRole(bob.email, 'admin')).rejects.toMatchObject({
      code: 'forbidden',
      message: 'only an owner or an admin can change the role of a member',
    });
    await expect(adam.svc.changeRole(bob.email, 'owner')).rejects.toMatchObject({
      code: 'forbidden',
      message: 'only an owner can make someone an owner',
    });
    await expect(adam.svc.changeRole(alice.email, 'admin')).rejects.toMatchObject({
      code: 'forbidden',
      message: 'only an owner can change the role of an owner',
    });
    await expect(alice.svc.changeRole(alice.email, 'admin')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/only owner: make someone else an owner first/),
    });
    await expect(adam.svc.changeRole('nobody@example.test', 'admin')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('an admin makes a member an admin, and the server lets them act as one', async () => {
    const r = await adam.svc.changeRole(bob.email, 'admin');
    expect(r).toMatchObject({ email: bob.email, from: 'member', role: 'admin', changed: true });
    await bob.svc.sync();
    expect(bob.svc.whoami().role).toBe('admin');
    await alice.svc.sync();
    expect((await alice.svc.members()).find((m) => m.email === bob.email)?.role).toBe('admin');
    // Inviting is an admin's right the server checks itself.
    await bob.svc.invite(dave.email, 'member');
    expect((await adam.svc.changeRole(bob.email, 'admin')).changed).toBe(false);
  });

  it('a new owner receives every vault key; made admin again, they are re-keyed out of the rest', async () => {
    await alice.svc.changeRole(adam.email, 'owner');
    await adam.svc.sync();
    expect(text(adam.svc.getSecret('payments/stripe'))).toBe('sk-1');
    expect(text(adam.svc.getSecret('notes/todo'))).toBe('carol-notes');

    const r = await alice.svc.changeRole(adam.email, 'admin');
    expect(r.rekeyed.sort()).toEqual(['notes', 'payments']);
    expect(r.pending).toEqual([]);
    await adam.svc.sync();
    expect(adam.svc.listVaults().map((v) => v.name)).toEqual(['prod']);
    expect(() => adam.svc.getSecret('payments/stripe')).toThrow(/no vault/);
    await carol.svc.sync();
    expect(text(carol.svc.getSecret('notes/todo'))).toBe('carol-notes');
  });
});

describe('removing a member', () => {
  let prod: string;
  let notes: string;
  let keptKey: Uint8Array;

  it('re-keys what the remover may and reports the rest with who can finish it', async () => {
    prod = vaultId(alice, 'prod');
    notes = vaultId(alice, 'notes');
    const gen = chainOf(carol).vaults.get(prod)!.generation;
    keptKey = Uint8Array.from(unlockedOf(carol).keyring.vaultKey(prod, gen)!);

    await expect(adam.svc.removeMember(adam.email)).rejects.toMatchObject({
      code: 'usage',
      message: 'you cannot remove yourself; ask an owner or an admin to do it',
    });
    await expect(carol.svc.removeMember(bob.email)).rejects.toMatchObject({
      code: 'forbidden',
      message: 'only an owner or an admin can remove an admin',
    });
    const r = await adam.svc.removeMember(carol.email);
    expect(r).toEqual({
      email: carol.email,
      role: 'member',
      rekeyed: ['prod'],
      pending: [{ vaultId: notes, name: null, managers: [alice.email] }],
    });
    expect(chainOf(adam).vaults.get(prod)!.generation).toBe(gen + 1);
    expect(rekeyPending(chainOf(adam), chainOf(adam).vaults.get(notes)!)).toBe(true);
    expect((await alice.svc.members()).map((m) => m.email)).not.toContain(carol.email);
  });

  it("the server refuses the removed member's next requests", async () => {
    await expect(carol.svc.sync()).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/removed from this team/),
    });
    await expect(carol.svc.setSecret('prod/db', bytes('carol-was-here'))).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it("the vault the admin could not re-key is re-keyed by its manager's next sync", async () => {
    const before = chainOf(alice).vaults.get(notes)!.generation;
    const synced = await alice.svc.sync();
    expect(synced.keysSealed).toBeGreaterThan(0);
    const after = chainOf(alice).vaults.get(notes)!;
    expect(after.generation).toBe(before + 1);
    expect(rekeyPending(chainOf(alice), after)).toBe(false);
    expect(after.keyHolders.has(unlockedOf(carol).userId)).toBe(false);
    expect(text(alice.svc.getSecret('notes/todo'))).toBe('carol-notes');
  });

  it('the key they kept cannot open what is written after the removal', async () => {
    await alice.svc.setSecret('prod/after', bytes('written-after-removal'));
    const item = alice.svc.listSecrets('prod').find((s) => s.name === 'after')!;
    const row = (
      await srv.db.query<{ envelope: unknown; generation: string; version: string }>(
        'SELECT envelope, generation, version FROM items WHERE id = $1',
        [item.id],
      )
    ).rows[0]!;
    const generation = Number(row.generation);
    const aad = ad.item(chainOf(alice).team, prod, item.id, generation, Number(row.version));
    // The right key opens it (so the refusal below is about the key, not the test).
    const current = unlockedOf(alice).keyring.vaultKey(prod, generation)!;
    expect(openEnvelope(current, row.envelope, aad).length).toBeGreaterThan(0);
    expect(() => openEnvelope(keptKey, row.envelope, aad)).toThrow();
    expect(() =>
      openEnvelope(keptKey, row.envelope, ad.item(chainOf(alice).team, prod, item.id, generation - 1, 1)),
    ).toThrow();
  });
});

describe('withdrawing an invitation', () => {
  it('stops someone invited from accepting', async () => {
    const code = alice.svc.inviteCode();
    const r = await adam.svc.revokeInvitation(dave.email);
    expect(r).toEqual({ email: dave.email, role: 'member' });
    expect(await dave.svc.invitations()).toEqual([]);
    await expect(dave.svc.accept(code)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/invitation to it was withdrawn/),
    });
    await expect(adam.svc.revokeInvitation(dave.email)).rejects.toMatchObject({
      code: 'not_found',
      message: `there is no open invitation for ${dave.email}`,
    });
  });

  it('stops someone who accepted from being confirmed or reading the team', async () => {
    const code = await alice.svc.invite(erin.email, 'member');
    await erin.svc.accept(code);
    const fp = erin.svc.whoami().fingerprint;
    expect((await alice.svc.members()).find((m) => m.email === erin.email)?.status).toBe('accepted');
    await alice.svc.revokeInvitation(erin.email);
    await expect(alice.svc.confirm(erin.email, fp)).rejects.toMatchObject({ code: 'not_found' });
    await expect(erin.svc.sync()).rejects.toMatchObject({ code: 'forbidden' });
    expect(chainOf(alice).invites.has(erin.email)).toBe(false);
  });

  it('is refused for an owner invitation to an admin, and for someone who joined', async () => {
    await alice.svc.invite('frank@example.test', 'owner');
    await expect(adam.svc.revokeInvitation('frank@example.test')).rejects.toMatchObject({
      code: 'forbidden',
      message: 'only an owner can withdraw an invitation to join as an owner',
    });
    await expect(adam.svc.revokeInvitation(bob.email)).rejects.toMatchObject({
      code: 'conflict',
      message: `${bob.email} has already joined the team: remove them instead`,
    });
  });

  it('can be undone by inviting again', async () => {
    const code = await adam.svc.invite(dave.email, 'member');
    await dave.svc.accept(code);
    await adam.svc.confirm(dave.email, dave.svc.whoami().fingerprint);
    await dave.svc.sync();
    expect(dave.svc.whoami().role).toBe('member');
  });
});
