// Process: test. Team management against a hostile server (a proxy in front of the real one
// rewriting its answers): a role change signed by someone without the authority is refused by
// every client, however the server presents it, and an invitation withdrawn in the chain
// cannot be confirmed even when the server still lists the person as waiting. The verifier's
// own refusals are in test/unit/chain-roles.test.ts; this is the client acting on them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ChangesReply, type Member, paths } from '../../shared/api.ts';
import type { ChainLink } from '../../shared/chain/links.ts';
import { signLink } from '../../electron/core/crypto/chain.ts';
import { initSodium } from '../../electron/core/crypto/index.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { TesseraService } from '../../electron/core/service/service.ts';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { formTeam, type Person, signUp } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person; // owner
let mallory: Person; // member, wants more
let erin: Person; // invited, accepts, invitation withdrawn

const unlockedOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
const chainOf = (p: Person) => unlockedOf(p).team().chain;

beforeAll(async () => {
  await initSodium();
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  [alice, mallory, erin] = (await Promise.all(
    ['alice', 'mallory', 'erin'].map((n) => signUp(proxy.url, n)),
  )) as [Person, Person, Person];
  await formTeam(alice, 'acme', [{ person: mallory, role: 'member' }]);
  await alice.svc.createVault('prod');
}, 300_000);

afterEach(() => {
  proxy.tamper = null;
});

afterAll(async () => {
  for (const p of [alice, mallory, erin]) p?.svc.lock();
  await proxy?.close();
  await srv?.close();
});

describe('a role change without authority', () => {
  it('is refused by the client, whether it arrives in a pull or in a whole chain', async () => {
    const on = chainOf(alice);
    const me = unlockedOf(mallory);
    const link: ChainLink = signLink(
      on.team,
      {
        seq: on.seq + 1,
        prev: on.head,
        type: 'member.role',
        author: me.userId,
        body: { user: me.userId, role: 'owner' },
      },
      me.keyring.account.signSecretKey,
    );
    // The real server refuses to store it: it runs the same rules.
    await expect(
      me.http.request('POST', paths.chain(on.team), { links: [link], keys: [], vaults: [] }, z.unknown()),
    ).rejects.toMatchObject({ code: 'forbidden' });

    // So the hostile server slips it into its answers instead.
    proxy.tamper = (req, body) => {
      if (req.method === 'GET' && /\/changes\?since=/.test(req.path)) {
        const r = body as ChangesReply;
        if (r.chain.seq === on.seq) {
          r.chain.links.push(link);
          r.chain.seq = link.seq;
        }
      }
      if (req.method === 'GET' && /\/chain\?after=/.test(req.path)) {
        const r = body as { seq: number; links: ChainLink[] };
        if (r.seq === on.seq) {
          r.links.push(link);
          r.seq = link.seq;
        }
      }
      return body;
    };
    await expect(alice.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/a member may not change a member to owner/),
    });
    expect(chainOf(alice).seq).toBe(on.seq);
    expect(chainOf(alice).members.get(me.userId)?.role).toBe('member');

    // A new device verifies from link 1 and refuses it just the same.
    const fresh = new TesseraService({ profileDir: mkdtempSync(join(tmpdir(), 'tessera-device-')) });
    await expect(
      fresh.login({ server: proxy.url, email: mallory.email, password: mallory.password() }),
    ).rejects.toMatchObject({ code: 'tampered', message: expect.stringMatching(/may not change/) });
    fresh.lock();

    proxy.tamper = null;
    await alice.svc.sync();
    expect((await alice.svc.members()).find((m) => m.email === mallory.email)?.role).toBe('member');
  });
});

describe('a withdrawn invitation', () => {
  it('cannot be confirmed although the server still lists the person as accepted', async () => {
    const code = await alice.svc.invite(erin.email, 'member');
    await erin.svc.accept(code);
    const waiting = (await alice.svc.members()).find((m) => m.email === erin.email)!;
    expect(waiting.status).toBe('accepted');
    await alice.svc.revokeInvitation(erin.email);
    const seq = chainOf(alice).seq;

    proxy.tamper = (req, body) => {
      if (req.method === 'GET' && req.path.endsWith('/members'))
        (body as { members: Member[] }).members.push({
          userId: waiting.userId,
          email: waiting.email,
          name: waiting.name,
          role: 'member',
          status: 'accepted',
          keys: waiting.keys,
        });
      return body;
    };
    await expect(alice.svc.confirm(erin.email, erin.svc.whoami().fingerprint)).rejects.toMatchObject({
      code: 'conflict',
      message: `${erin.email} has no open invitation in this team: invite them again first`,
    });
    expect(chainOf(alice).seq).toBe(seq);
    expect([...chainOf(alice).members.values()].some((m) => m.email === erin.email)).toBe(false);
  });
});
