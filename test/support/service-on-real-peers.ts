import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { buildHandler as buildAuthorize } from '../../functions/authorize/handler';
import { authorizeIntentRoute } from '../../functions/authorize/route';
import { buildHandler as buildCreate } from '../../functions/create/handler';
import { createIntentRoute } from '../../functions/create/route';
import type { ServiceConfig } from '../../functions/shared/config';
import { systemClock } from '../../functions/shared/domain/clock';
import { issueApiKey } from '../../functions/shared/domain/manage-api-keys';
import type { ConnectionIntent } from '../../functions/shared/domain/schemas';
import type { ProxyHandler } from '../../functions/shared/http/time-budget-wrapper';
import { ApiKeyRepository } from '../../functions/shared/repository/api-key-repository';
import { IntentRepository } from '../../functions/shared/repository/intent-repository';
import { buildServices, createDocumentClient, type Services } from '../../functions/shared/services';
import { TIME_BUDGET } from '../../functions/shared/time-budget';
import { ensureTable, type LocalDynamoDb, startLocalDynamoDb } from '../../local/local-dynamodb';
import { type SandboxBankProcess, spawnSandboxBank } from '../../local/sandbox-bank/bank-process';
import type { BankFaults } from '../../local/sandbox-bank/faults';
import { approveAtBank } from './bank-session';
import { apiEvent, type ParsedResponse, parse } from './fixtures';
import { answerOf } from './hostile-transports';
import { openApiValidator } from './openapi-validator';
import { startTableFaultProxy, type TableFaultProxy } from './table-fault-proxy';

const TABLE = 'intents-fault-matrix';
const CLIENT = { clientId: 'intents-faults', clientSecret: 'faults-client-secret' };
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const ACCOUNT_ID = 'B4u4WZCu3joZFVWT3XjWW3';

/** Starting a bank compiles it and makes an RSA key; a busy 2-core machine needs room. */
export const REAL_PEERS_START_TIMEOUT_MS = 90_000;

export interface RealPeers {
  readonly bank: SandboxBankProcess;
  /** Between the service and the table: switch its rule to make DynamoDB misbehave. */
  readonly tableProxy: TableFaultProxy;
  /** The service's adapters, built as in Lambda, against the proxy and the bank. */
  readonly services: Services;
  readonly config: ServiceConfig;
  create(body?: Record<string, unknown>, services?: Services): Promise<ParsedResponse>;
  /** New adapters, as a cold start builds them: no discovery document cached. */
  freshServices(): Services;
  authorize(intentId: string, code: string, options?: { remainingMs?: number }): Promise<ParsedResponse>;
  /** Creates an intent and has `user` approve it at the bank; the code is not yet posted. */
  approvedIntent(user: string): Promise<{ intentId: string; code: string }>;
  /** The stored intent, read past the proxy. */
  storedIntent(id: string): Promise<ConnectionIntent | undefined>;
  setBankFaults(faults: Partial<BankFaults>): Promise<void>;
  bankStats(): Promise<{ tokenRequests: number; redeemedCodes: number }>;
}

/**
 * The real handlers, in this process, in front of real peers: a DynamoDB engine (behind a fault
 * proxy) and a sandbox bank process (with its faults switch). Each call gets a Lambda context with
 * the function's real timeout unless the test gives less.
 */
