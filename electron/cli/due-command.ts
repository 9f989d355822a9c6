// Process: cli (plain Node; the `tessera` command).
// `tessera due`: what to rotate. Exits 6 when something is overdue, expired or flagged
// "rotation required", so a CI job can fail on it; due soon is reported but exits 0.
// `tessera secret flag` is here too: it is how a secret comes to be "rotation required".
import type { Command } from 'commander';
import { describeDue, describeFlaggers, describeInterval } from '../../shared/due-words.ts';
import type { DueView } from '../../shared/ipc-results.ts';
import { plural } from '../../shared/words.ts';
import { needsAction } from '../core/service/rotation.ts';
import type { Context } from './program.ts';

/** The window's words, as a line: lower-case and with the date (and who flagged it). */
const describe = (e: DueView) => {
  const words = describeDue(e);
  const extra = describeFlaggers(e) ?? [e.dueAt.slice(0, 10), describeInterval(e)].filter(Boolean).join(', ');
  return `${words[0]!.toLowerCase()}${words.slice(1)} (${extra})`;
};

export function registerDueCommand(program: Command, ctx: () => Context): void {
  program
    .command('due')
    .description(
      'list secrets whose rotation is overdue or due within 7 days, that expire, or that a member flagged; exits 6 if any is overdue, expired or flagged',
    )
    .action(async () => {
      const c = ctx();
      const { list, dropped } = await c.unlocked(async (s) => {
        const r = await s.sync(c.team);
        if (r.offline) c.out.note('server unreachable: showing the local copy');
        return { list: s.due(c.team), dropped: s.rotationFlags(c.team).dropped };
      });
      // Counted, never listed: the server relayed them but no member's signature vouches for them.
      if (dropped > 0)
        c.out.note(`${plural(dropped, 'rotation flag')} from the server did not verify and are not shown`);
      c.out.result(list, () =>
        list.length === 0 ? 'nothing to rotate' : list.map((e) => `${e.vault}/${e.name}\t${describe(e)}`),
      );
      if (needsAction(list)) process.exitCode = 6;
    });
}

/** `tessera secret flag VAULT/NAME --reason TEXT`, registered on the `secret` command. */
export function registerFlagCommand(secret: Command, ctx: () => Context): void {
  secret
    .command('flag <ref>')
    .description(
      'mark VAULT/NAME "rotation required" for everyone who reads it, until someone rotates it; the reason is stored on the server in the clear',
    )
    .requiredOption('--reason <text>', 'why, in plain words (at most 200 characters; no value, no name)')
    .action(async (ref: string, o: { reason: string }) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.flagSecret(ref, o.reason, c.team));
      c.out.result(r, () => `flagged ${r.vault}/${r.name} for rotation: ${r.reason}`);
    });
}
