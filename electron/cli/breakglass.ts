// Process: cli (plain Node; the `tessera` command).
// `tessera breakglass ...` (docs/design.md "Break-glass"): mark a vault, request access with a
// reason, approve, deny, close, and see where requests stand. Reading inside a granted window
// is `tessera secret get VAULT/NAME`, which finds the vault through the open session.
import type { Command } from 'commander';
import type { BreakGlassPolicy } from '../../shared/chain/links.ts';
import { TesseraError } from '../../shared/errors.ts';
import type { BreakGlassEntry } from '../core/service/breakglass.ts';
import type { Context } from './program.ts';

const whole = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1) throw new TesseraError('usage', `${flag} takes a positive whole number`);
  return n;
};

function policyOf(o: { approvals?: number; delay?: number; immediate?: boolean }): BreakGlassPolicy {
  const given = [o.approvals !== undefined, o.delay !== undefined, !!o.immediate].filter(Boolean).length;
  if (given !== 1)
    throw new TesseraError('usage', 'give exactly one policy: --approvals K, --delay MINUTES or --immediate');
  if (o.approvals !== undefined) return { kind: 'approval', approvals: o.approvals };
  if (o.delay !== undefined) return { kind: 'delay', minutes: o.delay };
  return { kind: 'immediate' };
}

const policyWords = (p: BreakGlassPolicy) =>
  p.kind === 'approval'
    ? `${p.approvals} approval${p.approvals === 1 ? '' : 's'}`
    : p.kind === 'delay'
      ? `granted after ${p.minutes} minutes unless denied`
      : 'immediate, with an alert';

const line = (e: BreakGlassEntry) =>
  [
    e.request,
    e.label,
    e.status + (e.endsAt && e.status === 'open' ? ` until ${e.endsAt}` : ''),
    e.requester,
    `"${e.reason}"`,
    e.policy.kind === 'approval'
      ? `approvals ${e.approvals.length}/${e.policy.approvals}`
      : policyWords(e.policy),
  ].join('\t');

export function registerBreakGlassCommands(program: Command, ctx: () => Context): void {
  const bg = program
    .command('breakglass')
    .description('emergency access to a break-glass vault: request with a reason, approve, deny, close');

  bg.command('mark <vault>')
    .description('make VAULT break-glass: only owners keep standing access; others request a session')
    .option('--approvals <k>', 'grant after K admin approvals', whole('--approvals'))
    .option('--delay <minutes>', 'grant automatically after MINUTES unless an admin denies', whole('--delay'))
    .option('--immediate', 'grant at once, alerting every admin')
    .option('--window <minutes>', 'the longest session (default 60)', whole('--window'))
    .action(
      async (
        vault: string,
        o: { approvals?: number; delay?: number; immediate?: boolean; window?: number },
      ) => {
        const c = ctx();
        const policy = policyOf(o);
        const r = await c.unlocked((s) => s.breakGlass.mark(vault, policy, o.window, c.team));
        c.out.result(
          r,
          () =>
            `${r.vault} is break-glass (${policyWords(policy)})${r.rekeyed ? '; re-keyed to owners only' : '; an owner’s next sync re-keys it'}`,
        );
      },
    );

  bg.command('request <vault>')
    .description('ask for access to a break-glass VAULT (by the label `breakglass status` shows)')
    .requiredOption('--reason <text>', 'why, in plain words; every member sees it, so name no secret')
    .option(
      '--minutes <n>',
      'how long the window should be (default: the vault’s longest)',
      whole('--minutes'),
    )
    .action(async (vault: string, o: { reason: string; minutes?: number }) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.breakGlass.request(vault, o.reason, o.minutes, c.team));
      c.out.result(r, () => `requested ${r.vault} (${policyWords(r.policy)}): request ${r.request}`);
    });

  bg.command('approve <request>')
    .description('approve a break-glass request (admins and owners; never your own)')
    .action(async (id: string) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.breakGlass.approve(id, c.team));
      c.out.result(
        r,
        () =>
          `approved ${id}: ${r.status}${r.status === 'granted' && !r.sealed ? ' (an owner’s next sync seals the key)' : ''}`,
      );
    });

  bg.command('deny <request>')
    .description('deny a break-glass request (admins and owners)')
    .action(async (id: string) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.breakGlass.deny(id, c.team));
      c.out.result(r, () => `denied ${id}`);
    });

  bg.command('close <request>')
    .description('end a break-glass session now; the vault is re-keyed by an owner’s next sync')
    .action(async (id: string) => {
      const c = ctx();
      const r = await c.unlocked((s) => s.breakGlass.close(id, c.team));
      c.out.result(r, () => `closed ${id}`);
    });

  bg.command('status')
    .description('every break-glass request and where it stands')
    .action(async () => {
      const c = ctx();
      const list = await c.unlocked(async (s) => {
        const r = await s.sync(c.team);
        if (r.offline) c.out.note('server unreachable: showing the local copy');
        return s.breakGlass.status(c.team);
      });
      c.out.result(list, () => (list.length === 0 ? 'no break-glass requests' : list.map(line)));
    });
}
