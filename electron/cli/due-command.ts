// Process: cli (plain Node; the `tessera` command).
// `tessera due`: what to rotate. Exits 6 when something is overdue or expired, so a CI job can
// fail on it; due soon is reported but exits 0.
import type { Command } from 'commander';
import { describeDue, describeInterval } from '../../shared/due-words.ts';
import type { DueView } from '../../shared/ipc-results.ts';
import { needsAction } from '../core/service/rotation.ts';
import type { Context } from './program.ts';

/** The window's words, as a line: lower-case and with the date. */
const describe = (e: DueView) => {
  const words = describeDue(e);
  const every = describeInterval(e);
  return `${words[0]!.toLowerCase()}${words.slice(1)} (${e.dueAt.slice(0, 10)}${every ? `, ${every}` : ''})`;
};

export function registerDueCommand(program: Command, ctx: () => Context): void {
  program
    .command('due')
    .description(
      'list secrets whose rotation is overdue or due within 7 days, or that expire; exits 6 if any is overdue or expired',
    )
    .action(async () => {
      const c = ctx();
      const list = await c.unlocked(async (s) => {
        const r = await s.sync(c.team);
        if (r.offline) c.out.note('server unreachable: showing the local copy');
        return s.due(c.team);
      });
      c.out.result(list, () =>
        list.length === 0 ? 'nothing to rotate' : list.map((e) => `${e.vault}/${e.name}\t${describe(e)}`),
      );
      if (needsAction(list)) process.exitCode = 6;
    });
}
