import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROUTES } from '../functions/routes';
import { EXPIRY_SWEEPER } from '../functions/scheduled-functions';
import { DEFAULT_INTENT_LIFETIME_SECONDS } from '../functions/shared/config';
import { systemClock } from '../functions/shared/domain/clock';
import { StateConflictError } from '../functions/shared/domain/errors';
import { sha256Hex } from '../functions/shared/domain/hashing';
import { newId } from '../functions/shared/domain/ids';
import { issueApiKey } from '../functions/shared/domain/manage-api-keys';
import { passesStreamFilter, STREAM_MAPPING } from '../functions/shared/events/stream-mapping';
import { ApiKeyRepository } from '../functions/shared/repository/api-key-repository';
import { IntentRepository } from '../functions/shared/repository/intent-repository';
import { createDocumentClient } from '../functions/shared/services';
import { LOCAL_EXPIRY_SWEEP_INTERVAL_MS, PUBLISHER_BUDGET } from '../functions/shared/time-budget';
import { apiReferencePages } from './api-reference';
import { CALLBACK_PATH, callbackPage } from './callback-page';
import { DEMO_ACCOUNT_ID, SAM_EVENTS_API_KEY } from './demo-account';
import { EVENTS_PATH, eventsPage } from './events-page';
import { startExpirySweeper } from './expiry-sweeper';
import { bundleHandlers, loadHandler, loadHandlers } from './handler-bundles';
import { answeringUnreadableRequests, type LocalPage, localApiHandler } from './local-api';
import {
  type DynamoDbEngine,
  engineFromEnvironment,
  ensureTable,
  startLocalDynamoDb,
} from './local-dynamodb';
import { startLocalEventBus } from './local-event-bus';
import { PageApi } from './page-api';
import { startSandboxBank } from './sandbox-bank/sandbox-bank';
import { START_PATH, startPage } from './start-page';
import { type DeadLetter, type StreamHandler, startStreamReader } from './stream-reader';
import { requireTableIndexes } from './table-indexes';

const ROOT = path.resolve(__dirname, '..');

export { DEMO_ACCOUNT_ID, SAM_EVENTS_API_KEY };
export const LOCAL_TABLE_NAME = 'bank-account-connection-intents';
export const LOCAL_EVENT_BUS_NAME = 'bank-account-connection-intents-local';

/** The publisher of events: no route, fed by the table's stream (bundled like the route handlers). */
const PUBLISHER = { id: 'PublishEvents', handlerDir: 'publish-events' } as const;

export interface LocalStackOptions {
  /** Port of the local API (0 picks a free one). */
  port?: number;
  /** Keep DynamoDB data in this folder instead of memory. */
  persistDir?: string;
  /** The engine behind the DynamoDB API: dynalite (the default, no Java) or AWS's DynamoDB Local. */
  engine?: DynamoDbEngine;
  /** How long a new intent may be authorized, in seconds (an hour, as in AWS, unless told). */
  intentLifetimeSeconds?: number;
  /** How often the expiry sweeper runs (a few seconds unless told; every minute in AWS). */
  expirySweepIntervalMs?: number;
}

