/**
 * The sandbox bank on its own: `npx tsx local/sandbox-bank/main.ts`, with one registered client.
 *
 * Environment (default in brackets):
 *   PORT            port on 127.0.0.1, 0 for any free one             [4010]
 *   CLIENT_ID       the client's id                                    [connection-intents-sandbox]
 *   CLIENT_SECRET   its secret, sent with client_secret_basic          [sandbox-client-secret]
 *   REDIRECT_URIS   its exact redirect URIs, separated by commas       [http://127.0.0.1:3000/callback]
 *
 * Prints `Sandbox bank issuer: http://127.0.0.1:<port>` once it listens; SIGINT or SIGTERM closes it.
 */
import * as z from 'zod';
import { ISSUER_LINE_PREFIX } from './bank-process';
import { startSandboxBank } from './sandbox-bank';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  CLIENT_ID: z.string().min(1).default('connection-intents-sandbox'),
  CLIENT_SECRET: z.string().min(1).default('sandbox-client-secret'),
  REDIRECT_URIS: z
    .string()
    .default('http://127.0.0.1:3000/callback')
    .transform((value) => value.split(',').map((uri) => uri.trim()))
    .pipe(z.array(z.url()).min(1)),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
    throw new Error(`Invalid sandbox bank configuration, check: ${names.join(', ')}`);
  }
  const env = parsed.data;
  const bank = await startSandboxBank({
    port: env.PORT,
    clients: [{ clientId: env.CLIENT_ID, clientSecret: env.CLIENT_SECRET, redirectUris: env.REDIRECT_URIS }],
  });
  console.log(`${ISSUER_LINE_PREFIX}${bank.issuer}`);

  // Exits explicitly once closed: the IPC channel of a parent (bank-process.ts) would keep it alive.
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    bank.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('sandbox bank: close failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // Started by bank-process.ts with an IPC channel: a parent that dies without stopping us closes it.
  process.on('disconnect', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
