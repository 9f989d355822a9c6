// Process: cli (plain Node; the `tessera` command).
// `tessera team offboard EMAIL`: one step (docs/design.md "Offboarding"). Running it again on
// someone already offboarded continues what was cut short and prints the report again.
import type { Command } from 'commander';
import type { OffboardReport } from '../../shared/ipc-results.ts';
import { offboardCsv, usageWords } from '../../shared/offboard-export.ts';
import { plural } from '../../shared/words.ts';
import type { Context } from './program.ts';

function lines(r: OffboardReport): string[] {
  const out = [
    r.resumed
      ? `${r.email} was already offboarded by ${r.by} on ${r.offboardedAt?.slice(0, 10) ?? 'an unknown date'}; continued`
      : `offboarded ${r.email}`,
  ];
  if (r.server)
    out.push(
      `ended ${plural(r.server.sessionsRevoked, 'session')} and revoked ${plural(r.server.linksRevoked, 'active one-time link')}` +
        (r.server.accountSuspended
          ? '; the account is suspended'
          : '; the account stays for their other teams'),
    );
  for (const v of r.vaults) {
    const name = v.name ?? `a vault you cannot read (${v.vaultId})`;
    if (v.status === 'rekeyed') out.push(`re-keyed ${name}`);
    else if (v.status === 'pending')
      out.push(
        `${name}: still needs a re-key, which only its managers can do: ${v.managers.join(', ') || 'nobody left'}`,
      );
    else if (v.status === 'deleted') out.push(`${name}: deleted`);
  }
  out.push(`${plural(r.secrets.length, 'secret')} ${r.email} could decrypt:`);
  for (const s of r.secrets) out.push(`  ${s.vault}/${s.name}\t${s.flag ?? 'rotated since'}\t${usageWords(s)}`);
  if (r.usageProblem) out.push(`(what ${r.email} revealed or copied is not known: ${r.usageProblem})`);
  for (const v of r.vaults)
    if (v.name === null)
      out.push(`  (the secrets of ${v.vaultId}: you cannot read that vault; ask ${v.managers.join(', ')})`);
  out.push(`${plural(r.links.length, 'one-time link')} ${r.email} created:`);
  for (const l of r.links)
    out.push(`  ${l.vault ?? l.vaultId}/${l.secret ?? l.id}\t${l.status}\texpires ${l.expiresAt}`);
  return out;
}

export function registerOffboardCommand(team: Command, ctx: () => Context): void {
  team
    .command('offboard <email>')
    .description(
      'offboard a member: end their sessions and links, remove them, re-key every vault they could read, and report every secret they could decrypt (flagged "rotation required"); run again to continue one cut short',
    )
    .option('--csv', 'print the report as CSV')
    .action(async (email: string, o: { csv?: boolean }) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.offboard(email, c.team));
      if (o.csv) process.stdout.write(offboardCsv(r));
      else c.out.result(r, () => lines(r));
    });
}
