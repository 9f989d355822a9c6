// Process: cli (plain Node; the `tessera` command).
// `tessera link ...` and `tessera vault policy` (docs/design.md "One-time links"). The URL
// with its key goes to stdout and nowhere else: no note, log line or error message repeats
// it. A passphrase comes from stdin, never argv. `link open -` reads the URL from stdin too,
// since a URL on the command line is visible to every user in the process list.
import type { Command } from 'commander';
import { TesseraError } from '../../shared/errors.ts';
import type { LinkInfo } from '../../shared/link-api.ts';
import { wipe } from '../core/crypto/index.ts';
import { readStdinBytes } from './io.ts';
import type { Context } from './program.ts';

const UNIT = { m: 60, h: 3600, d: 86_400 } as const;

/** `30m`, `1h`, `7d` → seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([mhd])$/.exec(text.trim());
  if (!m || Number(m[1]) < 1)
    throw new TesseraError('usage', `expected a duration like 30m, 1h or 7d, got ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT[m[2] as keyof typeof UNIT];
}

function describeDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${Math.round(seconds / 60)}m`;
}

const NL = 0x0a;

/** Splits stdin into the URL (its first line) and what follows (the passphrase). */
function splitFirstLine(bytes: Uint8Array): { first: string; rest: Uint8Array } {
  const i = bytes.indexOf(NL);
  const end = i < 0 ? bytes.length : i;
  const first = new TextDecoder().decode(bytes.subarray(0, end)).trim();
  let rest = bytes.slice(i < 0 ? bytes.length : i + 1);
  if (rest.length > 0 && rest[rest.length - 1] === 0x0d) rest = rest.slice(0, -1);
  return { first, rest };
}

function listLine(l: LinkInfo): string {
  const views = `${l.viewsLeft}/${l.views} views left`;
  return `${l.id}\t${l.status}\t${views}\texpires ${l.expiresAt}\t${l.createdBy.email}${l.passphrase ? '\tpassphrase' : ''}`;
}

