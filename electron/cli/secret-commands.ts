// Process: cli (plain Node; the `tessera` command).
// `tessera secret …`. Concealed values are read from stdin or generated, never taken from argv,
// and `get` writes the raw bytes and a newline to stdout and nothing else, so it can be piped.
import type { Command } from 'commander';
import { TesseraError } from '../../shared/errors.ts';
import type { ItemView } from '../../shared/ipc-results.ts';
import { ITEM_TEMPLATES, ITEM_TYPES } from '../../shared/items.ts';
import { wipe } from '../core/crypto/index.ts';
import { parseRef, type TesseraService } from '../core/service/service.ts';
import { generateValue } from '../core/vault/password.ts';
import { registerFlagCommand } from './due-command.ts';
import type { Context } from './program.ts';
import { reportSync } from './program.ts';
import { collect, editFromFlags, type SetFlags } from './secret-set.ts';

interface Helpers {
  parseDays(text: string): number;
  readStdinBytes(): Promise<Uint8Array>;
}

const positive = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new TesseraError('usage', `${flag} takes a positive whole number`);
  return n;
};

/** Pull first: a secret another member made since this profile last synced is then written as
 *  its next version, not as a second secret of the same name. Offline, the local copy decides. */
async function freshen(c: Context, s: TesseraService, what = 'showing the local copy') {
  const r = await s.sync(c.team);
  if (r.offline) c.out.note(`server unreachable: ${what}`);
}

function reportWrite(c: Context, r: Awaited<ReturnType<TesseraService['sync']>>, what: string) {
  if (r.offline)
    c.out.note(
      `server unreachable: ${what} is kept, encrypted, and ${r.remaining} edit(s) wait for the next sync`,
    );
  reportSync(c.out, r);
}

function showLines(item: ItemView, codes: Map<string, string>): string[] {
  const width = Math.max(...item.fields.map((f) => f.label.length), 5);
  const lines = [`${item.vault}/${item.name}  (${ITEM_TEMPLATES[item.type].label}, version ${item.version})`];
  for (const f of item.fields) {
    const mark = f.key === item.primary ? '*' : ' ';
    let shown: string;
    if (f.empty) shown = '(empty)';
    else if (f.kind === 'totp') shown = codes.get(f.key) ?? '(one-time code)';
    else if (f.value === null)
      shown = `(concealed: tessera secret get ${item.vault}/${item.name} --field ${f.key})`;
    else shown = f.value;
    lines.push(`${mark} ${f.label.padEnd(width)}  ${shown}${f.label !== f.key ? `   [${f.key}]` : ''}`);
  }
  if (item.tags.length) lines.push(`tags: ${item.tags.join(', ')}`);
  if (item.rotateEveryDays) lines.push(`rotate every ${item.rotateEveryDays} days`);
  if (item.notes) lines.push('notes:', ...item.notes.split('\n').map((l) => `  ${l}`));
  return lines;
}

