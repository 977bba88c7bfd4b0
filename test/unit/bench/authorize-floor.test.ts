import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { codeHash } from '../../../functions/shared/domain/hashing';

const ISSUER = 'http://127.0.0.1:4999/test-bank';
const TOKEN_ENDPOINT = `${ISSUER}/token`;
const ACCOUNTS = [
  { id: 'acc-1', accountName: 'Everyday', accountNumber: '12-3456-0000001-00' },
  { id: 'acc-2', accountName: 'Savings', accountNumber: '12-3456-0000002-00' },
  { id: 'acc-3', accountName: 'Bills', accountNumber: '12-3456-0000003-00' },
];

const dynamo = mockClient(DynamoDBDocumentClient);
const bankCalls: { url: string; init: RequestInit | undefined }[] = [];

/** The sandbox bank, answering discovery, the token request and the accounts request. */
function fakeBank(): void {
  bankCalls.length = 0;
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = String(input);
    bankCalls.push({ url, init });
    if (url.endsWith('/.well-known/openid-configuration'))
      return Response.json({ issuer: ISSUER, token_endpoint: TOKEN_ENDPOINT });
    if (url === TOKEN_ENDPOINT) return Response.json({ access_token: 'token-1', token_type: 'Bearer' });
    if (url === `${ISSUER}/accounts`) return Response.json(ACCOUNTS);
    return new Response('not found', { status: 404 });
  });
}

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
let handler: Handler;

const event = (body: Record<string, string>) => ({ body: JSON.stringify(body) }) as APIGatewayProxyEvent;
const request = { accountId: 'acct', intentId: 'intent-1', code: 'the-code', crn: 'crn:acct:api-key:bench' };

beforeAll(async () => {
  Object.assign(process.env, {
    TABLE_NAME: 'table',
    QUARTZ_TEST_ISSUER: ISSUER,
    QUARTZ_TEST_CLIENT_ID: 'client',
    QUARTZ_TEST_CLIENT_SECRET: 'secret',
    QUARTZ_TEST_REDIRECT_URI: 'http://localhost/callback',
    QUARTZ_LIVE_ISSUER: ISSUER,
  });
  fakeBank();
  ({ handler } = (await import('../../../scripts/bench/bare-handlers/authorize')) as { handler: Handler });
});

beforeEach(() => {
  dynamo.reset();
  fakeBank();
});

describe("authorize's floor", () => {
  it('does the derived floor: claim, token request, grant, accounts, two puts per account, finish', async () => {
    // Arrange
    dynamo
      .on(UpdateCommand)
      .resolves({})
      .on(UpdateCommand, { UpdateExpression: 'SET #claim = :claim' })
      .resolves({ Attributes: { test: true, oauth: { codeVerifier: 'verifier' } } });
    dynamo.on(PutCommand).resolves({});

    // Act
    const answer = await handler(event(request));

    // Assert: 2N + 3 writes for N = 3, conditional, in order; two bank round trips
    expect(answer.statusCode).toBe(200);
    const calls = dynamo.calls().map((call) => call.args[0]);
    expect(calls).toHaveLength(9);
    expect(calls.every((command) => command.input && 'ConditionExpression' in command.input)).toBe(true);
    const [claim, grant, ...rest] = calls.map((command) => command.input as Record<string, unknown>);
    const finish = rest.pop() as Record<string, unknown>;
    expect(claim?.ConditionExpression).toContain('#owner = :owner AND #status = :created');
    expect(claim?.ExpressionAttributeNames).toMatchObject({ '#owner': 'gsi1pk' });
    expect(claim?.ExpressionAttributeValues).toMatchObject({ ':owner': 'ACCOUNT#acct' });
    expect(claim?.ReturnValues).toBe('ALL_NEW');
    expect(grant?.UpdateExpression).toBe('SET #grant = :grant REMOVE #oauth');
    expect(grant?.ExpressionAttributeValues).toMatchObject({
      ':grant': { codeHash: codeHash('the-code'), accessToken: 'token-1' },
    });
    const puts = rest.map((input) => input.Item as Record<string, unknown>);
    expect(puts.map((item) => item.entity).sort()).toEqual([
      ...Array(3).fill('bank-account'),
      ...Array(3).fill('bank-account-number'),
    ]);
    const bankAccountIds = puts.filter((item) => item.entity === 'bank-account').map((item) => item.id);
    expect(finish.ExpressionAttributeValues).toMatchObject({
      ':status': 'authorized',
      ':authorizedCodeHash': codeHash('the-code'),
    });
    const finishValues = finish.ExpressionAttributeValues as Record<string, unknown>;
    expect(new Set(finishValues[':bankAccountIds'] as string[])).toEqual(new Set(bankAccountIds));
    const [token, accounts] = bankCalls.filter((call) => !call.url.includes('.well-known'));
    expect(token?.url).toBe(TOKEN_ENDPOINT);
    const form = new URLSearchParams(String(token?.init?.body));
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'http://localhost/callback',
      code_verifier: 'verifier',
    });
    expect(new Headers(token?.init?.headers).get('authorization')).toBe(
      `Basic ${Buffer.from('client:secret').toString('base64')}`,
    );
    expect(accounts?.url).toBe(`${ISSUER}/accounts`);
    expect(new Headers(accounts?.init?.headers).get('authorization')).toBe('Bearer token-1');
  });

  it('answers a retry of the same code 200 from the item as it was, and another code 403', async () => {
    // Arrange: the claim fails; the engine returns no item with the failure (as dynalite)
    dynamo
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    dynamo.on(GetCommand).resolves({
      Item: { gsi1pk: 'ACCOUNT#acct', status: 'authorized', authorizedCodeHash: codeHash('the-code') },
    });

    // Act
    const same = await handler(event(request));
    const other = await handler(event({ ...request, code: 'another-code' }));

    // Assert
    expect([same.statusCode, other.statusCode]).toEqual([200, 403]);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(2);
    expect(bankCalls).toHaveLength(0);
  });
});
