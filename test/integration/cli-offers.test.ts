// Process: test. Nothing offers what is not built: the break-glass flag was stored but enforced
// nothing, and rotation reminders (the 'due' event, the notify port) were never sent, so neither
// the command line nor the window contract names them until they exist.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IPC_EVENTS } from '../../shared/ipc.ts';
import { runCli } from '../helpers/cli.ts';

describe('what the shells offer', () => {
  it('the CLI has no --break-glass: help does not list it and the option is refused', async () => {
    const help = await runCli(['vault', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/create \[options\] <name>|create <name>/);
    expect(help.stdout).not.toMatch(/break.glass|standing access/i);

    const profile = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const r = await runCli(['--profile', profile, 'vault', 'create', 'vip', '--break-glass']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown option '--break-glass'/);
  });

  it('the window is sent no rotation reminders it cannot act on', () => {
    expect(IPC_EVENTS).not.toContain('due');
  });
});
