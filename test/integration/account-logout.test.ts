// Process: test. Logging out and in again on one profile, through the core service against a
// real team server: the same account comes back with its local copy, another account takes
// the profile over only after a logout that left nothing unsent, and never before.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraService } from '../../electron/core/service/service.ts';
import { bytes, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person;
let bob: Person;
/** Set to make every request of alice's core fail as if the network were gone. */
let offline = false;
const aliceFetch: typeof fetch = (input, init) =>
  offline ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);

beforeAll(async () => {
  srv = await startTestServer();
  alice = await signUp(srv.url, 'alice', { fetch: aliceFetch });
  bob = await signUp(srv.url, 'bob');
  await alice.svc.createTeam('acme');
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', bytes('alice-db'));
});

afterAll(async () => {
  alice?.svc.lock();
  bob?.svc.lock();
  await srv?.close();
});

const profileJson = (p: Person) => JSON.parse(readFileSync(join(p.profileDir, 'profile.json'), 'utf8'));

describe('log out, log in again', () => {
  it('another account cannot take over a profile that did not log out', async () => {
    const other = new TesseraService({ profileDir: alice.profileDir, fetch: aliceFetch });
    await expect(
      other.login({ server: srv.url, email: bob.email, password: bob.password() }),
    ).rejects.toThrow(`this profile belongs to ${alice.email}: log out first`);
    // Nothing of alice's was touched.
    await alice.svc.unlock(alice.password());
    expect(text(alice.svc.getSecret('prod/db'))).toBe('alice-db');
  });

  it('logout marks the profile; the same account logs in again with its local copy', async () => {
    expect(await alice.svc.logout()).toEqual({ unsent: 0 });
    expect(profileJson(alice).loggedOut).toEqual({ unsent: 0 });
    await alice.svc.login({ server: srv.url, email: alice.email, password: alice.password() });
    expect(profileJson(alice).loggedOut).toBeUndefined();
    expect(alice.svc.hasSession).toBe(true);
    expect(text(alice.svc.getSecret('prod/db'))).toBe('alice-db');
  });

  it('edits that could not be sent at logout keep another account out, with the count', async () => {
    offline = true;
    await alice.svc.setSecret('prod/offline', bytes('queued'));
    expect(await alice.svc.logout()).toEqual({ unsent: 1 });
    offline = false;
    const other = new TesseraService({ profileDir: alice.profileDir });
    await expect(
      other.login({ server: srv.url, email: bob.email, password: bob.password() }),
    ).rejects.toThrow(
      `${alice.email} logged out with 1 edit not yet sent to the server: log in as ${alice.email} and sync them first`,
    );
    // Signup is refused before the server hears of the new account.
    await expect(
      other.signup({
        server: srv.url,
        email: 'carol@example.test',
        name: 'carol',
        password: bytes('carol horse battery staple'),
      }),
    ).rejects.toThrow(/logged out with 1 edit not yet sent/);
    // Alice logs in again and the queued edit goes out.
    await alice.svc.login({ server: srv.url, email: alice.email, password: alice.password() });
    expect((await alice.svc.sync()).remaining).toBe(0);
  });

  it('after a clean logout another account takes the profile over as a new device', async () => {
    expect(await alice.svc.logout()).toEqual({ unsent: 0 });
    alice.svc.lock();
    const other = new TesseraService({ profileDir: alice.profileDir });
    await other.login({ server: srv.url, email: bob.email, password: bob.password() });
    expect(other.whoami().email).toBe(bob.email);
    expect(other.teams()).toEqual([]);
    expect(profileJson(alice)).toMatchObject({ email: bob.email });
    expect(profileJson(alice).currentTeam).toBeUndefined();
    // Alice's password no longer opens anything here; bob's does.
    other.lock();
    await expect(other.unlock(alice.password())).rejects.toThrow();
    await other.unlock(bob.password());
    other.lock();
  });
});
