// Process: cli (plain Node; the `tessera` command).
// How a failure reaches the person or the script: a plain sentence on stderr, or with --json
// `{"error":{"code","message"}}`, and the exit code of docs/design.md "The command line".
import { EXIT_CODES, TesseraError } from '../../shared/errors.ts';

/** --json anywhere before `--` (after it the words belong to the command `run` starts). */
export function jsonRequested(argv: readonly string[] = process.argv.slice(2)): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

export function writeError(code: string, message: string, json: boolean): void {
  process.stderr.write(json ? `${JSON.stringify({ error: { code, message } })}\n` : `tessera: ${message}\n`);
}

/** Reports any failure and returns the exit code. */
export function reportFailure(e: unknown, json: boolean): number {
  if (e instanceof TesseraError) {
    writeError(e.code, e.message, json);
    return e.exitCode;
  }
  const message = `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
  writeError('internal', message, json);
  return 1;
}

/** The exit-code table for the end of `tessera --help`. */
export function exitCodeHelp(): string {
  return ['', 'Exit codes:', ...EXIT_CODES.map(([n, words]) => `  ${n}  ${words}`)].join('\n');
}
