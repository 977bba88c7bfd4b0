import { randomBytes } from 'node:crypto';
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../../functions/shared/domain/clock';
import { sha256Hex } from '../../functions/shared/domain/hashing';
import { newId } from '../../functions/shared/domain/ids';
import { issueApiKey } from '../../functions/shared/domain/manage-api-keys';
import { ApiKeyRepository } from '../../functions/shared/repository/api-key-repository';
import { BankAccountRepository } from '../../functions/shared/repository/bank-account-repository';
import type { RepositoryOptions } from '../../functions/shared/repository/repository-options';
import { KEY_PREFIXES } from '../../functions/shared/repository/table-keys';
import { createDocumentClient } from '../../functions/shared/services';
import type { World, WorldAccount } from './hostile-requests';
import type { LocalStackSummary } from './local-stack-process';
import { documentedAnswer } from './service-client';

/**
 * Accounts beyond the stack's demo account. Each account has 200 requests a minute per operation,
 * and a run sends a few hundred per operation: spread over four callers no budget runs out, so a
 * 429 is never the answer a request gets in place of its own.
 */
const EXTRA_ACCOUNTS = 3;

const CREATED_BY = 'crn::system:hostile-input-suite';

/**
 * The world of the HTTP suite, made in a running local stack: the demo account and three more,
 * each with an account-owner key, an intent created through the API and two Bank Accounts (live
 * and test) written to the table, plus a merchant-terminal key and a disabled key.
 */
export async function hostileWorld(stack: LocalStackSummary): Promise<World> {
  const table = tableOf(stack);
  const apiKeys = new ApiKeyRepository(table);
  const bankAccounts = new BankAccountRepository(table);
  const issue = async (accountId: string, role: 'account-owner' | 'merchant-terminal') =>
    (
      await issueApiKey(
        { apiKeys, clock: systemClock },
        { accountId, name: `${role}-${newId(6)}`, role, createdBy: CREATED_BY },
      )
    ).secret;

  const owners = [
    { accountId: stack.accountId, ownerKey: stack.apiKey },
    ...(await Promise.all(
      Array.from({ length: EXTRA_ACCOUNTS }, async () => {
        const accountId = newId();
        return { accountId, ownerKey: await issue(accountId, 'account-owner') };
      }),
    )),
  ];
  const accounts: WorldAccount[] = [];
  for (const [index, owner] of owners.entries()) {
    const now = new Date().toISOString();
    const bankAccountIds = { live: newId(), test: newId() };
    for (const test of [false, true]) {
      await bankAccounts.connect({
        id: test ? bankAccountIds.test : bankAccountIds.live,
        accountId: owner.accountId,
        type: 'quartz',
        name: 'Everyday',
        accountNumber: `12-3456-7890123-${String(index).padStart(2, '0')}`,
        ...(test ? { test: true } : {}),
        createdAt: now,
        createdBy: CREATED_BY,
        updatedAt: now,
        updatedBy: CREATED_BY,
      });
    }
    accounts.push({ ...owner, intentId: await createIntent(stack, owner), bankAccountIds });
  }

  const disabledKey = randomBytes(32).toString('base64url');
  await apiKeys.create({
    accountId: stack.accountId,
    name: `disabled-${newId(6)}`,
    role: 'account-owner',
    enabled: false,
    secretHash: sha256Hex(disabledKey),
    createdAt: new Date().toISOString(),
    createdBy: CREATED_BY,
  });
  return { accounts, terminalKey: await issue(stack.accountId, 'merchant-terminal'), disabledKey };
}

async function createIntent(
  stack: LocalStackSummary,
  owner: { accountId: string; ownerKey: string },
): Promise<string> {
  const url = `${stack.apiUrl}/api/bank-account-connection-intents`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': owner.ownerKey },
    body: JSON.stringify({ accountId: owner.accountId, type: 'quartz-accounts', test: true }),
  });
  const { status, body } = await documentedAnswer<{ id?: string }>('POST', url, response);
  if (status !== 200 || !body.id) throw new Error(`creating an intent answered ${status}`);
  return body.id;
}

const tableOf = (stack: LocalStackSummary): RepositoryOptions => ({
  client: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint }),
  tableName: stack.tableName,
});

/**
 * Reads every item of the table but the rate-limit counters (every authenticated owner request
 * writes its counter, valid or not), keyed by `pk|sk`, as JSON: two snapshots differ where a
 * request wrote.
 */
export function tableSnapshots(stack: LocalStackSummary): () => Promise<Map<string, string>> {
  const { client, tableName } = tableOf(stack);
  return async () => {
    const items = new Map<string, string>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page: ScanCommandOutput = await client.send(
        new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) {
        if (String(item.pk).startsWith(KEY_PREFIXES.rateLimit)) continue;
        items.set(`${String(item.pk)}|${String(item.sk)}`, JSON.stringify(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  };
}

/** The keys of the items added, changed or removed between two snapshots. */
export function changedItems(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => before.get(key) !== after.get(key));
}
