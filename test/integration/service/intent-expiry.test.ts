import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../../../functions/shared/domain/hashing';
import { intentKey } from '../../../functions/shared/repository/table-keys';
import { createDocumentClient } from '../../../functions/shared/services';
import { approveAtBank } from '../../support/bank-session';
import { eventually } from '../../support/eventually';
import { leaveIntentBehind } from '../../support/leave-intent-behind';
import { useLocalStack } from '../../support/use-local-stack';

// The whole service on this machine with intents that live 20 seconds and a sweeper that runs
// every second: long enough to authorize in time on a busy machine, short enough to wait for.
const LIFETIME_SECONDS = 20;
const local = useLocalStack(['--intent-lifetime', String(LIFETIME_SECONDS), '--expiry-sweep-interval', '1']);

/** The intent's item as the table holds it, table attributes included (strongly consistent). */
async function storedItem(intentId: string): Promise<Record<string, unknown>> {
  const client = createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: local.stack.dynamoEndpoint });
  try {
    const { Item } = await client.send(
      new GetCommand({ TableName: local.stack.tableName, Key: intentKey(intentId), ConsistentRead: true }),
    );
    if (!Item) throw new Error(`no intent ${intentId}`);
    return Item;
  } finally {
    client.destroy();
  }
}

async function createIntent(): Promise<{ id: string; authorizationUrl: string }> {
  const answer = await local.api.createIntent({
    accountId: local.stack.accountId,
    type: 'quartz-accounts',
    test: true,
  });
  expect(answer.status).toBe(200);
  return answer.body as { id: string; authorizationUrl: string };
}

/** Waits, as long as the test may run, for the sweeper to have expired the intent. */
const sweptAway = (intentId: string) =>
  eventually(async () => (await storedItem(intentId)).status === 'failed', 250);

describe('intents that expire, on the local stack', () => {
  it('an intent nobody calls for loses its verifier and token to the sweeper, and GET answers failed with EXPIRED', async () => {
    const { id } = await createIntent();
    const created = await storedItem(id);
    // The item keeps its creation time in its keys only: the answer spells it out.
    const { createdAt } = (await local.api.getIntent(id)).body as { createdAt: string };
    // As a call that redeemed a code and stopped short would leave it: a grant with a token, no claim.
    await leaveIntentBehind(local.stack, id, {
      grant: { codeHash: sha256Hex('a-code'), accessToken: 'token-left-behind' },
    });
    expect(created).toMatchObject({
      status: 'created',
      // The state is not stored beside the verifier: it is the stored authorization URL's.
      oauth: { codeVerifier: expect.any(String) },
      expiresAt: new Date(Date.parse(createdAt) + LIFETIME_SECONDS * 1_000).toISOString(),
      gsi2pk: expect.stringMatching(/^EXPIRING#[0-3]$/),
    });

    await sweptAway(id);

    const expired = await storedItem(id);
    expect(expired).toMatchObject({
      status: 'failed',
      failureReason: 'EXPIRED',
      updatedAt: created.expiresAt,
      updatedBy: 'crn::system:intent-expiry',
    });
    for (const gone of ['oauth', 'grant', 'claim', 'gsi2pk', 'gsi2sk'])
      expect(expired).not.toHaveProperty(gone);
    expect(JSON.stringify(expired)).not.toMatch(/token-left-behind|codeVerifier/);
    const answer = await local.api.getIntent(id);
    expect(answer).toMatchObject({
      status: 200,
      body: { id, status: 'failed', failureReason: 'EXPIRED', updatedAt: created.expiresAt },
    });
    expect(local.stack.output()).toContain('"message":"expiry sweep"');
  });

  it('authorize after the lifetime answers 403 AUTHORIZATION_FAILED and sends no code to the bank', async () => {
    const { id, authorizationUrl } = await createIntent();
    const redirect = await approveAtBank(authorizationUrl, { user: 'alice', accounts: ['acc-alice-1'] });
    // The lifetime is over once a read says so, swept or not.
    await eventually(async () => (await local.api.getIntent(id)).body.status === 'failed', 250);
    const before = await local.api.bankStats(local.stack.testIssuer);

    const answer = await local.api.authorize(id, redirect.code);

    expect(answer).toMatchObject({ status: 403, body: { message: 'AUTHORIZATION_FAILED' } });
    expect((await local.api.bankStats(local.stack.testIssuer)).tokenRequests).toBe(before.tokenRequests);
    const stored = await storedItem(id);
    expect(stored).toMatchObject({ status: 'failed', failureReason: 'EXPIRED' });
    expect(stored).not.toHaveProperty('oauth');
  });

  it('an intent authorized in time is left as it is by every later sweep', async () => {
    const { id, authorizationUrl } = await createIntent();
    const redirect = await approveAtBank(authorizationUrl, { user: 'alice', accounts: ['acc-alice-2'] });
    expect(await local.api.authorize(id, redirect.code)).toMatchObject({ status: 200 });
    const authorized = await storedItem(id);
    // Created after it, so due after it: once this one is swept, a sweep has run past the first's end.
    const later = await createIntent();

    await sweptAway(later.id);

    expect(authorized).toMatchObject({ status: 'authorized', bankAccountIds: [expect.any(String)] });
    expect(authorized).not.toHaveProperty('gsi2pk');
    expect(await storedItem(id)).toEqual(authorized);
    expect(await local.api.getIntent(id)).toMatchObject({ status: 200, body: { status: 'authorized' } });
  });
});
