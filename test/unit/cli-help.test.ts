// Process: test (vitest, plain Node).
// Every command and option of `tessera` says what it is for: the whole commander tree is
// walked, so a command added without help text fails here.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../electron/cli/program.ts';
import { EXIT_CODES } from '../../shared/errors.ts';

function* walk(cmd: Command, path: string[] = []): Generator<[string[], Command]> {
  yield [path, cmd];
  for (const sub of cmd.commands) yield* walk(sub, [...path, sub.name()]);
}

describe('tessera help', () => {
  it('every command and option has a description', () => {
    const missing: string[] = [];
    for (const [path, cmd] of walk(buildProgram(async () => {}))) {
      const name = ['tessera', ...path].join(' ');
      if (!cmd.description().trim()) missing.push(name);
      for (const o of cmd.options) if (!o.description.trim()) missing.push(`${name} ${o.flags}`);
    }
    expect(missing).toEqual([]);
  });

  it('ends with the exit codes of docs/design.md "The command line"', () => {
    let help = '';
    const program = buildProgram(async () => {}).configureOutput({
      writeOut: (t) => {
        help += t;
      },
    });
    program.outputHelp();
    for (const [n, words] of EXIT_CODES) expect(help).toContain(`  ${n}  ${words}`);
    expect(help).toMatch(/tessera --version/);
  });
});
