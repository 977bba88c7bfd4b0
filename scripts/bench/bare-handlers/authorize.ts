import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { codeHash, isCodeHashOf } from '../../../functions/shared/domain/hashing';
import { newId } from '../../../functions/shared/domain/ids';
import {
  ACCOUNT_TIMELINE_INDEX,
  accountTimelinePartition,
  bankAccountKey,
  bankAccountNumberKey,
  EXPIRY_INDEX,
  intentKey,
  type TableKey,
} from '../../../functions/shared/repository/table-keys';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import { jsonAnswer } from './answer';

/**
 * The floor of authorize (docs/performance-authorize-floor.md), done on an intent CreateIntent made
 * and the sandbox bank's user approved: a conditional claim that is also the read, the token
 * request, the grant saved, the selected accounts, two conditional puts per account, the finish.
 * The document client with the SDK's defaults, fetch for the bank, no validation, no middleware:
 * the least an exactly-once authorize can do. What it writes is what the route writes, item for
 * item, so that the write units compare. The bench sends what the route's chain would have given
 * it (the caller's account and CRN) in the body.
 */
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tableName = process.env.TABLE_NAME;

interface Bank {
  issuer: string;
  clientId: string;
  redirectUri: string;
  basic: string;
  tokenEndpoint: () => Promise<string>;
}

