// Process: cli (plain Node; the `tessera` command).
// Entry point: builds the command tree, runs it, and turns every failure into one line on
// stderr and the exit code of docs/design.md "The command line". It is the only CLI file that imports the server.
import { CommanderError } from 'commander';
import { jsonRequested, reportFailure } from './cli/errors.ts';
import { buildProgram, packageVersion } from './cli/program.ts';
import { startServer } from '../server/main.ts';

const program = buildProgram(async (o) => {
  const server = await startServer({
    dataDir: o.data,
    databaseUrl: o.databaseUrl,
    port: o.port,
    host: o.host,
    logger: true,
    ...(o.breakGlassWebhook ? { breakGlass: { webhook: o.breakGlassWebhook } } : {}),
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

// Only as the first word: commander's own --version would also take `secret get --version N`.
const first = process.argv[2];
if (first === '--version' || first === '-V') {
  process.stdout.write(`${packageVersion()}\n`);
  process.exit(0);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Commander has already said what was wrong (as JSON with --json, see program.ts).
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 1);
  process.exit(reportFailure(e, jsonRequested()));
}
