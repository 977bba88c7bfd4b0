import {
  DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { codeHash } from '../../../functions/shared/domain/hashing';
import {
  type BankAccount,
  type ConnectionIntent,
  type IntentType,
  isPaymentType,
} from '../../../functions/shared/domain/schemas';
import { QuartzClient } from '../../../functions/shared/provider/quartz-client';
import { QuartzProvider } from '../../../functions/shared/provider/quartz-provider';
import { IntentRepository } from '../../../functions/shared/repository/intent-repository';
import { FakeQuartz } from '../../support/fake-quartz';
import { dynamoItemBytes } from '../../support/item-size';
import { mockedTable } from '../../support/mocked-table';
import { applyUpdate } from '../../support/stored-intent';

/**
 * "Every item that is updated stays under 1 KB": the intent as authorize leaves it after each of
 * its writes, with the longest inputs that reach the item. A write is charged for the larger of the
 * item before and after it, so every image counts.
 */
const KB = 1_024;
const ID = '3KVjuKW2CZCJeJVqPxwkX7';
const ACCOUNT = 'B4u4WZCu3joZFVWT3XjWW3';
/** The intent's creator and, another key, its authorizer: key names of 64 characters, the most allowed. */
const CRN = `crn:${ACCOUNT}:api-key:${'k'.repeat(64)}`;
const AUTHORIZER_CRN = `crn:${ACCOUNT}:api-key:${'a'.repeat(64)}`;
const CREATED = '2026-11-26T01:54:56.045Z';
const FINISHED = '2026-11-26T01:56:56.045Z';
/**
 * A consent's name: 100 characters, the most allowed, each of two UTF-8 bytes (accented Latin,
 * Greek, Cyrillic, Hebrew, Arabic…), all different, so that nothing compresses: 200 bytes, the bound
 * this test guarantees (docs/performance-authorize-floor.md: a name of three-byte characters is not).
 */
const LONG_NAME = Array.from({ length: 100 }, (_, i) => String.fromCharCode(0x400 + i * 3)).join('');
/** A registered redirect URI of 200 characters, and a client id of 64. */
const REDIRECT_URI = `https://connect.example-company.co.nz/open-banking/${'callback/'.repeat(17)}`.slice(
  0,
  200,
);
const CLIENT_ID = 'c'.repeat(64);
/** The longest opaque token and CIBA request id this bound is for (the sandbox bank's are 43). */
const ACCESS_TOKEN = 't'.repeat(128);
const AUTH_REQ_ID = 'r'.repeat(128);
/** A user who picks three of their accounts in one authorization. */
const BANK_ACCOUNT_IDS = Array.from(
  { length: 3 },
  (_, i) => `${ID.slice(0, 20)}${String(i).padStart(2, '0')}`,
);

const dynamo = mockClient(DynamoDBDocumentClient);
const repository = new IntentRepository(mockedTable());
let stored: Record<string, unknown> = {};
const images: number[] = [];

beforeEach(() => {
  dynamo.reset();
  images.length = 0;
  dynamo.on(PutCommand).callsFake((input: PutCommandInput) => {
    stored = structuredClone(input.Item ?? {});
    images.push(dynamoItemBytes(stored));
    return {};
  });
  dynamo.on(UpdateCommand).callsFake((input) => {
    stored = applyUpdate(stored, input);
    images.push(dynamoItemBytes(stored));
    return { Attributes: structuredClone(stored) };
  });
});

const bankAccount: BankAccount = {
  id: 'Bnk1111111111111111111',
  accountId: ACCOUNT,
  type: 'quartz',
  name: 'n'.repeat(256),
  accountNumber: '12-3456-7890123-0001',
  providerAccountId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  createdAt: CREATED,
  createdBy: CRN,
  updatedAt: CREATED,
  updatedBy: CRN,
};

async function redirectIntent(type: IntentType): Promise<ConnectionIntent> {
  const client = new QuartzClient({
    issuer: 'https://sandbox.quartz.example.com',
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    clientSecret: async () => 's',
    fetch: new FakeQuartz().fetch,
  });
  const provider = new QuartzProvider({ live: client, test: client });
  const payment = isPaymentType(type);
  const limits = { name: LONG_NAME, period: 'fortnightly' as const, totalAmount: '999999999999' };
  const state = `${ID}.${'s'.repeat(22)}`;
  const { authorizationUrl, codeVerifier } = await provider.beginAuthorization({
    test: true,
    type,
    state,
    ...(payment ? { bankAccount, limits } : {}),
  });
  return {
    ...base(type),
    ...(payment ? { bankAccountId: bankAccount.id, ...limits } : {}),
    authorizationUrl,
    oauth: { state, codeVerifier },
  };
}

const base = (type: IntentType): ConnectionIntent => ({
  id: ID,
  accountId: ACCOUNT,
  type,
  status: 'created',
  createdAt: CREATED,
  createdBy: CRN,
  updatedAt: CREATED,
  updatedBy: CRN,
  test: true,
  expiresAt: CREATED,
  authorizationUrl: 'https://sandbox.quartz.example.com',
});

/** Claim, save the grant, finish: authorize's writes to the intent, in order. */
async function authorize(intent: ConnectionIntent, grantKey: string): Promise<void> {
  await repository.create(intent);
  const claim = { id: 'ClaimId111111111111111', expiresAt: Date.parse(CREATED) + 30_000 };
  await repository.claim(ID, claim, 0);
  const payment = isPaymentType(intent.type);
  await repository.saveGrant(ID, claim.id, {
    codeHash: codeHash(grantKey),
    ...(payment ? {} : { accessToken: ACCESS_TOKEN }),
  });
  await repository.finish(ID, claim.id, {
    status: 'authorized',
    authorizedCodeHash: codeHash(grantKey),
    ...(payment ? {} : { bankAccountIds: BANK_ACCOUNT_IDS }),
    updatedAt: FINISHED,
    updatedBy: AUTHORIZER_CRN,
  });
}

describe('the intent item authorize writes, with the longest inputs that reach it', () => {
  it.each(['account-information-consent', 'enduring-payment-consent', 'quartz-payment'] as const)(
    'stays under 1 KB in the redirect flow: %s',
    async (type) => {
      await authorize(await redirectIntent(type), 'c'.repeat(2_048));

      expect(images).toHaveLength(4);
      expect(Math.max(...images)).toBeLessThan(KB);
    },
  );

  it.each<IntentType>(['account-information-consent', 'enduring-payment-consent'])(
    'stays under 1 KB in the decoupled flow, a pending poll included: %s',
    async (type) => {
      const payment = isPaymentType(type);
      const backchannel = { authReqId: AUTH_REQ_ID, intervalSeconds: 5, pollAfter: Date.parse(CREATED) };
      const intent: ConnectionIntent = {
        ...base(type),
        ...(payment
          ? {
              bankAccountId: bankAccount.id,
              name: LONG_NAME,
              period: 'fortnightly',
              totalAmount: '999999999999',
            }
          : {}),
        flow: 'decoupled',
        backchannel,
      };
      await repository.create(intent);
      await repository.claim(ID, { id: 'ClaimId000000000000000', expiresAt: 1 }, 0);
      await repository.deferPoll(ID, 'ClaimId000000000000000', { ...backchannel, intervalSeconds: 10 });
      await authorize(intent, AUTH_REQ_ID);

      expect(Math.max(...images)).toBeLessThan(KB);
    },
  );

  it('measures what it should: the same intent stored as before (URL and hashes in full) is over 1 KB', async () => {
    const intent = await redirectIntent('enduring-payment-consent');
    const legacy = {
      pk: `INTENT#${ID}`,
      ...intent,
      claim: { id: 'ClaimId111111111111111', codeHash: 'h'.repeat(64), expiresAt: 1 },
    };

    expect(dynamoItemBytes(legacy)).toBeGreaterThan(KB);
  });
});

describe('the Bank Account item a payment consent updates', () => {
  it('stays under 1 KB with the longest consent name and key names, and a bank account name of 64 characters', async () => {
    const { BankAccountRepository } = await import(
      '../../../functions/shared/repository/bank-account-repository'
    );
    stored = {
      pk: `BANK_ACCOUNT#${bankAccount.id}`,
      sk: 'BANK_ACCOUNT',
      entity: 'bank-account',
      ...bankAccount,
    };
    stored.name = 'n'.repeat(64);
    await new BankAccountRepository(mockedTable()).markEnduringPaymentConsent(
      bankAccount.id,
      { name: LONG_NAME, period: 'fortnightly', totalAmount: '999999999999' },
      CREATED,
      AUTHORIZER_CRN,
    );

    expect(images).toHaveLength(1);
    expect(images[0]).toBeLessThan(KB);
  });
});
