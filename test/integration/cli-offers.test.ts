// Process: test. Nothing offers what is not built. A vault is made break-glass by a signed
// `vault.breakglass` link (`tessera breakglass mark`), never by a flag at creation that nothing
// would sign; and the window contract names no 'due' event, as reminders reach it through the
// notify port and the Due screen's own query.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IPC_EVENTS } from '../../shared/ipc.ts';
import { runCli } from '../helpers/cli.ts';

describe('what the shells offer', () => {
  it('vault create has no --break-glass: help does not list it and the option is refused', async () => {
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
