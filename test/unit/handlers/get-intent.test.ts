import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildHandler } from '../../../functions/get-intent/handler';
import {
  ACCOUNT_ID,
  getEvent,
  intent,
  LIVE_ISSUER,
  OTHER_ACCOUNT_ID,
  OWNER_CRN,
  OWNER_SECRET,
  parse,
} from '../../support/fixtures';
import { dynamo, type Harness, harness } from '../../support/handler-harness';
import { storeIntent } from '../../support/stored-intent';

const INTENT_ID = '3KVjuKW2CZCJeJVqPxwkX7';

let h: Harness;
beforeEach(() => {
  h = harness(buildHandler);
});

const get = async (id = INTENT_ID) =>
  parse(
    await h.invoke(
      getEvent({
        path: `/api/bank-account-connection-intents/${id}`,
        pathParameters: { bankAccountConnectionIntentId: id },
        headers: { 'X-Api-Key': OWNER_SECRET },
      }),
    ),
  );

const forbidden = { statusCode: 403, error: 'Forbidden', message: 'Forbidden', requestId: 'req-123' };
const intentReads = () =>
  dynamo.commandCalls(GetCommand).filter((call) => call.args[0].input.Key?.sk === 'INTENT');

describe('get intent', () => {
  it('answers a created intent exactly as create answered it', async () => {
    storeIntent(intent({ test: true }));

    const { statusCode, body } = await get();

    expect(statusCode).toBe(200);
    expect(body).toEqual({
      id: INTENT_ID,
      accountId: ACCOUNT_ID,
      type: 'quartz-accounts',
      status: 'created',
      createdAt: '2022-03-31T02:56:29.713Z',
      createdBy: OWNER_CRN,
      updatedAt: '2022-03-31T02:56:29.713Z',
      updatedBy: OWNER_CRN,
      authorizationUrl: `${LIVE_ISSUER}/auth?state=x`,
      test: true,
    });
    expect(intentReads()[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it('answers the connected Bank Accounts of an authorized account-information intent', async () => {
    storeIntent(
      intent({
        status: 'authorized',
        authorizedCodeHash: 'hash',
        bankAccountIds: ['Bnk1111111111111111111', 'Bnk2222222222222222222'],
        oauth: undefined,
      }),
    );

    const { body } = await get();

    expect(body).toMatchObject({
      status: 'authorized',
      bankAccountIds: ['Bnk1111111111111111111', 'Bnk2222222222222222222'],
    });
    expect(body).not.toHaveProperty('authorizedCodeHash');
  });

  it.each([
    ['access_denied', 'ACCESS_DENIED'],
    ['invalid_grant', 'CODE_REJECTED'],
    ['insufficient_scope', 'GRANT_INSUFFICIENT'],
    ['invalid_token', 'TOKEN_REJECTED'],
    ['authorization_details_mismatch', 'GRANT_INSUFFICIENT'],
  ])('answers a failed intent with the documented code for %s (%s)', async (stored, documented) => {
    storeIntent(intent({ status: 'failed', failureReason: stored, oauth: undefined }));

    const { body } = await get();

    expect(body).toMatchObject({ status: 'failed', failureReason: documented });
  });

  describe('past its lifetime (the clock reads 2022-03-31T02:56:29.713Z)', () => {
    it('answers an intent still created as failed with EXPIRED, changed when it expired, before any expiry write', async () => {
      storeIntent(intent({ test: true, expiresAt: '2022-03-31T02:56:29.000Z' }));

      const { statusCode, body } = await get();

      expect(statusCode).toBe(200);
      expect(body).toEqual({
        id: INTENT_ID,
        accountId: ACCOUNT_ID,
        type: 'quartz-accounts',
        status: 'failed',
        failureReason: 'EXPIRED',
        createdAt: '2022-03-31T02:56:29.713Z',
        createdBy: OWNER_CRN,
        updatedAt: '2022-03-31T02:56:29.000Z',
        updatedBy: 'crn::system:intent-expiry',
        authorizationUrl: `${LIVE_ISSUER}/auth?state=x`,
        test: true,
      });
      // A read never writes.
      expect(
        dynamo.commandCalls(UpdateCommand).filter((call) => call.args[0].input.Key?.sk === 'INTENT'),
      ).toEqual([]);
    });

    it('answers it as created while an authorization that claimed it in time still holds it', async () => {
      const claim = { id: 'claim', codeHash: 'hash', expiresAt: Date.parse('2022-03-31T02:56:30.000Z') };
      storeIntent(intent({ expiresAt: '2022-03-31T02:56:29.000Z', claim }));

      const { body } = await get();

      expect(body).toMatchObject({ status: 'created' });
      expect(body).not.toHaveProperty('failureReason');
    });

    it('answers an intent that is not yet at its end as created', async () => {
      storeIntent(intent({ expiresAt: '2022-03-31T02:56:29.714Z' }));

      expect((await get()).body).toMatchObject({ status: 'created' });
    });
  });

  it('never answers PKCE material, a claim or a grant, whatever the item holds', async () => {
    storeIntent(
      intent({
        claim: { id: 'claim', codeHash: 'hash', expiresAt: 1 },
        grant: { codeHash: 'h', accessToken: 't' },
      }),
    );

    const { body } = await get();

    expect(JSON.stringify(body)).not.toMatch(
      /verifier|claim|grant|access|codeHash|"pk"|gsi1|gsi2|expiresAt|entity/,
    );
  });

  it("forbids another account's intent", async () => {
    storeIntent(intent({ accountId: OTHER_ACCOUNT_ID }));

    const { statusCode, body } = await get();

    expect(statusCode).toBe(403);
    expect(body).toEqual(forbidden);
  });

  it('forbids an intent that does not exist', async () => {
    const { statusCode, body } = await get('Missing111111111111111');

    expect(statusCode).toBe(403);
    expect(body).toEqual(forbidden);
  });

  it.each(['not-an-id-of-ours-0OIl', 'short', 'x'.repeat(3_000)])(
    'forbids %s, an id this service never issues, without a lookup',
    async (id) => {
      const { statusCode, body } = await get(id);

      expect(statusCode).toBe(403);
      expect(body).toEqual(forbidden);
      expect(intentReads()).toHaveLength(0);
    },
  );
});
