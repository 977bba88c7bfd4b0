import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { ROUTES } from '../../../functions/routes';
import { createLocalApi, type ProxyHandler } from '../../../local/local-api';

let server: Server;
let baseUrl: string;
const seen: { route: string; event: APIGatewayProxyEvent; context: Context }[] = [];

beforeAll(async () => {
  server = createLocalApi({
    routes: ROUTES,
    handlers: Object.fromEntries(
      ROUTES.map((route): [string, ProxyHandler] => [
        route.id,
        async (event, context) => {
          seen.push({ route: route.id, event, context });
          return {
            statusCode: 200,
            headers: { 'content-type': 'application/json', 'x-request-id': event.requestContext.requestId },
            body: '{"ok":true}',
          };
        },
      ]),
    ),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

describe('local API', () => {
  it('routes create to its handler with an API Gateway REST proxy event', async () => {
    const response = await fetch(`${baseUrl}/api/bank-account-connection-intents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: '{"a":1}',
    });

    expect(response.status).toBe(200);
    const [call] = seen;
    expect(call?.route).toBe('CreateIntent');
    expect(call?.event).toMatchObject({
      resource: '/api/bank-account-connection-intents',
      path: '/api/bank-account-connection-intents',
      httpMethod: 'POST',
      body: '{"a":1}',
      isBase64Encoded: false,
      pathParameters: null,
      requestContext: { stage: 'local', resourcePath: '/api/bank-account-connection-intents' },
    });
    expect(call?.event.headers['x-api-key']).toBe('k');
    expect(call?.context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(response.headers.get('x-request-id')).toBe(call?.event.requestContext.requestId);
  });

  it('extracts the intent id as a path parameter for authorize', async () => {
    await fetch(`${baseUrl}/api/bank-account-connection-intents/3KVjuKW2CZCJeJVqPxwkX7/authorize`, {
      method: 'POST',
      body: '{}',
    });

    expect(seen[0]?.route).toBe('AuthorizeIntent');
    expect(seen[0]?.event.pathParameters).toEqual({
      bankAccountConnectionIntentId: '3KVjuKW2CZCJeJVqPxwkX7',
    });
    expect(seen[0]?.event.resource).toBe(
      '/api/bank-account-connection-intents/{bankAccountConnectionIntentId}/authorize',
    );
  });

  it('routes a GET with its query string, as API Gateway passes it, repeated values included', async () => {
    const response = await fetch(
      `${baseUrl}/api/accounts/uooxSens6ykJaim1Cu1Q55/bank-account-connection-intents?pageKey=a.b&x=1&x=2`,
      { headers: { 'x-api-key': 'k' } },
    );

    expect(response.status).toBe(200);
    expect(seen[0]?.route).toBe('ListIntents');
    expect(seen[0]?.event).toMatchObject({
      httpMethod: 'GET',
      resource: '/api/accounts/{accountId}/bank-account-connection-intents',
      pathParameters: { accountId: 'uooxSens6ykJaim1Cu1Q55' },
      queryStringParameters: { pageKey: 'a.b', x: '2' },
      multiValueQueryStringParameters: { pageKey: ['a.b'], x: ['1', '2'] },
      body: null,
    });
  });

  it.each([
    ['GetIntent', '/api/bank-account-connection-intents/3KVjuKW2CZCJeJVqPxwkX7'],
    ['GetBankAccount', '/api/bank-accounts/Bnk1111111111111111111'],
    ['ListBankAccounts', '/api/accounts/uooxSens6ykJaim1Cu1Q55/bank-accounts'],
  ])('routes GET to %s', async (routeId, path) => {
    await fetch(`${baseUrl}${path}`);

    expect(seen[0]?.route).toBe(routeId);
    expect(seen[0]?.event.queryStringParameters).toBeNull();
  });

  it.each([
    ['GET', '/api/bank-account-connection-intents'],
    ['POST', '/api/bank-account-connection-intents/3KVjuKW2CZCJeJVqPxwkX7'],
    ['DELETE', '/api/bank-accounts/Bnk1111111111111111111'],
    ['POST', '/api/bank-account-connection-intents/x/y/authorize'],
    ['POST', '/api/other'],
    ['DELETE', '/api/bank-account-connection-intents/x/authorize'],
  ])('answers the contract 404 for %s %s', async (method, path) => {
    const response = await fetch(`${baseUrl}${path}`, { method });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Not Found',
      requestId: response.headers.get('x-request-id'),
    });
    expect(response.headers.get('x-request-id')).toEqual(expect.any(String));
    expect(seen).toHaveLength(0);
  });
});
