// Process: test. Hostile and clumsy input: every malformed request must get a 4xx that says
// what is wrong (naming the field), never a 500, and must leave nothing half-written. Changes
// to membership and access arrive as signed chain links (POST /teams/:team/chain), so the
// append body, its sealed keys and vault payloads are checked here beside the older routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkType } from '../../shared/chain/links.ts';
import {
  api,
  appendLinks,
  chainOf,
  envelope,
  fakeSealedKey,
  formTeam,
  makeVault,
  newUser,
  newVaultKeys,
  refreshChain,
  signNext,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
  rand,
} from '../helpers/server.ts';

let srv: TestServer;
let owner: TestUser;
let team: string;
let vault: string;

beforeAll(async () => {
  srv = await startTestServer();
  owner = await newUser(srv.url, 'owner');
  team = await formTeam(owner);
  vault = await makeVault(owner, team);
});
afterAll(async () => {
  await srv?.close();
});

const item = (v = vault) => `/api/v1/teams/${team}/vaults/${v}/items/${uuid()}`;
const CHAIN = () => `/api/v1/teams/${team}/chain`;

/** A correctly signed next link, for bodies whose other parts are under test. */
async function nextLink(type: LinkType, body: Record<string, unknown>) {
  return signNext(owner, await refreshChain(owner, team), type, body);
}

/** A vault.create the chain accepts, with the matching key and name payloads. */
async function vaultCreate(id = uuid()) {
  const readers = newVaultKeys(await refreshChain(owner, team), owner.id);
  const step: [LinkType, Record<string, unknown>] = [
    'vault.create',
    { vault: id, generation: 1, keys: readers.map(({ user, keyHash }) => ({ user, keyHash })) },
  ];
  return {
    id,
    step,
    keys: readers.map(({ user, sealedKey }) => ({ vault: id, generation: 1, user, sealedKey })),
    vaults: [{ vault: id, generation: 1, name: envelope() }],
  };
}

/** Everything a refused append could have touched, team-wide. */
async function teamSnapshot() {
  const one = async (sql: string) => (await srv.db.query(sql, [team])).rows;
  return {
    team: await one('SELECT revision, chain_seq, chain_state FROM teams WHERE id = $1'),
    links: await one('SELECT seq, link FROM team_links WHERE team_id = $1 ORDER BY seq'),
    vaults: await one('SELECT id, generation, name, revision FROM vaults WHERE team_id = $1 ORDER BY id'),
    access: await one(
      `SELECT vault_id, principal_type, principal_id, role, revision FROM vault_access
        WHERE vault_id IN (SELECT id FROM vaults WHERE team_id = $1) ORDER BY vault_id, principal_id`,
    ),
    keys: await one(
      `SELECT vault_id, generation, recipient, sealed_key FROM key_grants
        WHERE vault_id IN (SELECT id FROM vaults WHERE team_id = $1) ORDER BY vault_id, generation, recipient`,
    ),
    groups: await one('SELECT id, name FROM groups WHERE team_id = $1 ORDER BY id'),
    members: await one(
      'SELECT email, role, status, revision FROM memberships WHERE team_id = $1 ORDER BY email',
    ),
  };
}

