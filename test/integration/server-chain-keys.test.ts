// Process: test. Sealed keys on the real server: a key is stored only with the link that
// records its hash, and never for a suspended account, even when the chain would allow it.
// Runs on PGlite and, with TESSERA_TEST_DB=postgres, on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendLinks,
  fakeSealedKey,
  formTeam,
  makeVault,
  newUser,
  refreshChain,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../helpers/server.ts';

let srv: TestServer;
let owner: TestUser;
let member: TestUser;
let team: string;
let vault: string;

beforeAll(async () => {
  srv = await startTestServer();
  [owner, member] = await Promise.all([newUser(srv.url, 'owner'), newUser(srv.url, 'member')]);
  team = await formTeam(owner, [[member, 'member']]);
  vault = await makeVault(owner, team);
});
afterAll(async () => {
  await srv?.close();
});

const keysOf = async (user: string) =>
  (
    await srv.db.query('SELECT generation FROM key_grants WHERE vault_id = $1 AND recipient = $2', [
      vault,
      user,
    ])
  ).rows;

describe('sealed keys', () => {
  it('a suspended account is not sealed a key, though the chain entitles it; nothing of the batch stays', async () => {
    await srv.db.query('UPDATE users SET suspended_at = now() WHERE id = $1', [member.id]);
    const before = (await refreshChain(owner, team)).seq;
    const k = fakeSealedKey();
    const r = await appendLinks(
      owner,
      team,
      [
        ['vault.grant', { vault, principal: { kind: 'user', id: member.id }, role: 'view' }],
        ['key.deliver', { vault, generation: 1, user: member.id, keyHash: k.keyHash }],
      ],
      { keys: [{ vault, generation: 1, user: member.id, sealedKey: k.sealedKey }] },
    );
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/suspended/);
    expect(await keysOf(member.id)).toEqual([]);
    expect((await refreshChain(owner, team)).seq).toBe(before);
    const access = await srv.db.query(
      'SELECT 1 FROM vault_access WHERE vault_id = $1 AND principal_id = $2',
      [vault, member.id],
    );
    expect(access.rows).toEqual([]);

    // Lifted, the same change goes through.
    await srv.db.query('UPDATE users SET suspended_at = NULL WHERE id = $1', [member.id]);
    const again = fakeSealedKey();
    const ok = await appendLinks(
      owner,
      team,
      [
        ['vault.grant', { vault, principal: { kind: 'user', id: member.id }, role: 'view' }],
        ['key.deliver', { vault, generation: 1, user: member.id, keyHash: again.keyHash }],
      ],
      { keys: [{ vault, generation: 1, user: member.id, sealedKey: again.sealedKey }] },
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await keysOf(member.id)).toEqual([{ generation: 1 }]);
  });
});
