// Process: test. The server is the attacker (docs/design.md "Threat model"): a proxy in front of the real
// server rewrites its answers the way a compromised operator could, and each attack must
// be refused by the client, leaving its local vault as it was. The attacks on the team chain
// itself (forged links, rollback, root swap, hidden vaults) are in hostile-chain.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesReply, ItemRecord } from '../../shared/api.ts';
import { toB64 } from '../../shared/encoding.ts';
import { generateAccountKeys, initSodium } from '../../electron/core/crypto/index.ts';
import { startHostileProxy, type HostileProxy } from '../helpers/hostile-proxy.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person;
let bob: Person;
let carol: Person;

const isChanges = (path: string) => /\/changes\?since=/.test(path);

function onChanges(fn: (reply: ChangesReply) => void) {
  proxy.tamper = (req, body) => {
    if (req.method === 'GET' && isChanges(req.path)) fn(body as ChangesReply);
    return body;
  };
}

beforeAll(async () => {
  await initSodium();
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  alice = await signUp(proxy.url, 'alice');
  bob = await signUp(proxy.url, 'bob');
  carol = await signUp(proxy.url, 'carol');
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/a', bytes('value-a'));
  await alice.svc.setSecret('prod/b', bytes('value-b'));
  await alice.svc.shareVault('prod', bob.email, 'edit');
  await bob.svc.sync();
});

afterEach(() => {
  proxy.tamper = null;
});

afterAll(async () => {
  for (const p of [alice, bob, carol]) p?.svc.lock();
  await proxy?.close();
  await srv?.close();
});

describe('a hostile server', () => {
  it('cannot swap ciphertexts between two items', async () => {
    await alice.svc.setSecret('prod/a', bytes('value-a2'));
    await alice.svc.setSecret('prod/b', bytes('value-b2'));
    onChanges((r) => {
      const [x, y] = [r.items.find((i) => i.version > 0 && i.envelope), r.items.at(-1)];
      if (x && y && x !== y) [x.envelope, y.envelope] = [y.envelope, x.envelope];
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({ code: 'tampered', message: expect.stringMatching(/does not authenticate/) });
    expect(text(bob.svc.getSecret('prod/a'))).toBe('value-a');
    proxy.tamper = null;
    await bob.svc.sync();
    expect(text(bob.svc.getSecret('prod/a'))).toBe('value-a2');
    expect(text(bob.svc.getSecret('prod/b'))).toBe('value-b2');
  });

  it('cannot roll an item back to an older revision', async () => {
    const old = proxy.seen
      .filter((s) => isChanges(s.path))
      .flatMap((s) => (s.body as ChangesReply).items)
      .find((i: ItemRecord) => i.version === 1);
    expect(old).toBeDefined();
    await alice.svc.setSecret('prod/b', bytes('value-b3'));
    onChanges((r) => {
      r.items.push(structuredClone(old!));
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({ code: 'tampered', message: expect.stringMatching(/rolled back/) });
    proxy.tamper = null;
    await bob.svc.sync();
    expect(text(bob.svc.getSecret('prod/b'))).toBe('value-b3');
  });

  it('cannot relabel an old ciphertext as a newer version', async () => {
    await alice.svc.setSecret('prod/a', bytes('value-a3'));
    const older = proxy.seen.flatMap((s) => (isChanges(s.path) ? (s.body as ChangesReply).items : [])).find((i) => i.version === 2);
    onChanges((r) => {
      const cur = r.items.find((i) => i.id === older?.id);
      if (cur && older) cur.envelope = older.envelope;
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({ code: 'tampered' });
  });

  it("cannot substitute a member's public key when they are confirmed", async () => {
    const eve = generateAccountKeys();
    const code = await alice.svc.invite(carol.email, 'member');
    await carol.svc.accept(code);
    proxy.tamper = (req, body) => {
      if (req.path.endsWith('/members')) {
        for (const m of (body as { members: { email: string; keys: unknown }[] }).members) {
          if (m.email === carol.email) m.keys = { boxPublicKey: toB64(eve.boxPublicKey), signPublicKey: toB64(eve.signPublicKey) };
        }
      }
      return body;
    };
    await expect(alice.svc.confirm(carol.email, carol.svc.whoami().fingerprint)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/fingerprint mismatch/),
    });
  });

  it('cannot lower the KDF parameters below the floor', async () => {
    proxy.tamper = (req, body) => {
      if (req.path.endsWith('/login/finish') && body && typeof body === 'object' && 'keyset' in body) {
        (body as { keyset: { kdf: { memlimit: number } } }).keyset.kdf.memlimit = 8 * 1024 * 1024;
      }
      return body;
    };
    await expect(signUpAgain(bob)).rejects.toMatchObject({ code: 'tampered', message: expect.stringMatching(/floor/) });
  });

  it('cannot serve an unknown envelope version', async () => {
    await alice.svc.setSecret('prod/a', bytes('value-a4'));
    onChanges((r) => {
      for (const i of r.items) i.envelope.v = 2;
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({ code: 'tampered' });
  });

});

/** The same account on a new device: a fresh profile, logged in through the proxy. */
async function signUpAgain(p: Person) {
  const { TesseraService } = await import('../../electron/core/service/service.ts');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const svc = new TesseraService({ profileDir: mkdtempSync(join(tmpdir(), 'tessera-device-')) });
  await svc.login({ server: proxy.url, email: p.email, password: p.password() });
  return svc;
}
