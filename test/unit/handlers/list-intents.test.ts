import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { buildHandler } from '../../../functions/list-intents/handler';
import type { ConnectionIntent } from '../../../functions/shared/domain/schemas';
import {
  ACCOUNT_ID,
  getEvent,
  intent,
  intentItem,
  OTHER_ACCOUNT_ID,
  OWNER_SECRET,
  parse,
} from '../../support/fixtures';
import { dynamo, type Harness, harness } from '../../support/handler-harness';

let h: Harness;
beforeEach(() => {
  h = harness(buildHandler);
});

const list = async (query: Record<string, string[]> = {}, accountId = ACCOUNT_ID) =>
  parse(
    await h.invoke(
      getEvent({
        path: `/api/accounts/${accountId}/bank-account-connection-intents`,
        pathParameters: { accountId },
        headers: { 'X-Api-Key': OWNER_SECRET },
        query,
      }),
    ),
  );

/** `count` stored intents of the account as the index holds them, newest first. */
function indexed(count: number): ConnectionIntent[] {
  return Array.from({ length: count }, (_, index) => {
    const createdAt = new Date(Date.parse('2022-03-31T02:56:29.713Z') - index * 1_000).toISOString();
    return intent({ id: `Intent${String(index).padStart(16, '1')}`, createdAt, updatedAt: createdAt });
  });
}

const queried = () => dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
const badPageKey = {
  statusCode: 400,
  error: 'Bad Request',
  message: 'pageKey is invalid',
  requestId: 'req-123',
};

describe('list intents', () => {
  it('answers the first page of intents as GET answers them, and a key for the next', async () => {
    const intents = indexed(51);
    dynamo.on(QueryCommand).resolves({ Items: intents.map(intentItem) });

    const { statusCode, body } = await list();

    expect(statusCode).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['items', 'nextPageKey']);
    const items = body.items as Record<string, unknown>[];
    expect(items).toHaveLength(50);
    expect(items.map((item) => item.id)).toEqual(intents.slice(0, 50).map((item) => item.id));
    expect(JSON.stringify(items)).not.toMatch(/verifier|oauth|gsi1/);
    expect(body.nextPageKey).toEqual(expect.any(String));
  });

  it('answers each intent as it stands now: one past its lifetime as failed with EXPIRED', async () => {
    const [fresh, ended] = indexed(2);
    if (!fresh || !ended) throw new Error('two intents expected');
    dynamo.on(QueryCommand).resolves({
      Items: [
        intentItem({ ...fresh, expiresAt: '2022-03-31T03:56:29.713Z' }),
        intentItem({ ...ended, expiresAt: '2022-03-31T02:56:29.713Z' }),
      ],
    });

    const { body } = await list();

    const items = body.items as Record<string, unknown>[];
    expect(items.map((item) => [item.status, item.failureReason])).toEqual([
      ['created', undefined],
      ['failed', 'EXPIRED'],
    ]);
    expect(JSON.stringify(items)).not.toContain('expiresAt');
  });

  it('leaves nextPageKey out on the last page', async () => {
    dynamo.on(QueryCommand).resolves({ Items: indexed(3).map(intentItem) });

    const { body } = await list();

    expect(body).toEqual({ items: expect.any(Array) });
  });

  it('answers an empty page for an account without intents', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    expect((await list()).body).toEqual({ items: [] });
  });

  it('starts the next page after the last intent of the page before', async () => {
    const intents = indexed(51);
    dynamo.on(QueryCommand).resolves({ Items: intents.map(intentItem) });
    const first = await list();

    await list({ pageKey: [String(first.body.nextPageKey)] });

    const last = intents[49];
    expect(queried()[1]?.ExclusiveStartKey).toEqual({
      pk: `INTENT#${last?.id}`,
      sk: 'INTENT',
      gsi1pk: `ACCOUNT#${ACCOUNT_ID}`,
      gsi1sk: `INTENT#${last?.createdAt}#${last?.id}`,
    });
  });

  it.each([
    ['changed', (key: string) => `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`],
    ['cut short', (key: string) => key.slice(0, -2)],
    ['made up', () => 'eyJjcmVhdGVkQXQiOiIyMDIyIn0.not-a-mac'],
  ])('answers 400 naming pageKey for a key that was %s, querying nothing', async (_how, tamper) => {
    dynamo.on(QueryCommand).resolves({ Items: indexed(51).map(intentItem) });
    const { body: first } = await list();
    dynamo.resetHistory();

    const { statusCode, body } = await list({ pageKey: [tamper(String(first.nextPageKey))] });

    expect(statusCode).toBe(400);
    expect(body).toEqual(badPageKey);
    expect(queried()).toHaveLength(0);
  });

  it("answers 400 for a genuine key of another account's listing", async () => {
    const otherAccountsKey = await h.services.pageKeys.issue(
      { listing: 'intents', accountId: OTHER_ACCOUNT_ID, query: {} },
      { createdAt: '2022-03-31T02:56:29.713Z', id: '3KVjuKW2CZCJeJVqPxwkX7' },
    );

    const { statusCode, body } = await list({ pageKey: [otherAccountsKey] });

    expect(statusCode).toBe(400);
    expect(body).toEqual(badPageKey);
  });

  it('answers 400 for an empty pageKey', async () => {
    const { statusCode, body } = await list({ pageKey: [''] });

    expect(statusCode).toBe(400);
    expect(body.message).toBe('pageKey must not be empty');
  });

  it("forbids another account's list, before its page key is looked at", async () => {
    const { statusCode, body } = await list({ pageKey: ['anything'] }, OTHER_ACCOUNT_ID);

    expect(statusCode).toBe(403);
    expect(body).toMatchObject({ statusCode: 403, message: 'Forbidden' });
    expect(queried()).toHaveLength(0);
  });
});
