import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { OPENAPI_PATH, REFERENCE_PATH } from './api-reference';
import { engineFromEnvironment, parseEngine } from './local-dynamodb';
import { type LocalStack, startLocalStack } from './local-stack';
import { SAM_ENV_FILE, writeSamEnvFile } from './sam-env';

// `npm start`: the whole service on this machine. `--persist <dir>` (or LOCAL_DATA_DIR) keeps the
// DynamoDB data in a folder; `--engine dynamodb-local` (or LOCAL_DYNAMODB_ENGINE) runs AWS's
// DynamoDB Local instead of dynalite; PORT moves the API; `--json` prints one JSON line for scripts
// and tests.
const { values } = parseArgs({
  options: { persist: { type: 'string' }, engine: { type: 'string' }, json: { type: 'boolean' } },
});

async function main(): Promise<void> {
  let stack: LocalStack | undefined;
  let samEnvFile: string | undefined;
  let stopping: Promise<void> | undefined;
  // Idempotent: Ctrl-C, SIGTERM and a lost parent may all ask. Nothing has to stop before the
  // stack is up: a DynamoDB Local JVM stops by itself when this process exits.
  const stop = () => {
    stopping ??= (async () => {
      if (samEnvFile) rmSync(samEnvFile, { force: true });
      await stack?.close();
      process.exit(0);
    })();
    return stopping;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  stopWhenOrphaned(stop);

  const persistDir = values.persist ?? process.env.LOCAL_DATA_DIR;
  const engine = values.engine ? parseEngine(values.engine, '--engine') : engineFromEnvironment();
  stack = await startLocalStack({
    port: Number(process.env.PORT ?? 3000),
    engine,
    ...(persistDir ? { persistDir } : {}),
  });
  // Scripted runs (tests) leave the SAM env file alone: it belongs to the stack a person started.
  if (!values.json) samEnvFile = writeSamEnvFile(path.resolve(__dirname, '..'), stack.environment);

  const { close: _close, ...summary } = stack;
  if (values.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  const body = JSON.stringify({ accountId: stack.accountId, type: 'quartz-accounts', test: true });
  console.log(`
Bank Account Connection Intents, running locally${persistDir ? ` (data in ${persistDir})` : ' (data in memory)'}

  API            ${stack.apiUrl}   (reference ${stack.apiUrl}${REFERENCE_PATH}, OpenAPI ${stack.apiUrl}${OPENAPI_PATH})
  Account id     ${stack.accountId}
  API key        ${stack.apiKey}   (account-owner, name ${stack.apiKeyName})
  Sandbox bank   ${stack.testIssuer}   (test intents)
  "Live" bank    ${stack.liveIssuer}   (live intents, also a local sandbox)
  DynamoDB       ${stack.dynamoEndpoint}   table ${stack.tableName} (${ENGINE_NAMES[stack.dynamoEngine]})
  Test users     alice (approves), dan (denies), olive (bank outage on the first try),
                 sloane (the bank answers after 8 s); password: sandbox

Create an intent, then open its authorizationUrl in a browser:

curl -s -X POST ${stack.apiUrl}/api/bank-account-connection-intents -H 'Content-Type: application/json' -H 'X-Api-Key: ${stack.apiKey}' -d '${body}'

For sam local invoke, ${SAM_ENV_FILE} now holds this stack's environment (see the README).
Ctrl-C stops everything.`);
}

const ENGINE_NAMES = { dynalite: 'dynalite', 'dynamodb-local': 'DynamoDB Local' } as const;

/**
 * Stops the stack when the process that started it is gone. A SIGKILLed parent runs no handler
 * and signals nothing (`npm start` runs this file under tsx's own child process, and a test
 * runner's worker may be killed), and a stack left behind keeps its ports and its JVM. The parent
 * pid is read again every second: an orphan is adopted by another process.
 */
function stopWhenOrphaned(stop: () => Promise<unknown>): void {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    console.error('The process that started the local stack is gone; stopping.');
    void stop();
  }, 1_000);
  watch.unref();
}

main().catch((error: unknown) => {
  console.error('The local stack could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
