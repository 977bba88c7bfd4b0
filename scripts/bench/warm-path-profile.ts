import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as createHandler from '../../functions/create/handler';
import * as getBankAccountHandler from '../../functions/get-bank-account/handler';
import * as getIntentHandler from '../../functions/get-intent/handler';
import * as listBankAccountsHandler from '../../functions/list-bank-accounts/handler';
import * as listIntentsHandler from '../../functions/list-intents/handler';
import { ApiKeyRepository } from '../../functions/shared/repository/api-key-repository';
import { BankAccountRepository } from '../../functions/shared/repository/bank-account-repository';
import { IntentRepository } from '../../functions/shared/repository/intent-repository';
import { translateStoreErrors } from '../../functions/shared/repository/store-errors';
import {
  accountTimelinePartition,
  BANK_ACCOUNT_NUMBER_SORT_PREFIX,
  bankAccountNumberKey,
  intentKey,
} from '../../functions/shared/repository/table-keys';
import { buildServices } from '../../functions/shared/services';
import { TIME_BUDGET } from '../../functions/shared/time-budget';
import { FakeQuartz } from '../../test/support/fake-quartz';
import {
  ACCOUNT_ID,
  apiEvent,
  apiKey,
  bankAccount,
  getEvent,
  intent,
  OWNER_SECRET,
  TABLE_NAME,
  testConfig,
} from '../../test/support/fixtures';

/**
 * The warm request path of the read and create routes in one process, against an instant
 * transport: an in-memory table behind the AWS SDK's own request handler slot, so the SDK's
 * serialization, signing and parsing run as in Lambda and only the network is gone. Each route is
 * called in turn with its floor (the bare handler's document client and one call), interleaved in
 * rounds, and each side's CPU time (process.cpuUsage) is summed over its calls. Run with
 * `node --require tsx/cjs scripts/bench/warm-path-profile.ts [calls] [route…]`, and with
 * `--cpu-prof` for a profile of it (docs/performance-warm-path.md).
 */

// As Lambda sets them, before any handler module reads them: metrics are emitted (EMF on stdout).
Object.assign(process.env, {
  AWS_LAMBDA_FUNCTION_NAME: 'ProfileFunction',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  POWERTOOLS_SERVICE_NAME: 'bank-account-connection-intents',
  POWERTOOLS_METRICS_NAMESPACE: 'BankAccountConnectionIntents',
  TZ: 'UTC',
});

let logBytes = 0;
process.stdout.write = ((chunk: string | Uint8Array) => {
  logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  return true;
}) as typeof process.stdout.write;

type AttributeMap = Record<string, Record<string, unknown>>;
type Json = Record<string, unknown>;

/** The few DynamoDB operations the warm path makes, on a map; enough for the profile, no more. */
class InstantTable {
  readonly items = new Map<string, AttributeMap>();
  readonly calls = new Map<string, number>();
  seeded: AttributeMap[] = [];

  /** What is stored now is what the reads' queries see. */
  seal(): void {
    this.seeded = [...this.items.values()];
  }

  handle(target: string, input: Json): Json {
    this.calls.set(target, (this.calls.get(target) ?? 0) + 1);
    switch (target) {
      case 'GetItem': {
        const item = this.items.get(this.keyOf(input.Key as AttributeMap));
        return item ? { Item: item } : {};
      }
      case 'PutItem': {
        const item = input.Item as AttributeMap;
        this.items.set(this.keyOf(item), item);
        return {};
      }
      case 'UpdateItem': {
        // Only the rate-limit counter is updated on the warm path; it always has room here (the
        // profile makes far more than 200 requests a minute), so each batch is granted whole.
        const values = input.ExpressionAttributeValues as AttributeMap;
        return { Attributes: { requestCount: { N: String(values[':count']?.N ?? 0) } } };
      }
      case 'Query':
        return this.query(input);
      case 'BatchGetItem': {
        const requests = input.RequestItems as Record<string, { Keys: AttributeMap[] }>;
        const responses = Object.fromEntries(
          Object.entries(requests).map(([table, { Keys }]) => [
            table,
            Keys.map((key) => this.items.get(this.keyOf(key))).filter(Boolean),
          ]),
        );
        return { Responses: responses, UnprocessedKeys: {} };
      }
      default:
        throw new Error(`the instant table does not answer ${target}`);
    }
  }

