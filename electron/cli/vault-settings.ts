// Process: cli (plain Node; the `tessera` command).
// `tessera vault set`: a vault's settings that travel in its name envelope, so only its
// readers see them. Today one: the default rotation interval for secrets without their own.
import type { Command } from 'commander';
import { TesseraError } from '../../shared/errors.ts';
import { parseDays } from './io.ts';
import type { Context } from './program.ts';

export function registerVaultSettings(vault: Command, ctx: () => Context): void {
  vault
    .command('set <vault>')
    .description("change a vault's settings (you must manage it); everyone who reads it sees them")
    .option(
      '--rotate-every <days>',
      'default rotation interval, e.g. 90d, for secrets in the vault without one of their own',
    )
    .option('--no-rotate-every', "clear the vault's default rotation interval")
    .action(async (ref: string, o: { rotateEvery?: string | false }) => {
      if (o.rotateEvery === undefined)
        throw new TesseraError('usage', 'nothing to set: give --rotate-every 90d or --no-rotate-every');
      const days = o.rotateEvery === false ? null : parseDays(o.rotateEvery);
      const c = ctx();
      const r = await c.unlocked((s) => s.setVaultRotation(ref, days, c.team));
      c.out.result(r, () =>
        r.rotateEveryDays
          ? `secrets in ${r.name} without their own interval are now due every ${r.rotateEveryDays} days`
          : `${r.name} has no default rotation interval now`,
      );
    });
}
