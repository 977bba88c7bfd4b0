import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StateConflictError } from '../domain/errors';
import type { BankAccountStore } from '../domain/ports';
import { type BankAccount, bankAccountSchema, type PaymentConsentLimits } from '../domain/schemas';
import { conditionally, queryAllByPrefix, type RepositoryOptions } from './repository-options';
import {
  BANK_ACCOUNT_NUMBER_SORT_PREFIX,
  bankAccountKey,
  bankAccountNumberKey,
  type TableKey,
  withoutTableAttributes,
} from './table-keys';

/** The most keys one BatchGetItem request takes. */
const BATCH_GET_LIMIT = 100;

export class BankAccountRepository implements BankAccountStore {
  constructor(private readonly options: RepositoryOptions) {}

  async get(id: string): Promise<BankAccount | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: bankAccountKey(id), ConsistentRead: true }),
    );
    return Item ? bankAccountSchema.parse(withoutTableAttributes(Item)) : undefined;
  }

  /**
   * Two single-item writes, in an order that is safe to repeat after a crash: first the number's
   * uniqueness item names the bank account id (the first writer wins), then the bank account is
   * written under the id that won, unless it is there already.
   */
  async connect(candidate: BankAccount): Promise<BankAccount> {
    const id = await this.reserveNumber(candidate);
    const bankAccount = { ...candidate, id };
    try {
      await conditionally(() =>
        this.options.client.send(
          new PutCommand({
            TableName: this.options.tableName,
            Item: { ...bankAccountKey(id), entity: 'bank-account', ...bankAccount },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return bankAccount;
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
      const existing = await this.get(id);
      if (!existing) throw error;
      return existing;
    }
  }

  /**
   * The account's bank accounts, found through their number items: a key-range query, then one
   * strongly consistent BatchGetItem for all of them (an account holds a handful; 100 keys a
   * request), not a GetItem each: one signed request instead of one per Bank Account.
   */
  async listByAccount(accountId: string): Promise<BankAccount[]> {
    const items = await queryAllByPrefix(
      this.options,
      bankAccountNumberKey(accountId, false, '').pk,
      BANK_ACCOUNT_NUMBER_SORT_PREFIX,
    );
    const ids = items.map((item) => item.bankAccountId).filter((id): id is string => typeof id === 'string');
    const accounts: BankAccount[] = [];
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      const found = await this.batchGet(ids.slice(start, start + BATCH_GET_LIMIT).map(bankAccountKey));
      accounts.push(...found.map((item) => bankAccountSchema.parse(withoutTableAttributes(item))));
    }
    // A number item whose Bank Account is not written yet belongs to a connection still under way.
    return accounts.filter((account) => account.accountId === accountId);
  }

  /** The consent's limits replace an earlier consent's; a consent without them leaves none behind. */
  async markEnduringPaymentConsent(
    id: string,
    limits: PaymentConsentLimits | undefined,
    updatedAt: string,
    updatedBy: string,
  ): Promise<void> {
    await conditionally(() =>
      this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: bankAccountKey(id),
          UpdateExpression:
            'SET #consent = :true, #updatedAt = :updatedAt, #updatedBy = :updatedBy' +
            (limits ? ', #limits = :limits' : ' REMOVE #limits'),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: {
            '#consent': 'enduringPaymentConsentAuthorized',
            '#limits': 'paymentConsent',
            '#updatedAt': 'updatedAt',
            '#updatedBy': 'updatedBy',
          },
          ExpressionAttributeValues: {
            ':true': true,
            ':updatedAt': updatedAt,
            ':updatedBy': updatedBy,
            ...(limits ? { ':limits': limits } : {}),
          },
        }),
      ),
    );
  }

  /** Every item of `keys` that exists, asking again for the keys DynamoDB left unprocessed. */
  private async batchGet(keys: TableKey[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = keys as unknown as Record<string, unknown>[];
    while (pending.length > 0) {
      const { Responses, UnprocessedKeys } = await this.options.client.send(
        new BatchGetCommand({
          RequestItems: { [this.options.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      found.push(...(Responses?.[this.options.tableName] ?? []));
      pending = UnprocessedKeys?.[this.options.tableName]?.Keys ?? [];
    }
    return found;
  }

  private async reserveNumber(candidate: BankAccount): Promise<string> {
    const key = bankAccountNumberKey(candidate.accountId, candidate.test === true, candidate.accountNumber);
    try {
      await conditionally(() =>
        this.options.client.send(
          new PutCommand({
            TableName: this.options.tableName,
            Item: {
              ...key,
              entity: 'bank-account-number',
              bankAccountId: candidate.id,
              createdAt: candidate.createdAt,
              createdBy: candidate.createdBy,
              updatedAt: candidate.updatedAt,
              updatedBy: candidate.updatedBy,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return candidate.id;
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
      const { Item } = await this.options.client.send(
        new GetCommand({ TableName: this.options.tableName, Key: key, ConsistentRead: true }),
      );
      const existingId: unknown = Item?.bankAccountId;
      if (typeof existingId !== 'string') throw error;
      return existingId;
    }
  }
}
