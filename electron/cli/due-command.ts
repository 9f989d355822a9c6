// Process: cli (plain Node; the `tessera` command).
// `tessera due`: what to rotate. Exits 6 when something is overdue or expired, so a CI job can
// fail on it; due soon is reported but exits 0.
import type { Command } from 'commander';
import { needsAction } from '../core/service/rotation.ts';
import type { Context } from './program.ts';

const describe = (e: { reason: string; days: number; dueAt: string }) => {
  const date = e.dueAt.slice(0, 10);
  const n = Math.abs(e.days);
  const days = `${n} day${n === 1 ? '' : 's'}`;
  switch (e.reason) {
    case 'overdue':
      return n === 0 ? `rotation overdue since today (${date})` : `rotation overdue by ${days} (due ${date})`;
    case 'due-soon':
      return `rotation due in ${days} (${date})`;
    case 'expired':
      return `expired on ${date}`;
    default:
      return `expires in ${days} (${date})`;
  }
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
