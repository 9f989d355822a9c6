// Process: test. One-time links through the real core service and a real team server: what
// a sender makes, anyone holding the URL opens once; a passphrase link needs the passphrase;
// and the fragment key (and the passphrase and the value) never reach the server: every
// request the clients send is recorded, URL, headers and body, and so is the server's log.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraService } from '../../electron/core/service/service.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let srv: TestServer;
let alice: Person;
let bob: Person;
let stranger: TesseraService;
const sent: string[] = [];
const logs: string[] = [];

/** Records everything a client puts on the wire, then sends it. */
const recording: typeof fetch = async (input, init) => {
  const headers = JSON.stringify(init?.headers ?? {});
  sent.push(
    `${init?.method ?? 'GET'} ${String(input)} ${headers} ${typeof init?.body === 'string' ? init.body : ''}`,
  );
  return fetch(input, init);
};

const keyOf = (url: string) => url.slice(url.indexOf('#') + 1);

beforeAll(async () => {
  srv = await startTestServer({ logger: true, logStream: { write: (line: string) => logs.push(line) } });
  alice = await signUp(srv.url, 'alice', { fetch: recording });
  bob = await signUp(srv.url, 'bob', { fetch: recording });
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', {
    type: 'database',
    primaryValue: bytes('pg-secret-value-1'),
    fields: [
      { key: 'user', value: bytes('app-user') },
      { key: 'host', value: bytes('db.internal') },
    ],
  });
  stranger = new TesseraService({
    profileDir: mkdtempSync(join(tmpdir(), 'tessera-stranger-')),
    fetch: recording,
  });
}, 120_000);

afterAll(async () => {
  alice?.svc.lock();
  bob?.svc.lock();
  await srv?.close();
});

describe('one-time links through the service', () => {
  it('carry the primary value by default, open once for anyone with the URL, then are used up', async () => {
    const made = await alice.svc.createLink('prod/db', {});
    expect(made.url).toMatch(new RegExp(`^${srv.url}/s/${made.id}#[A-Za-z0-9_-]{43}$`));
    expect(made).toMatchObject({ views: 1, passphrase: false });
    expect((await stranger.peekLink(made.url)).viewsLeft).toBe(1);
    const got = await stranger.openLink(made.url);
    expect(got.name).toBe('db');
    expect(got.fields.map((f) => [f.key, text(f.value)])).toEqual([['password', 'pg-secret-value-1']]);
    await expect(stranger.openLink(made.url)).rejects.toMatchObject({ code: 'link_used_up' });
  });

  it('carry the fields the sender picks, for as many views as allowed', async () => {
    const made = await alice.svc.createLink('prod/db', {
      fields: ['user', 'host'],
      views: 2,
      expiresInSeconds: 86400,
    });
    for (const left of [1, 0]) {
      const got = await stranger.openLink(made.url);
      expect(got.fields.map((f) => [f.key, text(f.value)])).toEqual([
        ['user', 'app-user'],
        ['host', 'db.internal'],
      ]);
      expect(got.viewsLeft).toBe(left);
    }
    await expect(alice.svc.createLink('prod/db', { fields: ['nope'] })).rejects.toThrow(/no field "nope"/);
    await expect(alice.svc.createLink('prod/db', { expiresInSeconds: 8 * 86400 })).rejects.toThrow(
      /at most 7 days/,
    );
  });

  it('with a passphrase: the right one opens it, a wrong one does not', async () => {
    const made = await alice.svc.createLink('prod/db', { views: 2, passphrase: bytes('tangerine dream') });
    expect((await stranger.peekLink(made.url)).passphrase).toBe(true);
    await expect(stranger.openLink(made.url, bytes('wrong dream'))).rejects.toMatchObject({
      code: 'wrong_password',
    });
    const got = await stranger.openLink(made.url, bytes('tangerine dream'));
    expect(text(got.fields[0]!.value)).toBe('pg-secret-value-1');
  });

  it('a URL whose key was changed does not open, and costs the server nothing it can use', async () => {
    const made = await alice.svc.createLink('prod/db', { views: 2 });
    const key = keyOf(made.url);
    const other = `${made.url.slice(0, made.url.indexOf('#') + 1)}${key[0] === 'A' ? 'B' : 'A'}${key.slice(1)}`;
    await expect(stranger.openLink(other)).rejects.toMatchObject({ code: 'tampered' });
  });

  it('list, revoke and the vault policy, as the sender and an admin', async () => {
    const made = await alice.svc.createLink('prod/db', {});
    await alice.svc.shareVault('prod', bob.email, 'view');
    await bob.svc.sync();
    const bobs = await bob.svc.createLink('prod/db', {});
    expect((await bob.svc.listLinks()).map((l) => l.id)).toEqual([bobs.id]);
    const all = (await alice.svc.listLinks()).map((l) => l.id);
    expect(all).toEqual(expect.arrayContaining([made.id, bobs.id]));
    expect(await alice.svc.revokeLink(bobs.id)).toEqual({ id: bobs.id, revoked: true });
    await expect(stranger.openLink(bobs.url)).rejects.toMatchObject({ code: 'link_revoked' });
    await expect(
      bob.svc.setLinkPolicy('prod', { linksAllowed: false, maxExpirySeconds: null }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await alice.svc.setLinkPolicy('prod', { linksAllowed: true, maxExpirySeconds: 3600 });
    expect(await bob.svc.linkPolicy('prod')).toMatchObject({ linksAllowed: true, maxExpirySeconds: 3600 });
    await expect(bob.svc.createLink('prod/db', { expiresInSeconds: 7200 })).rejects.toThrow(/at most 1h/);
    await alice.svc.setLinkPolicy('prod', { linksAllowed: true, maxExpirySeconds: null });
  });

  it('no request and no log line ever held a fragment key, a passphrase or a value', async () => {
    const urls: string[] = [];
    for (const opts of [{}, { passphrase: bytes('kumquat sunrise') }]) {
      const made = await alice.svc.createLink('prod/db', { views: 3, ...opts });
      urls.push(made.url);
      await stranger.peekLink(made.url);
      await stranger.openLink(made.url, 'passphrase' in opts ? bytes('kumquat sunrise') : undefined);
      await alice.svc.revokeLink(made.id);
    }
    const wire = sent.join('\n');
    const log = logs.join('\n');
    // The test can see what it checks: the requests and the log are there, with the link ids.
    expect(sent.length).toBeGreaterThan(20);
    for (const url of urls) {
      const id = url.slice(url.lastIndexOf('/') + 1, url.indexOf('#'));
      expect(wire).toContain(id);
      expect(log).toContain(id);
      expect(wire).not.toContain(keyOf(url));
      expect(log).not.toContain(keyOf(url));
      expect(wire).not.toContain('#');
    }
    for (const secret of ['kumquat', 'tangerine', 'pg-secret-value-1', 'app-user']) {
      expect(wire).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
  });
});
