import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROUTES } from '../functions/routes';
import { systemClock } from '../functions/shared/domain/clock';
import { StateConflictError } from '../functions/shared/domain/errors';
import { sha256Hex } from '../functions/shared/domain/hashing';
import { newId } from '../functions/shared/domain/ids';
import { issueApiKey } from '../functions/shared/domain/manage-api-keys';
import { ApiKeyRepository } from '../functions/shared/repository/api-key-repository';
import { BankAccountRepository } from '../functions/shared/repository/bank-account-repository';
import { IntentRepository } from '../functions/shared/repository/intent-repository';
import { createDocumentClient } from '../functions/shared/services';
import { CALLBACK_PATH, callbackPage } from './callback-page';
import { loadBundledHandler } from './handler-bundles';
import { createLocalApi } from './local-api';
import { ensureTable, startLocalDynamoDb } from './local-dynamodb';
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
}

export interface LocalStack {
  apiUrl: string;
  accountId: string;
  apiKey: string;
  apiKeyName: string;
  tableName: string;
  dynamoEndpoint: string;
  liveIssuer: string;
  testIssuer: string;
  /** The function environment the local API runs the handlers with (what SAM's --env-vars gives). */
  environment: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Everything the service needs, on loopback in this process: DynamoDB (dynalite), two sandbox
 * banks (the live and the test Quartz configuration), and the local API in front of the same
 * handler modules the CDK stack deploys, configured through the same environment variables.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
  };
  try {
    const dynamo = await startLocalDynamoDb({
      ...(options.persistDir ? { persistDir: options.persistDir } : {}),
    });
    closers.push(dynamo.close);
    await ensureTable(dynamo.endpoint, LOCAL_TABLE_NAME);
    await requireTableIndexes(dynamo.endpoint, LOCAL_TABLE_NAME);
    const client = createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    // Each stack bundles into a folder of its own, so stacks running side by side never share one.
    const buildDir = mkdtempSync(path.join(tmpdir(), 'intents-local-build-'));
    closers.push(async () => rmSync(buildDir, { recursive: true, force: true }));
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

    let apiUrl = '';
    const server = createLocalApi({
      routes: ROUTES,
      loadHandler: (route) => loadBundledHandler(ROOT, buildDir, route),
      pages: [
        callbackPage({
          apiUrl: () => apiUrl,
          apiKey,
          intents: new IntentRepository(repository),
          bankAccounts: new BankAccountRepository(repository),
        }),
      ],
    });
    await listen(server, options.port ?? 3000);
    closers.push(() => closeServer(server));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // The banks register the callback page's exact URI, which is known once the API listens.
    const redirectUri = `${apiUrl}${CALLBACK_PATH}`;
    const configs = { LIVE: 'intents-live', TEST: 'intents-test' } as const;
    const issuers: Record<string, string> = {};
    const environment: Record<string, string> = {
      TABLE_NAME: LOCAL_TABLE_NAME,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // A new key each start: page keys of an earlier run are refused, as after a rotation in AWS.
      PAGE_KEY_SECRET: randomBytes(32).toString('base64url'),
    };
    for (const [name, clientId] of Object.entries(configs)) {
      const clientSecret = randomBytes(24).toString('base64url');
      const bank = await startSandboxBank({
        port: 0,
        clients: [{ clientId, clientSecret, redirectUris: [redirectUri] }],
      });
      closers.push(bank.close);
      issuers[name] = bank.issuer;
      Object.assign(environment, {
        [`QUARTZ_${name}_ISSUER`]: bank.issuer,
        [`QUARTZ_${name}_CLIENT_ID`]: clientId,
        [`QUARTZ_${name}_CLIENT_SECRET`]: clientSecret,
        [`QUARTZ_${name}_REDIRECT_URI`]: redirectUri,
      });
    }
    // The handlers read their configuration from the environment, as they do in Lambda.
    Object.assign(process.env, environment);

    return {
      apiUrl,
      accountId: DEMO_ACCOUNT_ID,
      apiKey,
      apiKeyName: key.name,
      tableName: LOCAL_TABLE_NAME,
      dynamoEndpoint: dynamo.endpoint,
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
