import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ServiceConfig } from '../../functions/shared/config';
import { sha256Hex } from '../../functions/shared/domain/hashing';
import type { ApiKey, BankAccount, ConnectionIntent } from '../../functions/shared/domain/schemas';
import { apiKeyKey, bankAccountKey, intentKey } from '../../functions/shared/repository/table-keys';

export const TABLE_NAME = 'intents-test';
export const ACCOUNT_ID = 'B4u4WZCu3joZFVWT3XjWW3';
export const OTHER_ACCOUNT_ID = 'uooxSens6ykJaim1Cu1Q55';
export const OWNER_SECRET = 'owner-secret-0123456789';
export const TERMINAL_SECRET = 'terminal-secret-0123456789';
export const DISABLED_SECRET = 'disabled-secret-0123456789';
export const OWNER_CRN = `crn:${ACCOUNT_ID}:api-key:MyApiKey`;
export const LIVE_ISSUER = 'https://quartz.example.com';
export const TEST_ISSUER = 'https://sandbox.quartz.example.com';

export const testConfig: ServiceConfig = {
  tableName: TABLE_NAME,
  intentLifetimeSeconds: 3_600,
  quartz: {
    live: {
      issuer: LIVE_ISSUER,
      clientId: 'live-client',
      redirectUri: 'https://app.example.com/callback',
      clientSecret: { value: 'live-secret' },
    },
    test: {
      issuer: TEST_ISSUER,
      clientId: 'test-client',
      redirectUri: 'https://app.example.com/test-callback',
      clientSecret: { value: 'test-secret' },
    },
  },
  pageKeySecret: { value: 'page-key-secret-0123456789-0123456789' },
};

export function apiKey(overrides: Partial<ApiKey> & { secret: string }): ApiKey {
  const { secret, ...rest } = overrides;
  return {
    accountId: ACCOUNT_ID,
    name: 'MyApiKey',
    role: 'account-owner',
    enabled: true,
    secretHash: sha256Hex(secret),
    createdAt: '2022-03-31T02:00:00.000Z',
    createdBy: 'crn::user:admin',
    ...rest,
  };
}

export const apiKeyItem = (key: ApiKey) => ({ ...apiKeyKey(key.secretHash), entity: 'api-key', ...key });

export function intent(overrides: Partial<ConnectionIntent> = {}): ConnectionIntent {
  return {
    id: '3KVjuKW2CZCJeJVqPxwkX7',
    accountId: ACCOUNT_ID,
    type: 'quartz-accounts',
    status: 'created',
    createdAt: '2022-03-31T02:56:29.713Z',
    createdBy: OWNER_CRN,
    updatedAt: '2022-03-31T02:56:29.713Z',
    updatedBy: OWNER_CRN,
    authorizationUrl: `${LIVE_ISSUER}/auth?state=x`,
    oauth: {
      state: '3KVjuKW2CZCJeJVqPxwkX7.state',
      codeVerifier: 'verifier-0123456789-0123456789-0123456789',
    },
    ...overrides,
  };
}

export const intentItem = (value: ConnectionIntent) => ({
  ...intentKey(value.id),
  entity: 'intent',
  ...value,
});

export function bankAccount(overrides: Partial<BankAccount> = {}): BankAccount {
  return {
    id: 'Bnk1111111111111111111',
    accountId: ACCOUNT_ID,
    type: 'quartz',
    name: 'Everyday',
    accountNumber: '12-3456-7890123-00',
    createdAt: '2022-03-30T02:56:29.713Z',
    createdBy: OWNER_CRN,
    updatedAt: '2022-03-30T02:56:29.713Z',
    updatedBy: OWNER_CRN,
    ...overrides,
  };
}

export const bankAccountItem = (value: BankAccount) => ({
  ...bankAccountKey(value.id),
  entity: 'bank-account',
  ...value,
});

/** An API Gateway REST proxy event as the gateway delivers it (a POST with a JSON body unless told). */
export function apiEvent(options: {
  path: string;
  body?: unknown;
  rawBody?: string | null;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  /** Each name with all its values, as API Gateway's multi-value parameters hold them. */
  query?: Record<string, string[]>;
}): APIGatewayProxyEvent {
  const body = options.rawBody !== undefined ? options.rawBody : JSON.stringify(options.body ?? {});
  const query = options.query && Object.keys(options.query).length > 0 ? options.query : undefined;
  return {
    resource: options.path,
    path: options.path,
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', ...options.headers },
    multiValueHeaders: {},
    // API Gateway keeps the last of repeated values here.
    queryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([name, values]) => [name, values.at(-1) ?? '']))
      : null,
    multiValueQueryStringParameters: query ?? null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-123' } as APIGatewayProxyEvent['requestContext'],
  };
}

export const lambdaContext = (): Context =>
  ({
    awsRequestId: 'lambda-req',
    functionName: 'test',
    getRemainingTimeInMillis: () => 30_000,
  }) as Context;

export interface ParsedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

export const parse = (response: APIGatewayProxyResult): ParsedResponse => ({
  statusCode: response.statusCode,
  headers: (response.headers ?? {}) as Record<string, unknown>,
  body: JSON.parse(response.body) as Record<string, unknown>,
});

/** A GET as API Gateway delivers it: no body, no content type. */
export function getEvent(options: {
  path: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string[]>;
}): APIGatewayProxyEvent {
  return {
    ...apiEvent({ ...options, rawBody: null }),
    httpMethod: 'GET',
    headers: { ...options.headers },
  };
}