describe('validation names the field', () => {
  it('signup with a bad email', async () => {
    const r = await api(srv.url).post('/api/v1/signup/start', {
      email: 'not-an-email',
      registrationRequest: 'AA',
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: { code: 'bad_request', message: 'email: Invalid email address' } });
  });

  it('login with a wrong type and an unknown field', async () => {
    const a = api(srv.url);
    const r1 = await a.post('/api/v1/login/start', { email: 'a@example.com', startLoginRequest: 42 });
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toMatch(/^startLoginRequest: /);
    const r2 = await a.post('/api/v1/login/finish', { loginId: uuid(), finishLoginRequest: 'AA', extra: 1 });
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toMatch(/extra/);
    const r3 = await a.post('/api/v1/login/finish', { loginId: 'nope', finishLoginRequest: 'AA' });
    expect(r3.body.error.message).toMatch(/^loginId: /);
  });

  it('team creation without a link object', async () => {
    const r1 = await owner.api.post('/api/v1/teams', { link: 'x' });
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toMatch(/^link: /);
    const r2 = await owner.api.post('/api/v1/teams', { link: {}, name: 'x' });
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toMatch(/name/);
  });

  it('the append body: links, keys and vaults are named to the field', async () => {
    const link = await nextLink('member.invite', { email: 'x@example.com', role: 'member' });
    const cases: [unknown, RegExp | string][] = [
      [{}, /^links: /],
      [{ links: [] }, /^links: /],
      [{ links: [null] }, /^links\.0: /],
      [{ links: [link], extra: 1 }, /extra/],
      [
        { links: [link], keys: [{ vault, generation: 1, user: owner.id, sealedKey: 'not base64!' }] },
        'keys.0.sealedKey: must be base64url',
      ],
      [
        { links: [link], keys: [{ vault: 'nope', generation: 1, user: owner.id, sealedKey: 'AA' }] },
        /^keys\.0\.vault: /,
      ],
      [
        { links: [link], keys: [{ vault, generation: 0, user: owner.id, sealedKey: 'AA' }] },
        /^keys\.0\.generation: /,
      ],
      [{ links: [link], keys: [{ vault, generation: 1, sealedKey: 'AA' }] }, /^keys\.0\.user: /],
      [{ links: [link], vaults: [{ vault, generation: 2 }] }, /^vaults\.0\.name: /],
      [
        { links: [link], vaults: [{ vault, generation: 2, name: { ...envelope(), alg: 7 } }] },
        /^vaults\.0\.name\.alg: /,
      ],
      [
        {
          links: [link],
          vaults: [
            {
              vault,
              generation: 2,
              name: envelope(),
              items: [{ id: uuid(), version: '2', envelope: envelope() }],
            },
          ],
        },
        /^vaults\.0\.items\.0\.version: /,
      ],
      [{ links: Array.from({ length: 1001 }, () => link) }, /^links: /],
    ];
    for (const [body, message] of cases) {
      const r = await owner.api.post(CHAIN(), body);
      expect(r.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(r.body.error.code).toBe('bad_request');
      if (typeof message === 'string') expect(r.body.error.message).toBe(message);
      else expect(r.body.error.message).toMatch(message);
    }
  });

  it('a key or vault payload sent twice is named by its index', async () => {
    const c = await vaultCreate();
    const twiceKey = await appendLinks(owner, team, [c.step], {
      keys: [c.keys[0]!, c.keys[0]!],
      vaults: c.vaults,
    });
    expect(twiceKey.status).toBe(400);
    expect(twiceKey.body.error.message).toBe('keys.1: appears twice');
    const twiceVault = await appendLinks(owner, team, [c.step], {
      keys: c.keys,
      vaults: [c.vaults[0]!, c.vaults[0]!],
    });
    expect(twiceVault.status).toBe(400);
    expect(twiceVault.body.error.message).toBe('vaults.1: appears twice');
  });

  it('sealed keys and vault payloads must match what the links record', async () => {
    const before = await teamSnapshot();
    const c = await vaultCreate();
    const noKey = await appendLinks(owner, team, [c.step], { keys: [], vaults: c.vaults });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.message).toBe(
      `keys: link ${chainOf(team).seq + 1} names a key for ${owner.id} that was not sent`,
    );
    const wrongKey = await appendLinks(owner, team, [c.step], {
      keys: [{ ...c.keys[0]!, sealedKey: fakeSealedKey().sealedKey }],
      vaults: c.vaults,
    });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.error.message).toBe(
      `keys: the key for ${owner.id} does not match the hash in link ${chainOf(team).seq + 1}`,
    );
    const noName = await appendLinks(owner, team, [c.step], { keys: c.keys, vaults: [] });
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toBe(
      `vaults: link ${chainOf(team).seq + 1} needs the vault's name at generation 1`,
    );
    const withItems = await appendLinks(owner, team, [c.step], {
      keys: c.keys,
      vaults: [
        { ...c.vaults[0]!, items: [{ id: uuid(), version: 1, envelope: envelope(), signature: rand(64) }] },
      ],
    });
    expect(withItems.status).toBe(400);
    expect(withItems.body.error.message).toBe('vaults: a new vault has no items');
    const stray = uuid();
    const strayKey = await appendLinks(owner, team, [c.step], {
      keys: [...c.keys, { vault: c.id, generation: 1, user: stray, sealedKey: fakeSealedKey().sealedKey }],
      vaults: c.vaults,
    });
    expect(strayKey.status).toBe(400);
    expect(strayKey.body.error.message).toBe(`keys: no link in this batch records the key for ${stray}`);
    const strayVault = uuid();
    const strayPayload = await appendLinks(owner, team, [c.step], {
      keys: c.keys,
      vaults: [...c.vaults, { vault: strayVault, generation: 2, name: envelope() }],
    });
    expect(strayPayload.status).toBe(400);
    expect(strayPayload.body.error.message).toBe(
      `vaults: no link in this batch creates or re-keys ${strayVault}`,
    );
    expect(await teamSnapshot()).toEqual(before);
  });

  it('a link with a malformed body is refused by the chain, naming the link and its type', async () => {
    const before = await teamSnapshot();
    const r = await appendLinks(owner, team, [['member.invite', { email: 'x@example.com', role: 'god' }]]);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
    expect(r.body.error.message).toMatch(
      new RegExp(`^team chain link ${chainOf(team).seq + 1}: malformed member\\.invite body: `),
    );
    const extra = await appendLinks(owner, team, [
      ['member.invite', { email: 'x@example.com', role: 'member', note: 'smuggled' }],
    ]);
    expect(extra.status).toBe(403);
    expect(extra.body.error.message).toMatch(/malformed member\.invite body: .*note/);
    expect(await teamSnapshot()).toEqual(before);
  });

  it('item write with wrong types, a wrong version step, a huge string', async () => {
    const base = { baseVersion: 0, version: 1, generation: 1, envelope: envelope(), signature: rand(64) };
    const r1 = await owner.api.put(item(), { ...base, version: '1' });
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toMatch(/^version: /);
    const r2 = await owner.api.put(item(), { ...base, version: 3 });
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toBe('version: must be baseVersion + 1');
    const r3 = await owner.api.put(item(), {
      ...base,
      envelope: { ...envelope(), alg: 'x'.repeat(100_000) },
    });
    expect(r3.status).toBe(400);
    expect(r3.body.error.message).toMatch(/^envelope\.alg: /);
    const r4 = await owner.api.put(item(), { ...base, baseVersion: -1 });
    expect(r4.body.error.message).toMatch(/^baseVersion: /);
    const r5 = await owner.api.put(item(), { ...base, version: 2 ** 60, baseVersion: 2 ** 60 - 1 });
    expect(r5.status).toBe(400);
  });

  it('path ids and query parameters', async () => {
    const r1 = await owner.api.get('/api/v1/teams/not-a-uuid/members');
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toBe('team: Invalid UUID');
    const r2 = await owner.api.get(`/api/v1/teams/${team}/changes?since=-4`);
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toMatch(/^since: /);
    const r3 = await owner.api.get(`/api/v1/teams/${team}/changes?since=abc`);
    expect(r3.status).toBe(400);
    const r4 = await owner.api.get(`/api/v1/teams/${team}/changes?since=0&seq=-1`);
    expect(r4.status).toBe(400);
    expect(r4.body.error.message).toMatch(/^seq: /);
    const r5 = await owner.api.get(`/api/v1/teams/${team}/chain?after=x`);
    expect(r5.status).toBe(400);
    expect(r5.body.error.message).toMatch(/^after: /);
    const r6 = await owner.api.post('/api/v1/teams/not-a-uuid/chain', { links: [{}] });
    expect(r6.status).toBe(400);
    expect(r6.body.error.message).toBe('team: Invalid UUID');
  });
});

