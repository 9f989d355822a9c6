// Process: test. Break-glass, k-of-n approvals, end to end (docs/design.md "Break-glass"): a
// marked vault keeps no standing readers but owners; a responder's request is refused before
// the k-th signed approval, readable inside the window (each secret viewed is flagged
// "rotation required"), refused after it, and re-keyed by an owner's next sync. One clock,
// injected into the server and every client, moves the window. Real server, real clients, and a
// hostile proxy for the server that claims what nobody signed. Every request alerts a webhook.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakglassSessionReply, flagsReply, itemVersionsReply, paths } from '../../shared/api.ts';
import { rekeyPending } from '../../shared/chain/state.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { newVaultKey, sealVaultKey } from '../../electron/core/crypto/index.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startHostileProxy, type HostileProxy } from '../helpers/hostile-proxy.ts';
import { startTestServer } from '../helpers/server.ts';

const MIN = 60_000;
let clock = Date.UTC(2026, 2, 1, 12, 0, 0);
const now = () => new Date(clock);
const SECRET = new TextEncoder().encode('webhook-secret');
const hooks: { body: string; sig: string | undefined }[] = [];
let hook: Server;
let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person; // owner
let adam: Person; // admin
let ann: Person; // admin
let rob: Person; // responder, through the hostile proxy
let vic: Person; // had a standing view grant before the mark
let vaultId: string;
let request: string;

const unlockedOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
/** Rob's request for the session straight to the server, past his client's own checks. */
const serverSession = () =>
  unlockedOf(rob).http.request(
    'GET',
    paths.breakglassSession(unlockedOf(rob).team().chain.team, request),
    undefined,
    breakglassSessionReply,
  );