  private query(input: Json): Json {
    const values = input.ExpressionAttributeValues as AttributeMap;
    const partition = values[':pk']?.S as string;
    const prefix = values[':prefix']?.S as string;
    const [pk, sk] = input.IndexName ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
    // The seeded items only: the profile's creates write after the reads are measured.
    const found = this.seeded
      .filter((item) => item[pk]?.S === partition && String(item[sk]?.S ?? '').startsWith(prefix))
      .sort((a, b) => String(a[sk]?.S).localeCompare(String(b[sk]?.S)));
    if (input.ScanIndexForward === false) found.reverse();
    const limited = typeof input.Limit === 'number' ? found.slice(0, input.Limit) : found;
    return { Items: limited, Count: limited.length, ScannedCount: limited.length };
  }

  private keyOf(key: AttributeMap): string {
    return `${key.pk?.S}\u0000${key.sk?.S}`;
  }
}

const table = new InstantTable();

/** In the SDK's request handler slot: answers at once, the body as a stream like the HTTP client's. */
const instantHandler = {
  metadata: { handlerProtocol: 'http/1.1' },
  handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
    const target = (request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const text =
      request.body instanceof Uint8Array
        ? Buffer.from(request.body).toString()
        : String(request.body ?? '{}');
    const answer = table.handle(target, JSON.parse(text) as Json);
    const body = Buffer.from(JSON.stringify(answer));
    return {
      response: {
        statusCode: 200,
        reason: 'OK',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': String(body.length),
          'x-amzn-requestid': 'instant',
        },
        body: Readable.from([body]),
      },
    };
  },
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
  destroy: () => undefined,
};

const clientConfig = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  requestHandler: instantHandler,
};

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface Subject {
  id: string;
  route: Handler;
  floor: Handler;
  event: () => APIGatewayProxyEvent;
}

const context = (): Context =>
  ({
    awsRequestId: 'profile-request',
    functionName: 'ProfileFunction',
    getRemainingTimeInMillis: () => 30_000,
  }) as Context;

/** The route's client as createDocumentClient builds it, on the instant transport. */
function routeClient(): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ ...clientConfig, maxAttempts: TIME_BUDGET.dynamoMaxAttempts });
  translateStoreErrors(client);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The bare handlers' client: the SDK's defaults, on the instant transport. */
const floorClient = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig));
const answer = (body: unknown): APIGatewayProxyResult => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const owner = { 'x-api-key': OWNER_SECRET };

