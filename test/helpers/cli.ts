// Process: test. Runs the real `tessera` CLI in a child process, as a user would, with the
// password in the environment and values on stdin.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The signal that ended it, if one did. */
  signal?: NodeJS.Signals | null;
}

export interface CliUser {
  profile: string;
  password: string;
  email: string;
  run(args: string[], opts?: { stdin?: string; password?: string | null }): Promise<CliResult>;
}

/** The CLI started in a child process: `child` to signal it, `done` when it has exited. */
export function startCli(
  args: string[],
  opts: { stdin?: string; env?: Record<string, string | undefined> } = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'electron', 'cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, TESSERA_PASSWORD: undefined, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const done = new Promise<CliResult>((ok, fail) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.on('error', fail);
    child.on('close', (code, signal) => ok({ code: code ?? -1, signal, stdout, stderr }));
  });
  child.stdin!.end(opts.stdin ?? '');
  return { child, done };
}

export function runCli(
  args: string[],
  opts: { stdin?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  return startCli(args, opts).done;
}

export function cliUser(email: string, password = `pw-${email}-correct horse`): CliUser {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  return {
    profile,
    password,
    email,
    run(args, opts = {}) {
      const pw = opts.password === undefined ? password : opts.password;
      return runCli(['--profile', profile, ...args], {
        stdin: opts.stdin,
        env: pw === null ? {} : { TESSERA_PASSWORD: pw },
      });
    },
  };
}

/** Someone who signed up through the CLI, created team `acme` and these vaults; any step that
 *  fails throws with what the CLI said. */
export async function cliTeamOwner(serverUrl: string, email: string, vaults: string[]): Promise<CliUser> {
  const u = cliUser(email);
  const steps = [
    ['signup', '--server', serverUrl, '--email', email, '--name', email.split('@')[0]!],
    ['team', 'create', 'acme'],
    ...vaults.map((v) => ['vault', 'create', v]),
  ];
  for (const args of steps) {
    const r = await u.run(args);
    if (r.code !== 0) throw new Error(`tessera ${args.slice(0, 2).join(' ')} exited ${r.code}: ${r.stderr}`);
  }
  return u;
}