const read = (p: Person, ref: string) =>
  p.svc.getFieldAt(ref, undefined, undefined).then((f) => text(f.value));

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooks.push({ body, sig: req.headers['x-tessera-signature'] as string | undefined });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alert`;
  srv = await startTestServer({ breakGlass: { now, webhook: { url, secret: SECRET } } });
  proxy = await startHostileProxy(srv.url);
  alice = await signUp(srv.url, 'alice', { now });
  adam = await signUp(srv.url, 'adam', { now });
  ann = await signUp(srv.url, 'ann', { now });
  rob = await signUp(proxy.url, 'rob', { now });
  vic = await signUp(srv.url, 'vic', { now });
  await formTeam(alice, 'acme', [
    { person: adam, role: 'admin' },
    { person: ann, role: 'admin' },
    { person: rob, role: 'member' },
    { person: vic, role: 'member' },
  ]);
  vaultId = (await alice.svc.createVault('prod')).id;
  await alice.svc.setSecret('prod/db', bytes('pw-1'));
  await alice.svc.setSecret('prod/api', bytes('key-1'));
  await alice.svc.shareVault('prod', vic.email, 'view');
  await vic.svc.sync();
  expect(text(vic.svc.getSecret('prod/db'))).toBe('pw-1');
});

afterAll(async () => {
  for (const p of [alice, adam, ann, rob, vic]) p?.svc.lock();
  await proxy?.close();
  await srv?.close();
  await new Promise((r) => hook?.close(r));
});

describe('marking a vault break-glass', () => {
  it('only a manager may mark it; the owner re-keys it to owners at once', async () => {
    await expect(
      adam.svc.breakGlass.mark(vaultId, { kind: 'approval', approvals: 2 }, 60),
    ).rejects.toMatchObject({ code: 'not_found' });
    const r = await alice.svc.breakGlass.mark('prod', { kind: 'approval', approvals: 2 }, 60);
    expect(r.rekeyed).toBe(true);
    const v = unlockedOf(alice).team().chain.vaults.get(vaultId)!;
    expect(v.generation).toBe(2);
    expect([...v.keyHolders.keys()]).toEqual([unlockedOf(alice).userId]);
  });

  it('a standing grant no longer reads it, on the client or the server', async () => {
    await vic.svc.sync();
    expect(vic.svc.listVaults().some((v) => v.id === vaultId)).toBe(false);
    const items = await unlockedOf(vic)
      .http.request(
        'GET',
        paths.itemVersions(unlockedOf(vic).team().chain.team, vaultId, vaultId),
        undefined,
        itemVersionsReply,
      )
      .catch((e: unknown) => e);
    expect(items).toMatchObject({ code: 'forbidden' });
  });
});

describe('a k-of-n request', () => {
  it('is a signed link with a reason, and alerts the webhook with an HMAC signature', async () => {
    const r = await rob.svc.breakGlass.request('prod', 'database is down, paged at night', 30);
    request = r.request;
    expect(r.vault).toBe('prod');
    await expect.poll(() => hooks.length).toBe(1);
    const h = hooks[0]!;
    expect(h.sig).toBe(`sha256=${createHmac('sha256', SECRET).update(h.body).digest('hex')}`);
    expect(JSON.parse(h.body)).toMatchObject({
      type: 'breakglass.request',
      vault: vaultId,
      request,
      minutes: 30,
    });
    expect(h.body).not.toContain('database is down');
    await adam.svc.sync();
    const seen = adam.svc.breakGlass.status().find((e) => e.request === request)!;
    expect(seen).toMatchObject({ status: 'pending', canAnswer: true, requester: rob.email });
  });

  it('is refused before the k-th approval, on the client and on the server', async () => {
    await expect(read(rob, 'prod/db')).rejects.toMatchObject({ code: 'not_found' });
    await expect(rob.svc.breakGlass.open(request)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/pending/),
    });
    await expect(serverSession()).rejects.toMatchObject({ code: 'forbidden' });
    const one = await adam.svc.breakGlass.approve(request);
    expect(one).toMatchObject({ status: 'pending', sealed: false });
    await expect(rob.svc.breakGlass.open(request)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('a server that claims an approval nobody signed is refused', async () => {
    // The proxy appends a second "approval" and a "key" to the chain it relays to rob, under
    // ann's and alice's ids, signed with nobody's key.
    const team = unlockedOf(rob).team().chain.team;
    proxy.tamper = (req, body) => {
      if (!req.path.includes('/changes')) return body;
      const b = body as { chain: { seq: number; links: Record<string, unknown>[] } };
      const last = b.chain.links.at(-1);
      if (!last) return body;
      b.chain.links.push({
        ...last,
        seq: (last.seq as number) + 1,
        type: 'breakglass.approve',
        author: unlockedOf(ann).userId,
        body: { vault: vaultId, request, at: clock },
      });
      b.chain.seq += 1;
      return body;
    };
    await rob.svc.sync().catch(() => undefined);
    proxy.tamper = null;
    await expect(rob.svc.breakGlass.open(request)).rejects.toMatchObject({ code: 'forbidden' });
    expect(team).toBeTruthy();
  });

  it('a session key the server releases before the grant is not used', async () => {
    // A hostile server hands out a key sealed to rob for the pending request.
    const sealed = sealVaultKey(
      newVaultKey(),
      unlockedOf(rob).team().chain.members.get(unlockedOf(rob).userId)!.keys.boxPublicKey,
    );
    await srv.db.query(
      `INSERT INTO breakglass_keys (request_id, team_id, vault_id, recipient, generation, sealed_key, opens_at, closes_at)
       VALUES ($1, $2, $3, $4, 2, $5, $6, $7)`,
      [
        request,
        unlockedOf(rob).team().chain.team,
        vaultId,
        unlockedOf(rob).userId,
        sealed,
        now(),
        new Date(clock + 30 * MIN),
      ],
    );
    await rob.svc.sync();
    await expect(rob.svc.breakGlass.open(request)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(read(rob, 'prod/db')).rejects.toMatchObject({ code: 'not_found' });
    await srv.db.query('DELETE FROM breakglass_keys WHERE request_id = $1', [request]);
  });

  it('the k-th approval grants it; an owner’s sync seals the key; it reads inside the window', async () => {
    clock += MIN;
    const two = await ann.svc.breakGlass.approve(request);
    expect(two).toMatchObject({ status: 'granted', sealed: false });
    await rob.svc.sync();
    await expect(rob.svc.breakGlass.open(request)).rejects.toMatchObject({
      message: expect.stringMatching(/granted/),
    });
    const synced = await alice.svc.sync();
    expect(synced.keysSealed).toBe(1);
    await rob.svc.sync();
    const open = await rob.svc.breakGlass.open(request);
    expect(open).toMatchObject({ vault: 'prod', secrets: expect.arrayContaining(['db', 'api']) });
    expect(open.endsAt).toBe(new Date(clock + 30 * MIN).toISOString());
    expect(await read(rob, 'prod/db')).toBe('pw-1');
  });

  it('a key the server swaps for another is refused', async () => {
    rob.svc.lock();
    await rob.svc.unlock(rob.password());
    const other = sealVaultKey(
      newVaultKey(),
      unlockedOf(rob).team().chain.members.get(unlockedOf(rob).userId)!.keys.boxPublicKey,
    );
    proxy.tamper = (req, body) =>
      req.path.includes('/breakglass/') ? { ...(body as object), sealedKey: other } : body;
    await expect(rob.svc.breakGlass.open(request)).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/no verified link records/),
    });
    proxy.tamper = null;
  });

  it('every secret viewed is flagged "rotation required", believed by the owner', async () => {
    await alice.svc.sync();
    const flags = alice.svc.rotationFlags();
    expect(flags.open.map((f) => f.by)).toEqual([rob.email]);
    expect(flags.open[0]).toMatchObject({ vault: vaultId, reason: 'viewed during break-glass access' });
    // A former grantee reads nothing of the vault on the server, its flags included.
    const team = unlockedOf(vic).team().chain.team;
    const seen = await unlockedOf(vic).http.request('GET', paths.rotationFlags(team), undefined, flagsReply);
    expect(seen.flags).toEqual([]);
  });

  it('is refused after the window, by the client and by the server', async () => {
    clock += 30 * MIN;
    await expect(read(rob, 'prod/db')).rejects.toMatchObject({ code: 'not_found' });
    await expect(rob.svc.breakGlass.open(request)).rejects.toMatchObject({
      message: expect.stringMatching(/expired/),
    });
    await expect(serverSession()).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/outside its window/),
    });
    expect(rob.svc.heldKeyBuffers().length).toBeGreaterThan(0);
    expect(rob.svc.breakGlass.heldKeyBuffers()).toEqual([]);
  });

  it('is re-keyed by the next owner sync once the window is over', async () => {
    const before = unlockedOf(alice).team().chain.vaults.get(vaultId)!;
    expect(rekeyPending(unlockedOf(alice).team().chain, before, clock)).toBe(true);
    await alice.svc.sync();
    const after = unlockedOf(alice).team().chain.vaults.get(vaultId)!;
    expect(after.generation).toBe(before.generation + 1);
    expect(rekeyPending(unlockedOf(alice).team().chain, after, clock)).toBe(false);
    expect(text(alice.svc.getSecret('prod/db'))).toBe('pw-1');
  });

  it('a denied request is never granted', async () => {
    const r = await rob.svc.breakGlass.request('prod', 'second incident', 10);
    await adam.svc.breakGlass.deny(r.request);
    await expect(ann.svc.breakGlass.approve(r.request)).rejects.toMatchObject({
      message: expect.stringMatching(/is over/),
    });
    await rob.svc.sync();
    expect(rob.svc.breakGlass.status().find((e) => e.request === r.request)?.status).toBe('denied');
  });
});

describe('the audit log of the break-glass', () => {
  it('holds each step, and each release of the key inside the window, without the reason', async () => {
    const log = await alice.svc.audit({}, { verify: true });
    const rows = log.rows.filter((r) => r.vaultId === vaultId);
    const kinds = new Set(rows.map((r) => r.kind));
    for (const k of [
      'vault.breakglass',
      'breakglass.request',
      'breakglass.approve',
      'breakglass.deny',
      'breakglass.key',
      'breakglass.release',
    ])
      expect(kinds, k).toContain(k);
    // What rob read in the window, signed by his own key, with the item it came from.
    const reads = rows.filter((r) => r.kind === 'breakglass.reveal');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((r) => r.actor === rob.email && r.signed && r.secret !== null)).toBe(true);
    const releases = rows.filter((r) => r.kind === 'breakglass.release');
    expect(releases.every((r) => r.actor === rob.email)).toBe(true);
    // Two approvals of the first request, by the two admins, each under its own name.
    const approvals = rows.filter((r) => r.kind === 'breakglass.approve').map((r) => r.actor);
    expect(approvals).toEqual(expect.arrayContaining([adam.email, ann.email]));
    expect(log.verifiedUpTo).toBe(log.rows.at(-1)?.seq);
    // The reason stays in the chain, among members; the log names ids only.
    expect(JSON.stringify(log)).not.toMatch(/database is down|second incident/);
  });
});
