import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalStack } from './local-stack';
import { SAM_ENV_FILE, writeSamEnvFile } from './sam-env';

// `npm start`: the whole service on this machine. `--persist <dir>` (or LOCAL_DATA_DIR) keeps the
// DynamoDB data in a folder; PORT moves the API; `--json` prints one JSON line for scripts and tests.
const { values } = parseArgs({
  options: { persist: { type: 'string' }, json: { type: 'boolean' } },
});

async function main(): Promise<void> {
  const persistDir = values.persist ?? process.env.LOCAL_DATA_DIR;
  const stack = await startLocalStack({
    port: Number(process.env.PORT ?? 3000),
    ...(persistDir ? { persistDir } : {}),
  });
  // Scripted runs (tests) leave the SAM env file alone: it belongs to the stack a person started.
  const samEnvFile = values.json
    ? undefined
    : writeSamEnvFile(path.resolve(__dirname, '..'), stack.environment);
  const stop = async () => {
    if (samEnvFile) rmSync(samEnvFile, { force: true });
    await stack.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const { close: _close, ...summary } = stack;
  if (values.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  const body = JSON.stringify({ accountId: stack.accountId, type: 'quartz-accounts', test: true });
  console.log(`
Bank Account Connection Intents, running locally${persistDir ? ` (data in ${persistDir})` : ' (data in memory)'}

  API            ${stack.apiUrl}
  Account id     ${stack.accountId}
  API key        ${stack.apiKey}   (account-owner, name ${stack.apiKeyName})
  Sandbox bank   ${stack.testIssuer}   (test intents)
  "Live" bank    ${stack.liveIssuer}   (live intents, also a local sandbox)
  DynamoDB       ${stack.dynamoEndpoint}   table ${stack.tableName}
  Test users     alice (approves), dan (denies), olive (bank outage on the first try); password: sandbox

Create an intent, then open its authorizationUrl in a browser:

curl -s -X POST ${stack.apiUrl}/api/bank-account-connection-intents -H 'Content-Type: application/json' -H 'X-Api-Key: ${stack.apiKey}' -d '${body}'

For sam local invoke, ${SAM_ENV_FILE} now holds this stack's environment (see the README).
Ctrl-C stops everything.`);
}

main().catch((error: unknown) => {
  console.error('The local stack could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