export function registerLinkCommands(program: Command, ctx: () => Context): void {
  const link = program.command('link').description('one-time links for someone outside the team');

  link
    .command('create <ref>')
    .description(
      'encrypt a secret (its primary value, or the fields named) into a one-time link; prints the URL',
    )
    .option('--field <key>', 'a field to include (repeat for more)', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--expires <duration>', 'how long it lives: 30m, 1h, 1d, up to 7d', '1h')
    .option('--views <n>', 'how many times it may be opened', '1')
    .option('--passphrase-stdin', 'also require a passphrase, read from stdin (send it separately)')
    .action(
      async (
        ref: string,
        o: { field?: string[]; expires: string; views: string; passphraseStdin?: boolean },
      ) => {
        const c = ctx();
        if (o.passphraseStdin && program.opts().passwordStdin)
          throw new TesseraError(
            'usage',
            'stdin can carry the password or the passphrase, not both: use TESSERA_PASSWORD',
          );
        const expiresInSeconds = parseDuration(o.expires);
        if (!/^\d+$/.test(o.views))
          throw new TesseraError('usage', `--views takes a number, got ${JSON.stringify(o.views)}`);
        const passphrase = o.passphraseStdin ? await readStdinBytes() : undefined;
        if (passphrase?.length === 0) throw new TesseraError('usage', 'the passphrase on stdin is empty');
        try {
          const made = await c.unlocked((s) =>
            s.createLink(
              ref,
              { fields: o.field, expiresInSeconds, views: Number(o.views), passphrase },
              c.team,
            ),
          );
          c.out.result(made, () => made.url);
          if (!c.out.json)
            c.out.note(
              `link ${made.id}: ${made.views} view${made.views === 1 ? '' : 's'}, expires ${made.expiresAt}` +
                (made.passphrase ? '; send the passphrase another way than the link' : ''),
            );
        } finally {
          wipe(passphrase);
        }
      },
    );

  link
    .command('list')
    .description("your links (an admin sees the team's), with views left and expiry")
    .action(async () => {
      const c = ctx();
      const all = await c.unlocked((s) => s.listLinks(c.team));
      c.out.result(all, () => (all.length ? all.map(listLine) : 'no links'));
    });

  link
    .command('open <url>')
    .description('open a link (spends one view) and print what it holds; `-` reads the URL from stdin')
    .option('--passphrase-stdin', 'read the passphrase from stdin (after the URL when the URL is `-`)')
    .action(async (urlArg: string, o: { passphraseStdin?: boolean }) => {
      const c = ctx();
      let url = urlArg;
      let passphrase: Uint8Array | undefined;
      if (urlArg === '-' || o.passphraseStdin) {
        const input = await readStdinBytes();
        if (urlArg === '-') {
          const { first, rest } = splitFirstLine(input);
          url = first;
          passphrase = o.passphraseStdin ? rest : undefined;
        } else passphrase = input.slice();
        wipe(input);
      }
      try {
        const peek = await c.service.peekLink(url);
        if (peek.passphrase && !passphrase?.length)
          throw new TesseraError(
            'usage',
            'this link needs a passphrase: pass it on stdin with --passphrase-stdin',
          );
        const got = await c.service.openLink(url, peek.passphrase ? passphrase : undefined);
        try {
          if (c.out.json) {
            const dec = new TextDecoder();
            c.out.result(
              {
                name: got.name,
                fields: got.fields.map((f) => ({
                  key: f.key,
                  label: f.label,
                  kind: f.kind,
                  value: dec.decode(f.value),
                })),
                viewsLeft: got.viewsLeft,
                expiresAt: got.expiresAt,
              },
              () => '',
            );
          } else if (got.fields.length === 1) {
            process.stdout.write(Buffer.from(got.fields[0]!.value));
            process.stdout.write('\n');
          } else {
            for (const f of got.fields) {
              process.stdout.write(`${f.key}: `);
              process.stdout.write(Buffer.from(f.value));
              process.stdout.write('\n');
            }
          }
          if (!c.out.json)
            c.out.note(`${got.name}: ${got.viewsLeft} view${got.viewsLeft === 1 ? '' : 's'} left`);
        } finally {
          for (const f of got.fields) wipe(f.value);
        }
      } finally {
        wipe(passphrase);
      }
    });

  link
    .command('revoke <id>')
    .description('revoke a link you made (admins: any in the team); its ciphertext is deleted at once')
    .action(async (id: string) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.revokeLink(id, c.team));
      c.out.result(r, () => (r.revoked ? `revoked link ${r.id}` : `link ${r.id} was already revoked`));
    });

  const vault = program.commands.find((x) => x.name() === 'vault');
  if (!vault) throw new Error('registerLinkCommands: the vault command must be registered first');
  vault
    .command('policy <vault>')
    .description("show or set (admins) a vault's one-time link policy")
    .option('--no-links', 'forbid one-time links from this vault')
    .option('--links', 'allow one-time links again')
    .option('--max-link-expiry <duration>', 'cap how long links live (e.g. 1d), or `none`')
    .action(async (v: string, o: { links?: boolean; maxLinkExpiry?: string }, cmd: Command) => {
      const c = ctx();
      // --links and --no-links share one option; only what was typed counts.
      const linksGiven = cmd.getOptionValueSource('links') === 'cli';
      const cap =
        o.maxLinkExpiry === undefined
          ? undefined
          : o.maxLinkExpiry === 'none'
            ? null
            : parseDuration(o.maxLinkExpiry);
      const p = await c.unlocked(async (s) => {
        const now = await s.linkPolicy(v, c.team);
        if (!linksGiven && cap === undefined) return now;
        return s.setLinkPolicy(
          v,
          {
            linksAllowed: linksGiven ? !!o.links : now.linksAllowed,
            maxExpirySeconds: cap === undefined ? now.maxExpirySeconds : cap,
          },
          c.team,
        );
      });
      c.out.result(p, () =>
        !p.linksAllowed
          ? 'one-time links: forbidden'
          : `one-time links: allowed, ${p.maxExpirySeconds === null ? 'up to 7d' : `up to ${describeDuration(p.maxExpirySeconds)}`}`,
      );
    });
}
