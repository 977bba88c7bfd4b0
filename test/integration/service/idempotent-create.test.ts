import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  type IdempotencyClaim,
  requestFingerprint,
  retainedUntil,
} from '../../../functions/shared/domain/idempotency';
import { newId } from '../../../functions/shared/domain/ids';
import { IdempotencyRepository } from '../../../functions/shared/repository/idempotency-repository';
import { KEY_PREFIXES } from '../../../functions/shared/repository/table-keys';
import { createDocumentClient } from '../../../functions/shared/services';
import type { ApiAnswer } from '../../support/service-client';
import { useLocalStack } from '../../support/use-local-stack';

// The whole service on this machine over real HTTP: the local API in front of the bundled create
// handler, the table engine and the sandbox banks. The engine decides every conditional write.
const local = useLocalStack();

/** A new key per test: the stack's table lives for the whole file. */
const freshKey = () => `it-${newId(10)}`;

/** Every item on the table whose partition key starts with `prefix`, read past the API. */
async function itemsWithPrefix(prefix: string): Promise<Record<string, unknown>[]> {
  const client = createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: local.stack.dynamoEndpoint });
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: local.stack.tableName,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': prefix },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

// An intent item's id is in its key (the item holds no copy of it).
const intentIds = async () =>
  (await itemsWithPrefix(KEY_PREFIXES.intent)).map((item) =>
    String(item.pk).slice(KEY_PREFIXES.intent.length),
  );

const isInProgress = (answer: ApiAnswer) =>
  answer.status === 503 &&
  answer.body.message === 'IDEMPOTENT_REQUEST_IN_PROGRESS' &&
  Number(answer.headers.get('retry-after')) > 0;

describe('idempotent create against the real table', () => {
  it('50 concurrent creates with one key leave one intent; each answers it or a retryable 503', async () => {
    const body = {
      accountId: local.stack.accountId,
      type: 'quartz-accounts',
      test: true,
      idempotencyKey: freshKey(),
    };
    const before = new Set(await intentIds());

    const answers = await Promise.all(Array.from({ length: 50 }, () => local.api.createIntent(body)));

    const created = (await intentIds()).filter((id) => !before.has(id));
    expect(created).toHaveLength(1);
    const [intentId] = created;
    const successes = answers.filter((answer) => answer.status === 200);
    expect(successes.length).toBeGreaterThanOrEqual(1);
    for (const success of successes) expect(success.body).toEqual(successes[0]?.body);
    expect(successes[0]?.body).toMatchObject({ id: intentId, status: 'created', test: true });
    expect(successes[0]?.body).not.toHaveProperty('idempotencyKey');
    const others = answers.filter((answer) => answer.status !== 200);
    expect(others.filter((answer) => !isInProgress(answer))).toEqual([]);

    const later = await local.api.createIntent(body);

    expect(later.status).toBe(200);
    expect(later.body).toEqual(successes[0]?.body);
    expect((await intentIds()).filter((id) => !before.has(id))).toEqual([intentId]);
    const records = (await itemsWithPrefix(KEY_PREFIXES.idempotency)).filter(
      (item) => item.key === body.idempotencyKey,
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'done', intentId, response: later.body });
    const nowSeconds = Math.floor(Date.now() / 1_000);
    expect(records[0]?.ttl).toBeGreaterThan(nowSeconds + 86_400 - 600);
    expect(records[0]?.ttl).toBeLessThanOrEqual(nowSeconds + 86_400);
  }, 120_000);

  it('answers 400 naming idempotencyKey for the same key with another request, creating nothing', async () => {
    const key = freshKey();
    const first = await local.api.createIntent({
      accountId: local.stack.accountId,
      type: 'quartz-accounts',
      test: true,
      idempotencyKey: key,
    });
    expect(first.status).toBe(200);
    const before = await intentIds();

    const other = await local.api.createIntent({
      accountId: local.stack.accountId,
      type: 'quartz-accounts',
      idempotencyKey: key,
    });

    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: 'idempotencyKey was already used with another request',
    });
    expect((await intentIds()).sort()).toEqual(before.sort());
  }, 60_000);

  it('finishes with the intent a crashed create wrote, once its lease has run out', async () => {
    // What a create leaves when its process dies after writing the intent: the key's record still
    // in progress, bound to that intent, its claim run out. The intent itself comes from a create.
    const request = { accountId: local.stack.accountId, type: 'quartz-accounts', test: true };
    const written = await local.api.createIntent(request);
    expect(written.status).toBe(200);
    const key = freshKey();
    const records = new IdempotencyRepository({
      client: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: local.stack.dynamoEndpoint }),
      tableName: local.stack.tableName,
    });
    const now = Date.now();
    const expiredClaim: IdempotencyClaim = { id: newId(), expiresAt: now - 1 };
    await records.claimNew(
      {
        accountId: local.stack.accountId,
        key,
        requestHash: requestFingerprint(request),
        status: 'in-progress',
        intentId: String(written.body.id),
        claim: expiredClaim,
        createdAt: new Date(now).toISOString(),
        retainedUntil: retainedUntil(now),
      },
      now,
    );
    const before = await intentIds();

    const retry = await local.api.createIntent({ ...request, idempotencyKey: key });

    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(written.body);
    expect((await intentIds()).sort()).toEqual(before.sort());
    expect(await records.get(local.stack.accountId, key)).toMatchObject({
      status: 'done',
      response: written.body,
    });
  }, 60_000);
});