async function subjects(): Promise<Subject[]> {
  const dynamo = routeClient();
  const quartz = new FakeQuartz();
  const wiring = { dynamo, fetch: quartz.fetch };
  const repository = { client: dynamo, tableName: TABLE_NAME };
  await new ApiKeyRepository(repository).create(apiKey({ secret: OWNER_SECRET }));
  const intents = new IntentRepository(repository);
  for (const id of ['3KVjuKW2CZCJeJVqPxwkX7', '3KVjuKW2CZCJeJVqPxwkX8', '3KVjuKW2CZCJeJVqPxwkX9'])
    await intents.create(intent({ id }));
  const accounts = new BankAccountRepository(repository);
  for (const [index, id] of [
    'Bnk1111111111111111111',
    'Bnk2222222222222222222',
    'Bnk3333333333333333333',
  ].entries())
    await accounts.connect(bankAccount({ id, accountNumber: `12-3456-7890123-0${index}` }));

  const services = buildServices(testConfig, wiring);
  const handlers = {
    create: createHandler,
    getIntent: getIntentHandler,
    listIntents: listIntentsHandler,
    getBankAccount: getBankAccountHandler,
    listBankAccounts: listBankAccountsHandler,
  };
  const build = <H extends { buildHandler: (options: { services: () => typeof services }) => unknown }>(
    h: H,
  ) => h.buildHandler({ services: () => services }) as Handler;

  const getFloor =
    (key: { pk: string; sk: string }): Handler =>
    async () => {
      const { Item } = await floorClient.send(
        new GetCommand({ TableName: TABLE_NAME, Key: key, ConsistentRead: true }),
      );
      return answer(Item ?? {});
    };
  const queryFloor =
    (input: ConstructorParameters<typeof QueryCommand>[0]): Handler =>
    async () => {
      const { Items } = await floorClient.send(new QueryCommand(input));
      return answer({ items: Items ?? [] });
    };
  const putFloor: Handler = async (event) => {
    const request = JSON.parse(event.body ?? '{}') as Record<string, unknown>;
    const item = {
      ...request,
      pk: `FLOOR#${crypto.randomUUID()}`,
      sk: 'FLOOR',
      createdAt: new Date().toISOString(),
    };
    await floorClient.send(new PutCommand({ TableName: TABLE_NAME, Item: item }));
    return answer(item);
  };

  table.seal();
  return [
    {
      id: 'create',
      route: build(handlers.create),
      floor: putFloor,
      event: () =>
        apiEvent({
          path: '/api/bank-account-connection-intents',
          body: { accountId: ACCOUNT_ID, type: 'quartz-accounts', test: true },
          headers: owner,
        }),
    },
    {
      id: 'get-intent',
      route: build(handlers.getIntent),
      floor: getFloor(intentKey('3KVjuKW2CZCJeJVqPxwkX7')),
      event: () => ({
        ...getEvent({
          path: '/api/bank-account-connection-intents/{bankAccountConnectionIntentId}',
          pathParameters: { bankAccountConnectionIntentId: '3KVjuKW2CZCJeJVqPxwkX7' },
          headers: owner,
        }),
      }),
    },
    {
      id: 'list-intents',
      route: build(handlers.listIntents),
      floor: queryFloor({
        TableName: TABLE_NAME,
        IndexName: 'gsi1',
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'gsi1pk', '#sk': 'gsi1sk' },
        ExpressionAttributeValues: { ':pk': accountTimelinePartition(ACCOUNT_ID), ':prefix': 'INTENT#' },
        ScanIndexForward: false,
        Limit: 21,
      }),
      event: () =>
        getEvent({
          path: '/api/accounts/{accountId}/bank-account-connection-intents',
          pathParameters: { accountId: ACCOUNT_ID },
          headers: owner,
        }),
    },
    {
      id: 'get-bank-account',
      route: build(handlers.getBankAccount),
      floor: getFloor({ pk: 'BANK_ACCOUNT#Bnk1111111111111111111', sk: 'BANK_ACCOUNT' }),
      event: () =>
        getEvent({
          path: '/api/bank-accounts/{bankAccountId}',
          pathParameters: { bankAccountId: 'Bnk1111111111111111111' },
          headers: owner,
        }),
    },
    {
      id: 'list-bank-accounts',
      route: build(handlers.listBankAccounts),
      floor: queryFloor({
        TableName: TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': bankAccountNumberKey(ACCOUNT_ID, false, '').pk,
          ':prefix': BANK_ACCOUNT_NUMBER_SORT_PREFIX,
        },
        ConsistentRead: true,
      }),
      event: () =>
        getEvent({
          path: '/api/accounts/{accountId}/bank-accounts',
          pathParameters: { accountId: ACCOUNT_ID },
          headers: owner,
        }),
    },
  ];
}

async function timed(handler: Handler, event: APIGatewayProxyEvent, id: string): Promise<number> {
  const cpu = process.cpuUsage();
  const result = await handler(event, context());
  const used = process.cpuUsage(cpu);
  if (result.statusCode !== 200) throw new Error(`${id}: ${result.statusCode} ${result.body}`);
  return used.user + used.system;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function main(): Promise<void> {
  // `--route-only`: no floor calls, for a CPU profile of the route alone.
  const routeOnly = process.argv.includes('--route-only');
  const [callsArgument, ...only] = process.argv.slice(2).filter((argument) => argument !== '--route-only');
  const calls = Number(callsArgument ?? 2_000);
  const chosen = (await subjects()).filter((subject) => only.length === 0 || only.includes(subject.id));
  for (const subject of chosen) {
    // Warm-up: the JIT, the key cache, the first rate-limit batch.
    for (let index = 0; index < 200; index += 1) {
      await timed(subject.route, subject.event(), subject.id);
      if (!routeOnly) await timed(subject.floor, subject.event(), subject.id);
    }
    const route: number[] = [];
    const floor: number[] = [];
    let routeLog = 0;
    for (let index = 0; index < calls; index += 1) {
      const order = index % 2 ? (['floor', 'route'] as const) : (['route', 'floor'] as const);
      for (const side of order) {
        logBytes = 0;
        if (side === 'route') {
          route.push(await timed(subject.route, subject.event(), subject.id));
          routeLog += logBytes;
        } else if (!routeOnly) floor.push(await timed(subject.floor, subject.event(), subject.id));
      }
    }
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    process.stderr.write(
      `${subject.id.padEnd(20)} route ${mean(route).toFixed(0).padStart(5)} µs (p50 ${median(route)})` +
        `  floor ${mean(floor).toFixed(0).padStart(5)} µs (p50 ${median(floor)})` +
        `  ratio ${(mean(route) / mean(floor)).toFixed(2)}×  log ${(routeLog / calls).toFixed(0)} B/request\n`,
    );
  }
  process.stderr.write(`table calls: ${JSON.stringify(Object.fromEntries(table.calls))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
