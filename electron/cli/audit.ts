// Process: cli (plain Node; the `tessera` command).
// `tessera audit`: the team's audit log, verified (docs/design.md "Audit"). Plain lines, or one
// JSON object per line with --json (so a log of any size streams into jq or a file). Each run
// reads the whole log from entry 1, so any rewrite, deletion, reordering or truncation of
// what this profile verified before exits 2 with a `tampered` error naming the team.
import type { Command } from 'commander';
import { AUDIT_KINDS } from '../../shared/audit/entry.ts';
import { type AuditAsk, auditLine } from '../core/service/audit-view.ts';
import type { Context } from './program.ts';

type AuditOptions = AuditAsk & { verify?: boolean };

export function registerAuditCommand(program: Command, ctx: () => Context): void {
  program
    .command('audit')
    .description("show the team's audit log (owners and admins), verified against the head this profile kept")
    .option('--verify', 'only verify the whole log and report the entry it is verified up to')
    .option('--person <email>', 'entries by or about this member')
    .option('--vault <name>', 'entries about this vault')
    .option('--secret <vault/name>', 'entries about this secret')
    .option('--action <kind>', `one kind: ${AUDIT_KINDS.join(', ')}`)
    .option('--since <date>', 'from this date or time (2026-12-01, or 2026-12-01T09:00:00Z)')
    .option('--until <date>', 'up to this date or time, inclusive')
    .action(async (o: AuditOptions) => {
      const c = ctx();
      const { verify, ...ask } = o;
      const view = await c.unlocked(async (s) => {
        await s.sync(c.team);
        return s.audit(ask, { verify: true }, c.team);
      });
      const summary = `audit log of ${view.team}: verified up to entry ${view.verifiedUpTo}`;
      if (verify) {
        c.out.result(
          { team: view.team, verifiedUpTo: view.verifiedUpTo, queued: view.queued },
          () => summary,
        );
        return;
      }
      if (c.out.json) for (const r of view.rows) process.stdout.write(`${JSON.stringify(r)}\n`);
      else {
        c.out.note(summary);
        for (const r of view.rows) process.stdout.write(`${auditLine(r)}\n`);
        if (view.rows.length === 0) c.out.note('no entries match');
      }
      if (view.queued > 0)
        c.out.note(`${view.queued} of your own events are not sent yet: they go with the next sync`);
    });
}
