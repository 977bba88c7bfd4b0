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
import { ApiKeyRepository } from '../functions/shared/repository/api-key-repository';
import { BankAccountRepository } from '../functions/shared/repository/bank-account-repository';
import { IntentRepository } from '../functions/shared/repository/intent-repository';
import { createDocumentClient } from '../functions/shared/services';
import { LOCAL_EXPIRY_SWEEP_INTERVAL_MS } from '../functions/shared/time-budget';
import { CALLBACK_PATH, callbackPage } from './callback-page';
import { startExpirySweeper } from './expiry-sweeper';
import { bundleHandlers, loadHandlers } from './handler-bundles';
import { answeringUnreadableRequests, localApiHandler } from './local-api';
import { type DynamoDbEngine, ensureTable, startLocalDynamoDb } from './local-dynamodb';
import { startSandboxBank } from './sandbox-bank/sandbox-bank';
import { requireTableIndexes } from './table-indexes';

const ROOT = path.resolve(__dirname, '..');

/** The seed page's example account, so its example body works as it is. */
export const DEMO_ACCOUNT_ID = 'uooxSens6ykJaim1Cu1Q55';
/**
 * The API key the files in events/ carry, stored by every local stack for the demo account. It is
 * public on purpose and only ever valid on a local stack.
 */
export const SAM_EVENTS_API_KEY = 'local-only-key-for-the-sam-events';
export const LOCAL_TABLE_NAME = 'bank-account-connection-intents';

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
    // The slow parts of a start (a JVM for DynamoDB Local, esbuild, the banks' keys) run side by side.
    const [dynamoStarted, bundlesBuilt] = await Promise.allSettled([
      startLocalDynamoDb({
        ...(options.persistDir ? { persistDir: options.persistDir } : {}),
        ...(options.engine ? { engine: options.engine } : {}),
      }),
      bundleHandlers(ROOT, buildDir, [...ROUTES, EXPIRY_SWEEPER]),
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
    const intentLifetimeSeconds = options.intentLifetimeSeconds ?? DEFAULT_INTENT_LIFETIME_SECONDS;
    const environment: Record<string, string> = {
      TABLE_NAME: LOCAL_TABLE_NAME,
      INTENT_LIFETIME_SECONDS: String(intentLifetimeSeconds),
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // A new key each start: page keys of an earlier run are refused, as after a rotation in AWS.
      PAGE_KEY_SECRET: randomBytes(32).toString('base64url'),
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
    const { [EXPIRY_SWEEPER.id]: sweeperBundle = '', ...routeBundles } = bundles;
    const expirySweepIntervalMs = options.expirySweepIntervalMs ?? LOCAL_EXPIRY_SWEEP_INTERVAL_MS;
    const sweeper = await startExpirySweeper(sweeperBundle, expirySweepIntervalMs);
    closers.push(sweeper.close);
    server.on(
      'request',
      localApiHandler({
        routes: ROUTES,
        handlers: await loadHandlers(routeBundles),
        pages: [
          callbackPage({
            apiUrl: () => apiUrl,
            apiKey,
            intents: new IntentRepository(repository),
            bankAccounts: new BankAccountRepository(repository),
          }),
        ],
      }),
    );

    return {
      apiUrl,
      accountId: DEMO_ACCOUNT_ID,
      apiKey,
      apiKeyName: key.name,
      tableName: LOCAL_TABLE_NAME,
      dynamoEndpoint: dynamo.endpoint,
      dynamoEngine: dynamo.engine,
      handlerBundles: bundles,
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
