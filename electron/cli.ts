// Process: cli (plain Node; the `tessera` command).
// Entry point: builds the command tree, runs it, and turns every failure into one line on
// stderr and the exit code of docs/design.md "The command line". It is the only CLI file that imports the server.
import { CommanderError } from 'commander';
import { TesseraError } from '../shared/errors.ts';
import { buildProgram } from './cli/program.ts';
import { startServer } from '../server/main.ts';

const program = buildProgram(async (o) => {
  const server = await startServer({
    dataDir: o.data,
    databaseUrl: o.databaseUrl,
    port: o.port,
    host: o.host,
    logger: true,
  });
  process.stdout.write(`tessera server listening on ${server.url}\n`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(() => {});
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exit(e.exitCode === 0 ? 0 : 1);
  }
  if (e instanceof TesseraError) {
    process.stderr.write(`tessera: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`tessera: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
