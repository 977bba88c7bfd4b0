import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { Clock } from '../../functions/shared/domain/clock';
import type { BankAccount } from '../../functions/shared/domain/schemas';
import type { ApiHandlerOptions } from '../../functions/shared/http/api-handler';
import { bankAccountKey, KEY_PREFIXES } from '../../functions/shared/repository/table-keys';
import { buildServices, type Services } from '../../functions/shared/services';
import { FakeQuartz } from './fake-quartz';
import {
  apiKey,
  apiKeyItem,
  bankAccountItem,
  DISABLED_SECRET,
  lambdaContext,
  OWNER_SECRET,
  TERMINAL_SECRET,
  testConfig,
} from './fixtures';

export const dynamo = mockClient(DynamoDBDocumentClient);

/** The Bank Accounts stored on the mocked client since the harness was built. */
const storedBankAccounts = new Map<string, ReturnType<typeof bankAccountItem>>();

/** Answers reads of one Bank Account on the mocked DynamoDB client, by key or in a batch. */
export function storeBankAccount(account: BankAccount): void {
  const item = bankAccountItem(account);
  storedBankAccounts.set(item.pk, item);
  dynamo.on(GetCommand, { Key: bankAccountKey(account.id) }).resolves({ Item: item });
}

/** A batch read answers the stored items among its keys, as DynamoDB does (in no set order). */
function answerBatchGets(): void {
  dynamo.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
    Responses: Object.fromEntries(
      Object.entries(input.RequestItems ?? {}).map(([table, { Keys = [] }]) => [
        table,
        Keys.flatMap((key) => storedBankAccounts.get(String(key.pk)) ?? []),
      ]),
    ),
  }));
}

/** A clock that only moves when the code under test sleeps, so waits cost no real time. */
export class ManualClock implements Clock {
  constructor(private current = Date.parse('2022-03-31T02:56:29.713Z')) {}
  now = () => new Date(this.current);
  sleep = async (ms: number) => {
    this.current += ms;
  };
}

export interface Harness {
  quartz: FakeQuartz;
  clock: ManualClock;
  services: Services;
  invoke(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult>;
}

/** Builds the real services on a mocked DynamoDB client and a scripted Quartz, with the three test keys stored. */
export function harness(
  buildHandler: (
    options?: ApiHandlerOptions,
  ) => (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>,
): Harness {
  dynamo.reset();
  storedBankAccounts.clear();
  dynamo.on(GetCommand).resolves({});
  answerBatchGets();
  dynamo.on(UpdateCommand).callsFake((input: UpdateCommandInput) =>
    // A rate-limit counter with room answers its new count; a test makes it refuse with rejects().
    String(input.Key?.pk).startsWith(KEY_PREFIXES.rateLimit)
      ? { Attributes: { requestCount: input.ExpressionAttributeValues?.[':count'] } }
      : {},
  );
  for (const key of [
    apiKey({ secret: OWNER_SECRET }),
    apiKey({ secret: TERMINAL_SECRET, name: 'Till', role: 'merchant-terminal' }),
    apiKey({ secret: DISABLED_SECRET, name: 'Old', enabled: false }),
  ]) {
    dynamo.on(GetCommand, { Key: { pk: `API_KEY#${key.secretHash}` } }).resolves({ Item: apiKeyItem(key) });
  }
  const quartz = new FakeQuartz();
  const clock = new ManualClock();
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  const services: Services = {
    ...buildServices(testConfig, { dynamo: client, fetch: quartz.fetch, clock }),
    clock,
    sleep: clock.sleep,
  };
  const handler = buildHandler({ services: () => services });
  return {
    quartz,
    clock,
    services,
    invoke: async (event) => (await handler(event, lambdaContext())) as APIGatewayProxyResult,
  };
}