export function registerSecretCommands(program: Command, ctx: () => Context, h: Helpers): void {
  const secret = program.command('secret').description('read and write secrets (items with fields)');
  registerFlagCommand(secret, ctx);

  secret
    .command('set <ref>')
    .description(
      'create or update VAULT/NAME; fields left out keep their values (concealed values come from stdin, never argv)',
    )
    .option('--type <type>', `item type for a new secret: ${ITEM_TYPES.join(', ')} (default password)`)
    .option(
      '--field <key=value>',
      'set a field; KEY:KIND=VALUE adds a custom one (text, concealed, url, totp); VALUE - reads stdin',
      collect,
    )
    .option('--remove-field <key>', 'remove a field', collect)
    .option('--primary <key>', 'make this field the one `secret get` and Copy take')
    .option('--tag <tag>', 'a tag (repeat for several; replaces the secret’s tags)', collect)
    .option('--notes-file <file>', 'read the notes from a file (- for stdin; an empty file clears them)')
    .option('--value-stdin', 'read the primary value from stdin')
    .option(
      '--generate <length>',
      'generate a random password of this length as the primary value',
      positive('--generate'),
    )
    .option(
      '--passphrase <words>',
      'generate a passphrase of this many common words as the primary value',
      positive('--passphrase'),
    )
    .option(
      '--rotate-every <days>',
      'rotation interval, e.g. 30d (an existing secret keeps its own if left out)',
    )
    .option('--no-rotate-every', 'clear the rotation interval')
    .option(
      '--expires <date>',
      'the date the credential stops working, e.g. 2027-03-31 (shown by `tessera due`)',
    )
    .option('--no-expires', 'clear the expiry date')
    .action(async (ref: string, o: SetFlags) => {
      const c = ctx();
      const { vault, name } = parseRef(ref);
      const r = await c.unlocked(async (s) => {
        await freshen(c, s, 'writing to the local copy');
        const existing = s.listSecrets(vault, c.team).find((x) => x.name === name);
        const { edit, owned } = await editFromFlags(o, existing?.type, {
          readStdinBytes: h.readStdinBytes,
          parseDays: h.parseDays,
          generate: (g) => generateValue(g).value,
        });
        try {
          return await s.setSecret(ref, edit, {}, c.team);
        } finally {
          wipe(...owned);
        }
      });
      reportWrite(c, r, 'the edit');
    });

  secret
    .command('get <ref>')
    .description('print the primary value of VAULT/NAME (or one field) and a newline, nothing else')
    .option('--field <key>', 'print this field instead (a one-time code field prints its current code)')
    .option('--version <n>', 'an older version, for rollback (see `secret history`)', positive('--version'))
    .action(async (ref: string, o: { field?: string; version?: number }) => {
      const c = ctx();
      await c.unlocked(async (s) => {
        await freshen(c, s);
        const f = await s.getFieldAt(ref, o.field, o.version, c.team);
        let value = f.value;
        try {
          if (f.kind === 'totp') {
            // The code of the version asked for: with --version, the old seed's code.
            value = new TextEncoder().encode(s.oneTimeCode(f.value));
            wipe(f.value);
          }
          if (c.out.json) {
            c.out.result({ ref, field: f.key, value: Buffer.from(value).toString('utf8') }, () => '');
          } else {
            process.stdout.write(value);
            process.stdout.write('\n');
          }
        } finally {
          wipe(value, f.value);
        }
      });
    });

  secret
    .command('show <ref>')
    .description('show the fields of VAULT/NAME (concealed values stay hidden; * marks the primary field)')
    .action(async (ref: string) => {
      const c = ctx();
      const { item, codes } = await c.unlocked(async (s) => {
        await freshen(c, s);
        const item = s.showSecret(ref, c.team);
        const codes = new Map<string, string>();
        for (const f of item.fields)
          if (f.kind === 'totp' && !f.empty) {
            const t = s.totp(ref, f.key, c.team);
            codes.set(f.key, `${t.code} (${t.secondsLeft} s left)`);
          }
        return { item, codes };
      });
      c.out.result({ ...item, codes: Object.fromEntries(codes) }, () => showLines(item, codes));
    });

  secret
    .command('list [vault]')
    .description('list the secrets of one vault, or of every vault you can read')
    .action(async (vault?: string) => {
      const c = ctx();
      const items = await c.unlocked(async (s) => {
        await freshen(c, s);
        return s.listSecrets(vault, c.team);
      });
      c.out.result(items, () =>
        items.map(
          (i) =>
            `${i.vault}/${i.name}\t${i.type}${i.tags.length ? `\t#${i.tags.join(' #')}` : ''}${i.rotateEveryDays ? `\trotate every ${i.rotateEveryDays}d` : ''}${i.pending ? '\t(not yet synced)' : ''}`,
        ),
      );
    });

  secret
    .command('history <ref>')
    .description('list the versions of VAULT/NAME with their authors')
    .action(async (ref: string) => {
      const c = ctx();
      const versions = await c.unlocked(async (s) => {
        await s.sync(c.team);
        return s.history(ref, c.team);
      });
      c.out.result(versions, () =>
        versions.map((v) => `v${v.version}\t${v.updatedAt}\t${v.updatedBy}${v.deleted ? '\t(deleted)' : ''}`),
      );
    });

  secret
    .command('restore <ref> <version>')
    .description('write an older version’s values as the newest version (the history keeps every version)')
    .action(async (ref: string, version: string) => {
      const c = ctx();
      const n = positive('VERSION')(version);
      const r = await c.unlocked(async (s) => {
        await freshen(c, s, 'restoring from the local copy');
        return s.restoreSecret(ref, n, c.team);
      });
      reportWrite(c, r, 'the restore');
    });

  secret
    .command('mv <ref> <to>')
    .description('rename VAULT/NAME (to VAULT/NEW) or move it to another vault (to VAULT2 or VAULT2/NEW)')
    .action(async (ref: string, to: string) => {
      const c = ctx();
      const r = await c.unlocked(async (s) => {
        await freshen(c, s, 'moving in the local copy');
        return s.moveSecret(ref, to, c.team);
      });
      reportWrite(c, r, 'the move');
    });

  secret
    .command('rotate <ref>')
    .description(
      'save a new primary value as the next version: from stdin, or generated the way the last one was (24 characters if never)',
    )
    .option('--value-stdin', 'read the new value from stdin instead of generating one')
    .action(async (ref: string, o: { valueStdin?: boolean }) => {
      const c = ctx();
      const value = o.valueStdin ? await h.readStdinBytes() : undefined;
      try {
        if (value?.length === 0) throw new TesseraError('usage', 'the new value on stdin is empty');
        const r = await c.unlocked(async (s) => {
          await freshen(c, s, 'rotating in the local copy');
          return s.rotateSecret(ref, value, c.team);
        });
        reportWrite(c, r, 'the new value');
      } finally {
        if (value) wipe(value);
      }
    });

  secret
    .command('rm <ref>')
    .description('delete VAULT/NAME')
    .action(async (ref: string) => {
      const c = ctx();
      const r = await c.unlocked(async (s) => {
        await s.sync(c.team);
        return s.removeSecret(ref, c.team);
      });
      reportWrite(c, r, 'the removal');
    });
}
