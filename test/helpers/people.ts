// Process: test. People with their own profile folder and their own in-process core service,
// talking to a real team server over HTTP. Used where a test needs many steps quickly; the
// CLI tests cover the same service through the real command line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TesseraService } from '../../electron/core/service/service.ts';
import type { TeamRole } from '../../shared/roles.ts';

export interface Person {
  email: string;
  password: () => Uint8Array;
  profileDir: string;
  svc: TesseraService;
}

export async function signUp(
  server: string,
  name: string,
  opts: { fetch?: typeof fetch; now?: () => Date } = {},
): Promise<Person> {
  const email = `${name}@example.test`;
  const profileDir = mkdtempSync(join(tmpdir(), `tessera-${name}-`));
  const password = () => new TextEncoder().encode(`${name} horse battery staple`);
  const svc = new TesseraService({ profileDir, fetch: opts.fetch, now: opts.now });
  await svc.signup({ server, email, name, password: password() });
  return { email, password, profileDir, svc };
}

/** Owner creates a team; every other person is invited, accepts and is confirmed. */
export async function formTeam(
  owner: Person,
  teamName: string,
  others: { person: Person; role: TeamRole }[],
) {
  await owner.svc.createTeam(teamName);
  for (const { person, role } of others) {
    const code = await owner.svc.invite(person.email, role);
    await person.svc.accept(code);
    await owner.svc.confirm(person.email, person.svc.whoami().fingerprint);
  }
  for (const { person } of others) await person.svc.sync();
  await owner.svc.sync();
}

export const bytes = (s: string) => new TextEncoder().encode(s);
export const text = (b: Uint8Array) => new TextDecoder().decode(b);