/** A bank from the route's own variables; its discovery starts at init, as the route's does. */
function bankOf(name: 'LIVE' | 'TEST'): Bank {
  const variable = (suffix: string) => process.env[`QUARTZ_${name}_${suffix}`] ?? '';
  const issuer = variable('ISSUER').replace(/\/$/, '');
  const clientId = variable('CLIENT_ID');
  const discover = () =>
    fetch(`${issuer}/.well-known/openid-configuration`)
      .then((response) => response.json() as Promise<{ token_endpoint: string }>)
      .then((metadata) => metadata.token_endpoint);
  let endpoint = discover();
  endpoint.catch(() => undefined);
  return {
    issuer,
    clientId,
    redirectUri: variable('REDIRECT_URI'),
    // RFC 6749 §2.3.1: client_secret_basic, each part form-encoded.
    basic: `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(variable('CLIENT_SECRET'))}`).toString('base64')}`,
    tokenEndpoint: () => {
      endpoint = endpoint.catch(discover);
      return endpoint;
    },
  };
}

const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');
const banks = { live: bankOf('LIVE'), test: bankOf('TEST') };

interface FloorRequest {
  accountId: string;
  intentId: string;
  code: string;
  /** Who the route's chain would say is calling: written as createdBy and updatedBy, as the route does. */
  crn: string;
}

interface BankAccountOfBank {
  id: string;
  accountName: string;
  accountNumber: string;
}

const HELD_BY_CLAIM = '#claim.#claimId = :claimId AND #status = :created';

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { accountId, intentId, code, crn } = JSON.parse(event.body ?? '{}') as FloorRequest;
  const now = Date.now();
  const claimId = newId();
  const key = intentKey(intentId);

  // 1. The claim, which is also the read: the caller's (an intent item names its account in its
  // timeline key only), still open, held by nobody.
  let intent: Record<string, unknown>;
  try {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET #claim = :claim',
        ConditionExpression:
          '#owner = :owner AND #status = :created AND (attribute_not_exists(#claim) OR #claim.#expiresAt <= :now) ' +
          'AND (attribute_not_exists(#expiresAt) OR #expiresAt > :nowTimestamp)',
        ExpressionAttributeNames: {
          '#owner': ACCOUNT_TIMELINE_INDEX.partitionKey,
          '#status': 'status',
          '#claim': 'claim',
          '#expiresAt': 'expiresAt',
        },
        ExpressionAttributeValues: {
          ':owner': accountTimelinePartition(accountId),
          ':created': 'created',
          ':claim': { id: claimId, expiresAt: now + TIME_BUDGET.claimLeaseMs },
          ':now': now,
          ':nowTimestamp': new Date(now).toISOString(),
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    intent = Attributes ?? {};
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return settledAnswer(error, key, accountId, code);
  }

  // 2. The token request.
  const bank = intent.test === true ? banks.test : banks.live;
  const { codeVerifier } = intent.oauth as { codeVerifier: string };
  const tokenResponse = await fetch(await bank.tokenEndpoint(), {
    method: 'POST',
    headers: {
      authorization: bank.basic,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: bank.redirectUri,
      code_verifier: codeVerifier,
    }),
  });
  if (!tokenResponse.ok) throw new Error(`token request answered ${tokenResponse.status}`);
  const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };

  // 3. The grant, saved before anything else, with the PKCE verifier dropped.
  const hash = codeHash(code);
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET #grant = :grant REMOVE #oauth',
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeNames: {
        '#grant': 'grant',
        '#oauth': 'oauth',
        '#claim': 'claim',
        '#claimId': 'id',
        '#status': 'status',
      },
      ExpressionAttributeValues: {
        ':grant': { codeHash: hash, accessToken },
        ':claimId': claimId,
        ':created': 'created',
      },
    }),
  );

  // 4. The accounts the user picked.
  const accountsResponse = await fetch(`${bank.issuer}/accounts`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  if (!accountsResponse.ok) throw new Error(`accounts request answered ${accountsResponse.status}`);
  const accounts = (await accountsResponse.json()) as BankAccountOfBank[];

  // 5. Per account, its number reserved, then its Bank Account: two conditional puts.
  const at = new Date(now).toISOString();
  const test = intent.test === true;
  const bankAccountIds = await Promise.all(
    accounts.map(async (account) => {
      const id = newId();
      const stamps = { createdAt: at, createdBy: crn, updatedAt: at, updatedBy: crn };
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...bankAccountNumberKey(accountId, test, account.accountNumber),
            entity: 'bank-account-number',
            bankAccountId: id,
            ...stamps,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...bankAccountKey(id),
            entity: 'bank-account',
            id,
            accountId,
            type: 'quartz',
            name: account.accountName,
            accountNumber: account.accountNumber,
            providerAccountId: account.id,
            ...(test ? { test: true } : {}),
            ...stamps,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return id;
    }),
  );

  // 6. The finish: authorized, the claim, grant and expiry keys gone.
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression:
        'SET #status = :status, #updatedAt = :updatedAt, #updatedBy = :updatedBy, ' +
        '#authorizedCodeHash = :authorizedCodeHash, #bankAccountIds = :bankAccountIds ' +
        'REMOVE #claim, #grant, #oauth, #backchannel, #expiryPk, #expirySk',
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeNames: {
        '#status': 'status',
        '#updatedAt': 'updatedAt',
        '#updatedBy': 'updatedBy',
        '#authorizedCodeHash': 'authorizedCodeHash',
        '#bankAccountIds': 'bankAccountIds',
        '#claim': 'claim',
        '#claimId': 'id',
        '#grant': 'grant',
        '#oauth': 'oauth',
        '#backchannel': 'backchannel',
        '#expiryPk': EXPIRY_INDEX.partitionKey,
        '#expirySk': EXPIRY_INDEX.sortKey,
      },
      ExpressionAttributeValues: {
        ':status': 'authorized',
        ':updatedAt': new Date().toISOString(),
        ':updatedBy': crn,
        ':authorizedCodeHash': hash,
        ':bankAccountIds': bankAccountIds,
        ':claimId': claimId,
        ':created': 'created',
      },
    }),
  );
  return jsonAnswer({});
}

/**
 * The claim's condition failed: a retry of the same code is answered 200 from the item as it was,
 * which DynamoDB returns with the failure (an engine that returns nothing, dynalite, costs a read).
 */
async function settledAnswer(
  failure: ConditionalCheckFailedException,
  key: TableKey,
  accountId: string,
  code: string,
): Promise<APIGatewayProxyResult> {
  const item = failure.Item
    ? unmarshall(failure.Item)
    : (await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
  const settled =
    item?.[ACCOUNT_TIMELINE_INDEX.partitionKey] === accountTimelinePartition(accountId) &&
    item.status === 'authorized' &&
    typeof item.authorizedCodeHash === 'string' &&
    isCodeHashOf(item.authorizedCodeHash, code);
  return settled ? jsonAnswer({}) : { statusCode: 403, body: '{"code":"FORBIDDEN"}' };
}
