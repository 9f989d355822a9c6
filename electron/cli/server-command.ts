// Process: cli (plain Node; the `tessera` command).
// `tessera server`: a team server on the embedded PGlite or a PostgreSQL URL, with the optional
// break-glass webhook (docs/design.md "Break-glass"). The server itself comes in as a function,
// so the CLI's tests build the program without starting one.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TesseraError } from '../../shared/errors.ts';

export type ServerCommand = (opts: {
  data?: string;
  databaseUrl?: string;
  port: number;
  host: string;
  /** Break-glass alerts (request, grant, window end): POSTed here, signed with HMAC-SHA256 under the secret, retried on failure (docs/design.md "Break-glass"). */
  breakGlassWebhook?: { url: string; secret: Uint8Array };
}) => Promise<void>;

/** The webhook URL and its secret (read from a file, never from argv), both or neither. */
function webhookOf(url?: string, secretFile?: string): { url: string; secret: Uint8Array } | undefined {
  if (!url && !secretFile) return undefined;
  if (!url || !secretFile)
    throw new TesseraError('usage', '--breakglass-webhook and --webhook-secret-file go together');
  if (!/^https?:\/\//.test(url))
    throw new TesseraError('usage', '--breakglass-webhook must be an http(s) URL');
  const secret = new Uint8Array(readFileSync(secretFile));
  if (secret.length < 16)
    throw new TesseraError('usage', 'the webhook secret file must hold at least 16 bytes');
  return { url, secret };
}

export function registerServerCommand(program: Command, runServer: ServerCommand): void {
  program
    .command('server')
    .description('run a team server (embedded PGlite by default)')
    .option('--data <dir>', 'PGlite data folder', '.tessera-data')
    .option('--database-url <url>', 'PostgreSQL URL (or DATABASE_URL)')
    .option('--port <n>', 'port', (v) => Number(v), 8787)
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option(
      '--breakglass-webhook <url>',
      'POST every break-glass request, grant and window end here (or TESSERA_BREAKGLASS_WEBHOOK)',
    )
    .option(
      '--webhook-secret-file <file>',
      'the HMAC-SHA256 key the webhook is signed with (or TESSERA_WEBHOOK_SECRET_FILE)',
    )
    .action(
      async (o: {
        data?: string;
        databaseUrl?: string;
        port: number;
        host: string;
        breakglassWebhook?: string;
        webhookSecretFile?: string;
      }) => {
        const databaseUrl = o.databaseUrl ?? process.env.DATABASE_URL;
        const breakGlassWebhook = webhookOf(
          o.breakglassWebhook ?? process.env.TESSERA_BREAKGLASS_WEBHOOK,
          o.webhookSecretFile ?? process.env.TESSERA_WEBHOOK_SECRET_FILE,
        );
        const { breakglassWebhook: _u, webhookSecretFile: _f, ...rest } = o;
        await runServer({ ...rest, databaseUrl, data: databaseUrl ? undefined : o.data, breakGlassWebhook });
      },
    );
}
