// Process: test. Offboarding against a lying server (docs/design.md "Offboarding"): the
// server's tables say the leaver could read nothing, and its answers to the offboarding admin's
// new device hide one of the leaver's vaults altogether. The report and the re-keys follow the
// verified chain: the hidden vault is still reported (as one this device could not re-key) and
// stays "re-key pending" in the chain until an honest manager's sync re-keys it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { TesseraService } from '../../electron/core/service/service.ts';
import { rekeyPending } from '../../shared/chain/state.ts';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person;
let bob: Person;
let lying: TesseraService; // alice's second device, behind the proxy

const uOf = (s: TesseraService) => (s as unknown as { unlocked: Unlocked }).unlocked;
const vaultId = (name: string) => alice.svc.listVaults().find((v) => v.name === name)!.id;

beforeAll(async () => {
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  alice = await signUp(srv.url, 'alice');
  bob = await signUp(srv.url, 'bob');
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
  for (const v of ['shown', 'hidden']) {
    await alice.svc.createVault(v);
    await alice.svc.setSecret(`${v}/one`, bytes(`${v}-1`));
    await alice.svc.shareVault(v, bob.email, 'view');
  }
  await bob.svc.sync();
}, 60_000);

afterAll(async () => {
  for (const s of [alice?.svc, bob?.svc, lying]) s?.lock();
  await proxy?.close();
  await srv?.close();
});

describe('offboarding on a lying server', () => {
  it('reports and leaves pending the vault the server hides; an honest manager re-keys it', async () => {
    const hidden = vaultId('hidden');
    // The server's own record of access forgets the leaver.
    await srv.db.query("DELETE FROM vault_access WHERE principal_type = 'user' AND principal_id = $1", [
      uOf(bob.svc).userId,
    ]);
    proxy.tamper = (req, body) => {
      if (req.method !== 'GET' || !req.path.includes('/changes')) return body;
      const b = body as { vaults: { id: string }[]; items: { vault: string }[]; keys: { vault: string }[] };
      return {
        ...b,
        vaults: b.vaults.filter((v) => v.id !== hidden),
        items: b.items.filter((i) => i.vault !== hidden),
        keys: b.keys.filter((k) => k.vault !== hidden),
      };
    };
    lying = new TesseraService({ profileDir: mkdtempSync(join(tmpdir(), 'tessera-alice2-')) });
    await lying.login({ server: proxy.url, email: alice.email, password: alice.password() });
    expect(lying.listVaults().find((v) => v.id === hidden)?.readable).toBe(false);

    const r = await lying.offboard(bob.email);
    expect(r.secrets.map((s) => `${s.vault}/${s.name}`)).toEqual(['shown/one']);
    expect(r.vaults.map((v) => [v.vaultId === hidden ? 'hidden' : v.name, v.status]).sort()).toEqual([
      ['hidden', 'pending'],
      ['shown', 'rekeyed'],
    ]);
    const chain = uOf(lying).team().chain;
    expect(rekeyPending(chain, chain.vaults.get(hidden)!)).toBe(true);

    await alice.svc.sync();
    const honest = uOf(alice.svc).team().chain.vaults.get(hidden)!;
    expect(honest.generation).toBe(2);
    expect(honest.keyHolders.has(uOf(bob.svc).userId)).toBe(false);
    expect(
      alice.svc
        .due()
        .filter((e) => e.reason === 'rotation-required')
        .map((e) => e.vault)
        .sort(),
    ).toEqual(['hidden', 'shown']);
  });
});