export function useRealPeers(): RealPeers {
  let state:
    | {
        bank: SandboxBankProcess;
        engine: LocalDynamoDb;
        tableProxy: TableFaultProxy;
        config: ServiceConfig;
        services: Services;
        apiKey: string;
      }
    | undefined;
  let direct: IntentRepository | undefined;

  beforeAll(async () => {
    const engine = await startLocalDynamoDb();
    await ensureTable(engine.endpoint, TABLE);
    const tableProxy = await startTableFaultProxy(engine.endpoint);
    const bank = await spawnSandboxBank({ client: { ...CLIENT, redirectUris: [REDIRECT_URI] } });
    const quartz = {
      issuer: bank.issuer,
      clientId: CLIENT.clientId,
      redirectUri: REDIRECT_URI,
      clientSecret: { value: CLIENT.clientSecret },
    };
    const config: ServiceConfig = {
      tableName: TABLE,
      intentLifetimeSeconds: 3_600,
      quartz: { live: quartz, test: quartz },
    };
    const services = servicesFor(config, tableProxy);
    const repository = {
      client: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint }),
      tableName: TABLE,
    };
    direct = new IntentRepository(repository);
    const { secret } = await issueApiKey(
      { apiKeys: new ApiKeyRepository(repository), clock: systemClock },
      { accountId: ACCOUNT_ID, name: 'faults', role: 'account-owner', createdBy: 'crn::system:test' },
    );
    state = { bank, engine, tableProxy, config, services, apiKey: secret };
  }, REAL_PEERS_START_TIMEOUT_MS);

  afterEach(async () => {
    if (!state) return;
    state.tableProxy.rule = () => 'pass';
    state.bank.signal('SIGCONT');
    // A test may have stopped the bank on purpose; then there is nothing to reset.
    await fetch(`${state.bank.issuer}/sandbox/faults`, { method: 'DELETE' }).catch(() => undefined);
  });

  afterAll(async () => {
    await state?.bank.stop();
    await state?.tableProxy.close();
    await state?.engine.close();
  });

  const current = () => {
    if (!state || !direct) throw new Error('the peers are not running: use them inside a test');
    return { ...state, direct };
  };
  const invoke = async (
    operationId: string,
    handler: ProxyHandler,
    event: APIGatewayProxyEvent,
    remainingMs: number,
  ) => {
    const deadline = Date.now() + remainingMs;
    const context = {
      awsRequestId: 'fault-matrix',
      functionName: 'fault-matrix',
      getRemainingTimeInMillis: () => deadline - Date.now(),
    } as Context;
    const result = await handler(event, context);
    // Each fault's answer, 5xx included, must be one the OpenAPI document describes.
    const problems = openApiValidator().violationsOf(operationId, answerOf(result));
    if (problems.length > 0)
      throw new Error(`An answer the OpenAPI document does not describe:\n${problems.join('\n')}`);
    return parse(result);
  };
  const create: RealPeers['create'] = (body = {}, services = current().services) => {
    const { apiKey } = current();
    const event = apiEvent({
      path: '/api/bank-account-connection-intents',
      headers: { 'X-Api-Key': apiKey },
      body: { accountId: ACCOUNT_ID, type: 'quartz-accounts', test: true, ...body },
    });
    return invoke(
      createIntentRoute.id,
      buildCreate({ services: () => services }),
      event,
      TIME_BUDGET.functionTimeoutMs,
    );
  };
  const authorize: RealPeers['authorize'] = (intentId, code, options = {}) => {
    const { services, apiKey } = current();
    const event = apiEvent({
      path: `/api/bank-account-connection-intents/${intentId}/authorize`,
      headers: { 'X-Api-Key': apiKey },
      pathParameters: { bankAccountConnectionIntentId: intentId },
      body: { code },
    });
    const handler = buildAuthorize({ services: () => services });
    return invoke(
      authorizeIntentRoute.id,
      handler,
      event,
      options.remainingMs ?? TIME_BUDGET.functionTimeoutMs,
    );
  };
  return {
    get bank() {
      return current().bank;
    },
    get tableProxy() {
      return current().tableProxy;
    },
    get services() {
      return current().services;
    },
    get config() {
      return current().config;
    },
    create,
    authorize,
    freshServices: () => servicesFor(current().config, current().tableProxy),
    approvedIntent: async (user) => {
      const created = await create();
      if (created.statusCode !== 200) throw new Error(`create answered ${created.statusCode}`);
      const { code } = await approveAtBank(String(created.body.authorizationUrl), { user });
      return { intentId: String(created.body.id), code };
    },
    storedIntent: (id) => current().direct.get(id),
    setBankFaults: async (faults) => {
      const response = await fetch(`${current().bank.issuer}/sandbox/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
      if (response.status !== 200) throw new Error(`the bank refused the faults: ${await response.text()}`);
    },
    bankStats: async () => {
      const response = await fetch(`${current().bank.issuer}/sandbox/stats`);
      return (await response.json()) as { tokenRequests: number; redeemedCodes: number };
    },
  };
}

function servicesFor(config: ServiceConfig, tableProxy: TableFaultProxy): Services {
  return buildServices(config, {
    dynamo: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: tableProxy.endpoint }),
  });
}