describe('malformed requests are 4xx, never 500', () => {
  const routes = (): [string, string][] => [
    ['POST', '/api/v1/signup/start'],
    ['POST', '/api/v1/signup/finish'],
    ['POST', '/api/v1/login/start'],
    ['POST', '/api/v1/login/finish'],
    ['POST', '/api/v1/teams'],
    ['POST', `/api/v1/teams/${team}/chain`],
    ['POST', `/api/v1/teams/${team}/accept`],
    ['PUT', item()],
  ];
  const garbage = [
    '{"email": ',
    'null',
    '[]',
    '"str"',
    '42',
    '{"__proto__": {"x": 1}}',
    '{"name": "a\\u0000b"}',
    '{"links": "a"}',
    '{"links": [[]]}',
    '{"link": {"seq": 1, "prev": null, "type": "team.create", "author": 7, "body": [], "sig": {}}}',
    '',
  ];

  it('garbage JSON bodies', async () => {
    for (const [method, path] of routes()) {
      for (const raw of garbage) {
        const r = await owner.api.call(method, path, undefined, { raw });
        expect(r.status, `${method} ${path} ${raw}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${method} ${path} ${raw}`).toBeLessThan(500);
        expect(r.body.error?.code).toBeTypeOf('string');
        expect(r.body.error?.message).toBeTypeOf('string');
      }
    }
  });

  it('hostile links at the head are refused as 4xx, and nothing is stored', async () => {
    const before = await teamSnapshot();
    const good = await nextLink('member.invite', { email: 'h@example.com', role: 'member' });
    const hostile: unknown[] = [
      {},
      { ...good, seq: String(good.seq) },
      { ...good, prev: null },
      { ...good, author: uuid() },
      { ...good, author: 7 },
      { ...good, sig: 123 },
      { ...good, sig: '' },
      { ...good, sig: good.sig.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
      { ...good, type: 'team.delete' },
      { ...good, type: 'team.create' },
      { ...good, body: 'x' },
      { ...good, body: { email: 'h@example.com', role: 'owner' } },
      { ...good, extra: true },
      { ...good, seq: good.seq + 1 },
      { ...good, seq: 2 ** 60 },
    ];
    for (const link of hostile) {
      const r = await owner.api.post(CHAIN(), { links: [link] });
      expect(r.status, JSON.stringify(link)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(link)).toBeLessThan(500);
      expect(r.body.error?.message).toBeTypeOf('string');
    }
    // A good first link followed by a hostile one: the batch goes as a whole or not at all.
    for (const second of [{}, { seq: good.seq + 1 }, { ...good, seq: good.seq + 1 }]) {
      const r = await owner.api.post(CHAIN(), { links: [good, second] });
      expect(r.status, JSON.stringify(second)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(second)).toBeLessThan(500);
    }
    expect(await teamSnapshot()).toEqual(before);
  });

  it('wrong content type is 415', async () => {
    const r = await owner.api.call('POST', '/api/v1/teams', undefined, {
      raw: 'id=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('bad_request');
  });

  it('a body over 32 MiB is 413', async () => {
    const raw = JSON.stringify({ links: [{ body: { name: 'x'.repeat(33 * 1024 * 1024) } }] });
    const r = await owner.api.call('POST', CHAIN(), undefined, { raw });
    expect(r.status).toBe(413);
    expect(r.body.error.message).toMatch(/too large/);
  });

  it('NUL characters and odd unicode never reach the database as a 500', async () => {
    const before = await teamSnapshot();
    const nul = await appendLinks(owner, team, [['group.create', { group: uuid(), name: 'a\u0000b' }]]);
    expect(nul.status).toBe(400);
    expect(nul.body.error.message).toBe('body: strings may not contain NUL');
    const lone = await appendLinks(owner, team, [
      ['group.create', { group: uuid(), name: 'lone \ud800 surrogate' }],
    ]);
    // A lone surrogate is valid JSON but not storable JSONB: PostgreSQL's refusal is a 400.
    expect(lone.status).toBe(400);
    expect(lone.body.error.code).toBe('bad_request');
    expect(await teamSnapshot()).toEqual(before);
    const r3 = await owner.api.put(item(), {
      baseVersion: 0,
      version: 1,
      generation: 1,
      envelope: { ...envelope(), nonce: '\ud83d\ude00' },
      signature: rand(64),
    });
    expect(r3.status).toBeLessThan(500);
  });

  it('a batch refused after some links were projected leaves no partial write', async () => {
    const before = await teamSnapshot();
    const group = uuid();
    const c = await vaultCreate();
    const steps: [LinkType, Record<string, unknown>][] = [
      ['group.create', { group, name: 'half-made' }],
      c.step,
      ['vault.grant', { vault: c.id, principal: { kind: 'group', id: group }, role: 'view' }],
    ];
    // Every link is good; a key no link records is found only after all three were projected.
    const stray = uuid();
    const late = await appendLinks(owner, team, steps, {
      keys: [...c.keys, { vault: c.id, generation: 1, user: stray, sealedKey: fakeSealedKey().sealedKey }],
      vaults: c.vaults,
    });
    expect(late.status).toBe(400);
    expect(late.body.error.message).toBe(`keys: no link in this batch records the key for ${stray}`);
    expect(await teamSnapshot()).toEqual(before);

    // The chain refuses the last link (a grant to someone outside the team).
    const refused = await appendLinks(
      owner,
      team,
      [...steps, ['vault.grant', { vault: c.id, principal: { kind: 'user', id: uuid() }, role: 'view' }]],
      { keys: c.keys, vaults: c.vaults },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/is not in the team/);
    expect(await teamSnapshot()).toEqual(before);
    expect((await srv.db.query('SELECT id FROM vaults WHERE id = $1', [c.id])).rows).toEqual([]);
    expect((await srv.db.query('SELECT id FROM groups WHERE id = $1', [group])).rows).toEqual([]);

    // The same batch without the faults goes in whole.
    const ok = await appendLinks(owner, team, steps, { keys: c.keys, vaults: c.vaults });
    expect(ok.status).toBe(200);
    expect(ok.body.seq).toBe(Number((before.team[0] as { chain_seq: number }).chain_seq) + 3);
    expect((await srv.db.query('SELECT id FROM groups WHERE id = $1', [group])).rows).toHaveLength(1);
  });
});
