import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { intentLifetimeSecondsSchema } from '../functions/shared/config';
import { OPENAPI_PATH, REFERENCE_PATH } from './api-reference';
import { engineFromEnvironment, parseEngine } from './local-dynamodb';
import { type LocalStack, startLocalStack } from './local-stack';
import { SAM_ENV_FILE, writeSamEnvFile } from './sam-env';

// `npm start`: the whole service on this machine. `--persist <dir>` (or LOCAL_DATA_DIR) keeps the
// DynamoDB data in a folder; `--engine dynamodb-local` (or LOCAL_DYNAMODB_ENGINE) runs AWS's
// DynamoDB Local instead of dynalite; `--intent-lifetime <seconds>` (or INTENT_LIFETIME_SECONDS)
// shortens how long an intent may be authorized and `--expiry-sweep-interval <seconds>` (or
// EXPIRY_SWEEP_INTERVAL_SECONDS) how often the expiry sweeper runs; PORT moves the API; `--json`
// prints one JSON line for scripts and tests.
const { values } = parseArgs({
  options: {
    persist: { type: 'string' },
    engine: { type: 'string' },
    'intent-lifetime': { type: 'string' },
    'expiry-sweep-interval': { type: 'string' },
    json: { type: 'boolean' },
  },
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
    ...expiryOptions(),
  });
  // Scripted runs (tests) leave the SAM env file alone: it belongs to the stack a person started.
  if (!values.json) samEnvFile = writeSamEnvFile(path.resolve(__dirname, '..'), stack.environment);

  const { close: _close, ...summary } = stack;
  if (values.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  const body = JSON.stringify({ accountId: stack.accountId, type: 'quartz-accounts', test: true });
  const decoupled = JSON.stringify({
    accountId: stack.accountId,
    type: 'account-information-consent',
    loginHint: 'carol',
    test: true,
  });
  const curl = `curl -s -H 'Content-Type: application/json' -H 'X-Api-Key: ${stack.apiKey}'`;
  console.log(`
Bank Account Connection Intents, running locally${persistDir ? ` (data in ${persistDir})` : ' (data in memory)'}

  API            ${stack.apiUrl}   (reference ${stack.apiUrl}${REFERENCE_PATH}, OpenAPI ${stack.apiUrl}${OPENAPI_PATH})
  Start page     ${stack.startUrl}
  Account id     ${stack.accountId}
  API key        ${stack.apiKey}   (account-owner, name ${stack.apiKeyName})
  Sandbox bank   ${stack.testIssuer}   (test intents)
  "Live" bank    ${stack.liveIssuer}   (live intents, also a local sandbox)
  DynamoDB       ${stack.dynamoEndpoint}   table ${stack.tableName} (${ENGINE_NAMES[stack.dynamoEngine]})
  Events         ${eventsLine(stack)}
  Intents        expire ${stack.intentLifetimeSeconds} s after create; swept every ${stack.expirySweepIntervalMs / 1_000} s
  Test users     alice (approves), dan (denies), olive (bank outage on the first try),
                 sloane (the bank answers after 8 s); password: sandbox
  Decoupled      carol approves by herself after 3 s, dan denies, erin never answers (expires in
                 30 s); others answer in the banking app ${stack.testIssuer}/app

Connect a bank in a browser from the start page, ${stack.startUrl}
(it creates an intent and sends you to the bank), or create one yourself and open its authorizationUrl:

${curl} -X POST ${stack.apiUrl}/api/bank-account-connection-intents -d '${body}'

The decoupled flow: carol approves in her bank's app by herself; poll authorize without a code
(403 AUTHORIZATION_PENDING with Retry-After until she has, then 200 {}):

${curl} -X POST ${stack.apiUrl}/api/bank-account-connection-intents -d '${decoupled}'
${curl} -X POST ${stack.apiUrl}/api/bank-account-connection-intents/<id>/authorize -d '{}'

For sam local invoke, ${SAM_ENV_FILE} now holds this stack's environment (see the README).
Ctrl-C stops everything.`);
}

const ENGINE_NAMES = { dynalite: 'dynalite', 'dynamodb-local': 'DynamoDB Local' } as const;

/** Where the events are, or plainly that there are none and how to get them. */
function eventsLine(stack: LocalStack): string {
  if (stack.eventsUrl) return `${stack.eventsUrl}   (each also printed here as an "event" line)`;
  return 'not published: dynalite has no table stream to publish them from.\n                 npm start -- --engine dynamodb-local publishes them (it needs Java 17 or later).';
}

/** The intent lifetime and the sweep interval, from the flags or the environment; checked here. */
function expiryOptions(): { intentLifetimeSeconds?: number; expirySweepIntervalMs?: number } {
  const lifetime = values['intent-lifetime'] ?? process.env.INTENT_LIFETIME_SECONDS;
  const interval = values['expiry-sweep-interval'] ?? process.env.EXPIRY_SWEEP_INTERVAL_SECONDS;
  const options: { intentLifetimeSeconds?: number; expirySweepIntervalMs?: number } = {};
  if (lifetime) {
    const parsed = intentLifetimeSecondsSchema.safeParse(lifetime);
    if (!parsed.success) throw new Error('--intent-lifetime must be whole seconds from 1 to 86400');
    options.intentLifetimeSeconds = parsed.data;
  }
  if (interval) {
    const seconds = Number(interval);
    if (!(seconds >= 0.1 && seconds <= 3_600)) {
      throw new Error('--expiry-sweep-interval must be seconds from 0.1 to 3600');
    }
    options.expirySweepIntervalMs = Math.round(seconds * 1_000);
  }
  return options;
}

/**
 * Stops the stack when the process that started it is gone. A SIGKILLed parent runs no handler
 * and signals nothing (a shell or `npm` may start this file, and a test
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
