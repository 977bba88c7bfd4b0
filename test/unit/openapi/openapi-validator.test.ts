import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalStackSummary } from '../../support/local-stack-process';
import { OpenApiValidator } from '../../support/openapi-validator';
import { ServiceClient } from '../../support/service-client';

const validator = new OpenApiValidator();
const INTENT_ID = '3KVjuKW2CZCJeJVqPxwkX7';
const CRN = 'crn:uooxSens6ykJaim1Cu1Q55:api-key:MyApiKey';
const json = { 'content-type': 'application/json', 'x-request-id': 'req-1', 'cache-control': 'no-store' };
const intent = {
  id: INTENT_ID,
  accountId: 'uooxSens6ykJaim1Cu1Q55',
  type: 'quartz-accounts',
  status: 'created',
  createdAt: '2022-03-31T02:56:29.713Z',
  createdBy: CRN,
  updatedAt: '2022-03-31T02:56:29.713Z',
  updatedBy: CRN,
  authorizationUrl: 'https://bank.example/auth?x=1',
};
const error = (statusCode: number, error: string, message: string) =>
  JSON.stringify({ statusCode, error, message, requestId: 'req-1' });

describe('the OpenAPI validator', () => {
  it.each([
    ['GET', `/api/bank-account-connection-intents/${INTENT_ID}`, 200, json, JSON.stringify(intent)],
    ['POST', '/api/bank-account-connection-intents', 200, json, JSON.stringify({ ...intent, test: true })],
    ['POST', `/api/bank-account-connection-intents/${INTENT_ID}/authorize`, 200, json, '{}'],
    [
      'POST',
      '/api/bank-account-connection-intents',
      400,
      json,
      error(400, 'Bad Request', 'type is required'),
    ],
    ['GET', '/api/accounts/x/bank-accounts', 403, json, error(403, 'Forbidden', 'Forbidden')],
    [
      'POST',
      `/api/bank-account-connection-intents/${INTENT_ID}/authorize`,
      503,
      { ...json, 'retry-after': '1' },
      error(503, 'Service Unavailable', 'AUTHORIZATION_IN_PROGRESS'),
    ],
    ['DELETE', '/api/bank-accounts/x', 404, json, error(404, 'Not Found', 'Not Found')],
  ])('passes a documented answer: %s %s %s', (method, url, status, headers, body) => {
    expect(validator.violations(method, url, { status, headers, body })).toEqual([]);
  });

  it.each([
    [
      'an unknown status',
      'POST',
      '/api/bank-account-connection-intents',
      418,
      json,
      '{}',
      'CreateIntent answered 418, a status it does not document',
    ],
    [
      'a 200 without a field the schema requires',
      'GET',
      `/api/bank-account-connection-intents/${INTENT_ID}`,
      200,
      json,
      JSON.stringify({ ...intent, status: undefined }),
      "must have required property 'status'",
    ],
    [
      'a 200 with a field the schema does not have',
      'GET',
      `/api/bank-account-connection-intents/${INTENT_ID}`,
      200,
      json,
      JSON.stringify({ ...intent, oauth: { state: 'x' } }),
      'must NOT have additional properties',
    ],
    [
      'a code the operation does not answer (ALREADY_AUTHORIZED on create)',
      'POST',
      '/api/bank-account-connection-intents',
      403,
      json,
      error(403, 'Forbidden', 'ALREADY_AUTHORIZED'),
      'must be equal to one of the allowed values',
    ],
    [
      'a 429 without Retry-After',
      'GET',
      '/api/accounts/x/bank-accounts',
      429,
      json,
      error(429, 'Too Many Requests', 'RATE_LIMIT_EXCEEDED'),
      'no Retry-After header',
    ],
    [
      'an answer without X-Request-Id',
      'GET',
      '/api/accounts/x/bank-accounts',
      200,
      { 'content-type': 'application/json', 'cache-control': 'no-store' },
      '[]',
      'no X-Request-Id header',
    ],
    [
      'a body that is not JSON',
      'GET',
      '/api/accounts/x/bank-accounts',
      200,
      { ...json, 'content-type': 'text/html' },
      '<html>',
      'content type "text/html" is not documented',
    ],
    [
      'an unknown route answering 200',
      'GET',
      '/api/other',
      200,
      json,
      '{}',
      'is no operation, yet answered 200',
    ],
  ])('fails %s', (_case, method, url, status, headers, body, problem) => {
    const problems = validator.violations(method, url, { status, headers, body });

    expect(problems.join('\n')).toContain(problem);
  });
});

describe("the integration suite's client", () => {
  let server: Server;
  let answer: { status: number; body: string; headers: Record<string, string> };
  let client: ServiceClient;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const stack = {
      apiUrl: `http://127.0.0.1:${port}`,
      apiKey: 'key',
      accountId: 'uooxSens6ykJaim1Cu1Q55',
      dynamoEndpoint: 'http://127.0.0.1:1',
      tableName: 'table',
    } as LocalStackSummary;
    client = new ServiceClient(stack);
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('hands a documented answer over', async () => {
    answer = { status: 200, headers: json, body: JSON.stringify(intent) };

    await expect(client.getIntent(INTENT_ID)).resolves.toMatchObject({ status: 200, body: intent });
  });

  it('fails the test on an answer the document does not describe', async () => {
    answer = { status: 200, headers: json, body: JSON.stringify({ ...intent, secret: 'x' }) };
    await expect(client.getIntent(INTENT_ID)).rejects.toThrow(
      'An answer the OpenAPI document does not describe',
    );

    answer = { status: 409, headers: json, body: error(403, 'Forbidden', 'Forbidden') };
    await expect(client.createIntent({})).rejects.toThrow('CreateIntent answered 409');
  });
});
