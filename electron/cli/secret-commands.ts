// Process: cli (plain Node; the `tessera` command).
// `tessera secret …`. A value is read from stdin or generated, never taken from argv, and
// `get` writes the raw bytes and a newline to stdout and nothing else, so it can be piped.
import type { Command } from 'commander';
import { TesseraError } from '../../shared/errors.ts';
import { wipe } from '../core/crypto/index.ts';
import type { Context } from './program.ts';
import { reportSync } from './program.ts';

interface Helpers {
  generatePassword(length: number): Uint8Array;
  parseDays(text: string): number;
  readStdinBytes(): Promise<Uint8Array>;
}

export function registerSecretCommands(program: Command, ctx: () => Context, h: Helpers): void {
  const secret = program.command('secret').description('read and write secrets');

  secret
    .command('set <ref>')
    .description('set VAULT/NAME from stdin or a generated password')
    .option('--value-stdin', 'read the value from stdin')
    .option('--generate <length>', 'generate a random password of this length', (v) => Number(v))
    .option(
      '--rotate-every <days>',
      'rotation interval, e.g. 30d (an existing secret keeps its own if left out)',
    )
    .option('--no-rotate-every', 'clear the rotation interval')
    .action(
      async (ref: string, o: { valueStdin?: boolean; generate?: number; rotateEvery?: string | false }) => {
        const c = ctx();
        if (!!o.valueStdin === (o.generate !== undefined)) {
          throw new TesseraError(
            'usage',
            'pass exactly one of --value-stdin or --generate LEN (values never go on the command line)',
          );
        }
        // Left out: the secret keeps the interval it has (a new one has none).
        const meta =
          o.rotateEvery === false
            ? { rotateEveryDays: null }
            : o.rotateEvery === undefined
              ? {}
              : { rotateEveryDays: h.parseDays(o.rotateEvery) };
        const value = o.valueStdin ? await h.readStdinBytes() : h.generatePassword(o.generate!);
        try {
          const r = await c.unlocked(async (s) => {
            // Pull first: a secret another member made since this profile last synced is
            // then written as its next version, keeping its metadata, not as a second
            // secret of the same name. Offline, the local copy decides.
            await s.sync(c.team);
            return s.setSecret(ref, value, meta, c.team);
          });
          if (r.offline)
            c.out.note(
              `server unreachable: the edit is kept, encrypted, and ${r.remaining} edit(s) wait for the next sync`,
            );
          reportSync(c.out, r);
        } finally {
          wipe(value);
        }
      },
    );

  secret
    .command('get <ref>')
    .option('--version <n>', 'an older version, for rollback (see `secret history`)', (v) => Number(v))
    .action(async (ref: string, o: { version?: number }) => {
      const c = ctx();
      if (o.version !== undefined && !(Number.isInteger(o.version) && o.version > 0)) {
        throw new TesseraError('usage', '--version takes a positive whole number');
      }
      await c.unlocked(async (s) => {
        const r = await s.sync(c.team);
        if (r.offline) c.out.note('server unreachable: showing the local copy');
        const value = o.version ? await s.getSecretVersion(ref, o.version, c.team) : s.getSecret(ref, c.team);
        try {
          if (c.out.json) {
            c.out.result({ ref, value: Buffer.from(value).toString('utf8') }, () => '');
          } else {
            process.stdout.write(value);
            process.stdout.write('\n');
          }
        } finally {
          wipe(value);
        }
      });
    });

  secret.command('list [vault]').action(async (vault?: string) => {
    const c = ctx();
    const items = await c.unlocked(async (s) => {
      const r = await s.sync(c.team);
      if (r.offline) c.out.note('server unreachable: showing the local copy');
      return s.listSecrets(vault, c.team);
    });
    c.out.result(items, () =>
      items.map(
        (i) =>
          `${i.vault}/${i.name}${i.rotateEveryDays ? `\trotate every ${i.rotateEveryDays}d` : ''}${i.pending ? '\t(not yet synced)' : ''}`,
      ),
    );
  });

  secret.command('history <ref>').action(async (ref: string) => {
    const c = ctx();
    const versions = await c.unlocked(async (s) => {
      await s.sync(c.team);
      return s.history(ref, c.team);
    });
    c.out.result(versions, () =>
      versions.map((v) => `v${v.version}\t${v.updatedAt}\t${v.updatedBy}${v.deleted ? '\t(deleted)' : ''}`),
    );
  });

  secret.command('rm <ref>').action(async (ref: string) => {
    const c = ctx();
    const r = await c.unlocked(async (s) => {
      await s.sync(c.team);
      return s.removeSecret(ref, c.team);
    });
    if (r.offline) c.out.note('server unreachable: the removal is queued');
    reportSync(c.out, r);
  });
}