export interface LocalStack {
  apiUrl: string;
  /** The start page: connect a bank in a browser (create an intent, then off to the bank). */
  startUrl: string;
  accountId: string;
  apiKey: string;
  apiKeyName: string;
  tableName: string;
  dynamoEndpoint: string;
  /** Which engine serves the DynamoDB API (the banner names it; tests check the one they asked for). */
  dynamoEngine: DynamoDbEngine;
  /**
   * Each route's handler bundle by route id, and the expiry sweeper's by its own id: built and
   * loaded before the stack is handed out.
   */
  handlerBundles: Record<string, string>;
  /**
   * Where the events the stack published are shown (`GET`), on DynamoDB Local only: dynalite has no
   * streams, so a stack on it publishes none.
   */
  eventsUrl?: string;
  /** The lifetime new intents get, in seconds, and how often the expiry sweeper runs. */
  intentLifetimeSeconds: number;
  expirySweepIntervalMs: number;
  liveIssuer: string;
  testIssuer: string;
  /** The function environment the local API runs the handlers with (what SAM's --env-vars gives). */
  environment: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Everything the service needs, on loopback: DynamoDB (dynalite in this process, or DynamoDB Local
 * in a child JVM), two sandbox banks (the live and the test Quartz configuration), the local
 * API in front of the same handler modules the CDK stack deploys, configured through the same
 * environment variables, and the expiry sweeper run on an interval as the stack's schedule runs it. It resolves only once every handler is bundled and loaded, so the first
 * request to a fresh stack is as fast as any other.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
  };
  try {
    // Each stack bundles into a folder of its own, so stacks running side by side never share one.
    const buildDir = mkdtempSync(path.join(tmpdir(), 'intents-local-build-'));
    closers.push(async () => rmSync(buildDir, { recursive: true, force: true }));
    // Events come from the table's stream, which only DynamoDB Local has.
    const engine = options.engine ?? engineFromEnvironment();
    const publishesEvents = engine === 'dynamodb-local';
    // The slow parts of a start (a JVM for DynamoDB Local, esbuild, the banks' keys) run side by side.
    const [dynamoStarted, bundlesBuilt] = await Promise.allSettled([
      startLocalDynamoDb({ engine, ...(options.persistDir ? { persistDir: options.persistDir } : {}) }),
      bundleHandlers(ROOT, buildDir, [...ROUTES, EXPIRY_SWEEPER, ...(publishesEvents ? [PUBLISHER] : [])]),
    ]);
    if (dynamoStarted.status === 'fulfilled') closers.push(dynamoStarted.value.close);
    const dynamo = settled(dynamoStarted);
    const bundles = settled(bundlesBuilt);
    await ensureTable(dynamo.endpoint, LOCAL_TABLE_NAME, dynamo.engine);
    await requireTableIndexes(dynamo.endpoint, LOCAL_TABLE_NAME);
    const client = createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    const repository = { client, tableName: LOCAL_TABLE_NAME };
    const apiKeys = new ApiKeyRepository(repository);
    const { secret: apiKey, key } = await issueApiKey(
      { apiKeys, clock: systemClock },
      {
        accountId: DEMO_ACCOUNT_ID,
        // Only a hash is stored, so a restart on persisted data mints a new demo key.
        name: `demo-${newId(6)}`,
        role: 'account-owner',
        createdBy: 'crn::system:local-stack',
      },
    );
    await storeSamEventsKey(apiKeys);

    // The API listens first: its port names the redirect URI the banks register. It gets its
    // handlers once they are loaded, and nobody knows its URL before this function resolves.
    const server = answeringUnreadableRequests(createServer());
    await listen(server, options.port ?? 3000);
    closers.push(() => closeServer(server));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const redirectUri = `${apiUrl}${CALLBACK_PATH}`;
    const configs = { LIVE: 'intents-live', TEST: 'intents-test' } as const;
    const banksStarted = await Promise.allSettled(
      Object.entries(configs).map(async ([name, clientId]) => {
        const clientSecret = randomBytes(24).toString('base64url');
        const bank = await startSandboxBank({
          port: 0,
          clients: [{ clientId, clientSecret, redirectUris: [redirectUri] }],
        });
        return { name, clientId, clientSecret, bank };
      }),
    );
    for (const started of banksStarted)
      if (started.status === 'fulfilled') closers.push(started.value.bank.close);
    const banks = banksStarted.map(settled);
    const issuers: Record<string, string> = {};
    const bus = publishesEvents
      ? await startLocalEventBus({ name: LOCAL_EVENT_BUS_NAME, print: (line) => console.log(line) })
      : undefined;
    if (bus) closers.push(bus.close);
    const intentLifetimeSeconds = options.intentLifetimeSeconds ?? DEFAULT_INTENT_LIFETIME_SECONDS;
    const environment: Record<string, string> = {
      TABLE_NAME: LOCAL_TABLE_NAME,
      INTENT_LIFETIME_SECONDS: String(intentLifetimeSeconds),
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // A new key each start: page keys of an earlier run are refused, as after a rotation in AWS.
      PAGE_KEY_SECRET: randomBytes(32).toString('base64url'),
      // The publisher's: its EventBridge client puts the events on the local bus.
      ...(bus ? { EVENT_BUS_NAME: bus.name, AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint } : {}),
    };
    for (const { name, clientId, clientSecret, bank } of banks) {
      issuers[name] = bank.issuer;
      Object.assign(environment, {
        [`QUARTZ_${name}_ISSUER`]: bank.issuer,
        [`QUARTZ_${name}_CLIENT_ID`]: clientId,
        [`QUARTZ_${name}_CLIENT_SECRET`]: clientSecret,
        [`QUARTZ_${name}_REDIRECT_URI`]: redirectUri,
      });
    }
    // The handlers read their configuration from the environment, as they do in Lambda, where it
    // is set before the function's modules load.
    Object.assign(process.env, environment);
    // The local pages act as the integrator's app would: through the API, with the demo key.
    const pageApi = new PageApi({ apiUrl, apiKey });
    const {
      [EXPIRY_SWEEPER.id]: sweeperBundle = '',
      [PUBLISHER.id]: publisherBundle,
      ...routeBundles
    } = bundles;
    const pages: LocalPage[] = [
      apiReferencePages(ROUTES),
      startPage({ api: pageApi, accountId: DEMO_ACCOUNT_ID }),
      callbackPage({ api: pageApi, intents: new IntentRepository(repository) }),
    ];
    if (bus && publisherBundle) {
      // The same handler Lambda runs, on DynamoDB Local's stream; it holds the stream before the API
      // answers a request or the sweeper writes, so no write of this run goes unpublished.
      const deadLetters: DeadLetter[] = [];
      const reader = await startStreamReader({
        endpoint: dynamo.endpoint,
        tableName: LOCAL_TABLE_NAME,
        handler: (await loadHandler(publisherBundle)) as StreamHandler,
        // The stack's filter (lib/event-publishing.ts): intent records only.
        accepts: passesStreamFilter,
        batchSize: STREAM_MAPPING.batchSize,
        retryAttempts: STREAM_MAPPING.retryAttempts,
        functionTimeoutMs: PUBLISHER_BUDGET.functionTimeoutMs,
        functionName: `${PUBLISHER.id}Function`,
        onDeadLetter: (letter) => {
          deadLetters.push(letter);
          console.log(`event dead letter ${JSON.stringify(letter)}`);
        },
        log: (line) => console.error(line),
      });
      // Closed before the bus (closers run in reverse): a batch under way still reaches it.
      closers.push(reader.close);
      pages.push(eventsPage({ bus, deadLetters: () => deadLetters, replay: reader.replay }));
    }
    const expirySweepIntervalMs = options.expirySweepIntervalMs ?? LOCAL_EXPIRY_SWEEP_INTERVAL_MS;
    const sweeper = await startExpirySweeper(sweeperBundle, expirySweepIntervalMs);
    closers.push(sweeper.close);
    server.on(
      'request',
      localApiHandler({ routes: ROUTES, handlers: await loadHandlers(routeBundles), pages }),
    );

    return {
      apiUrl,
      startUrl: `${apiUrl}${START_PATH}`,
      accountId: DEMO_ACCOUNT_ID,
      apiKey,
      apiKeyName: key.name,
      tableName: LOCAL_TABLE_NAME,
      dynamoEndpoint: dynamo.endpoint,
      dynamoEngine: dynamo.engine,
      handlerBundles: bundles,
      ...(bus ? { eventsUrl: `${apiUrl}${EVENTS_PATH}` } : {}),
      intentLifetimeSeconds,
      expirySweepIntervalMs,
      liveIssuer: issuers.LIVE ?? '',
      testIssuer: issuers.TEST ?? '',
      environment,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function storeSamEventsKey(apiKeys: ApiKeyRepository): Promise<void> {
  const key = {
    accountId: DEMO_ACCOUNT_ID,
    name: 'sam-events',
    role: 'account-owner' as const,
    enabled: true,
    secretHash: sha256Hex(SAM_EVENTS_API_KEY),
    createdAt: new Date().toISOString(),
    createdBy: 'crn::system:local-stack',
  };
  try {
    await apiKeys.create(key);
  } catch (error) {
    // Kept from an earlier run on persisted data: the same key, nothing to do.
    if (!(error instanceof StateConflictError)) throw error;
  }
}

/** The value of a settled start, or its failure (after every start has settled, so all can be closed). */
function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
