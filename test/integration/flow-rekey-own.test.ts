// Process: test. The pull after a client's own re-key (sync/pull.ts OwnBatch): the server leaves
// out the items it just received from that client, the client takes them from its own batch
// only once the verified chain holds the links it sent, and everyone else still gets them.
// Real server, real clients; a hostile answer is played by the real server's reply rewritten.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { pullTeam } from '../../electron/core/sync/pull.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person;
let bob: Person;
let carol: Person;

const u = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;

beforeAll(async () => {
  srv = await startTestServer();
  alice = await signUp(srv.url, 'alice');
  bob = await signUp(srv.url, 'bob');
  carol = await signUp(srv.url, 'carol');
  await formTeam(alice, 'acme', [
    { person: bob, role: 'member' },
    { person: carol, role: 'member' },
  ]);
  await alice.svc.createVault('ops');
  for (const n of ['a', 'b', 'c']) await alice.svc.setSecret(`ops/${n}`, bytes(`v-${n}`));
  await alice.svc.shareVault('ops', bob.email, 'view');
  await alice.svc.shareVault('ops', carol.email, 'view');
  await bob.svc.sync();
});

afterAll(async () => {
  for (const p of [alice, bob, carol]) p?.svc.lock();
  await srv?.close();
});

describe("the pull after one's own re-key", () => {
  it('does not fetch the re-encrypted items, yet holds them at the new version and generation', async () => {
    const counts: number[] = [];
    const http = u(alice).http;
    const original = http.request.bind(http);
    http.request = (async (...args: Parameters<typeof http.request>) => {
      const reply = await original(...args);
      if (args[0] === 'GET' && String(args[1]).includes('/changes'))
        counts.push((reply as { items: unknown[] }).items.length);
      return reply;
    }) as typeof http.request;
    try {
      const r = await alice.svc.unshareVault('ops', bob.email);
      expect(r.reencrypted).toBe(3);
    } finally {
      http.request = original;
    }
    // The pull right after the batch (the last one) carried none of the three.
    expect(counts.at(-1)).toBe(0);
    const st = u(alice).team();
    const generation = [...st.chain.vaults.values()].find((v) => v.generation > 1)!.generation;
    const items = Object.values(st.items);
    expect(items.map((i) => [i.generation, i.version])).toEqual(items.map(() => [generation, 2]));
    expect(text(alice.svc.getSecret('ops/b'))).toBe('v-b');
    // Carol, who pulls normally, gets the very same records.
    await carol.svc.sync();
    const theirs = u(carol).team().items;
    for (const i of items) expect(theirs[i.id]!.envelope.ct).toBe(i.envelope.ct);
    expect(text(carol.svc.getSecret('ops/c'))).toBe('v-c');
  });

  it('takes nothing from its own batch when the verified chain lacks the links it sent', async () => {
    const me = u(carol);
    const st = me.team();
    const before = JSON.stringify(Object.values(st.items).map((i) => [i.id, i.version]));
    const [item] = Object.values(st.items);
    // A batch carol never sent (link 999 is not in the chain): a server answer that
    // "acknowledged" it must not make her client adopt these items.
    const res = await pullTeam(me, st.chain.team, {
      revision: st.cursor + 1,
      links: [{ ...(st.chain as unknown as { head: string }), seq: 999, sig: 'x' } as never],
      vaults: [
        {
          vault: item!.vault,
          generation: item!.generation,
          name: item!.envelope,
          breakGlass: false,
          items: [{ id: item!.id, version: item!.version + 1, envelope: item!.envelope, signature: 'x' }],
        },
      ],
    });
    expect(res.rekeyed).toEqual([]);
    expect(JSON.stringify(Object.values(st.items).map((i) => [i.id, i.version]))).toBe(before);
  });
});
