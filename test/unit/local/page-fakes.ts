import type { BankAccountView } from '../../../functions/shared/domain/bank-account-view';
import { newId } from '../../../functions/shared/domain/ids';
import type { IntentView } from '../../../functions/shared/domain/intent-view';
import type { ApiReply, CallbackApi } from '../../../local/page-api';

export const ACCOUNT_ID = 'uooxSens6ykJaim1Cu1Q55';
const CRN = `crn:${ACCOUNT_ID}:api-key:demo`;

export function intentView(fields: Partial<IntentView> = {}): IntentView {
  return {
    id: newId(),
    accountId: ACCOUNT_ID,
    type: 'quartz-accounts',
    status: 'authorized',
    createdAt: '2026-11-25T10:00:00.000Z',
    createdBy: CRN,
    updatedAt: '2026-11-25T10:01:00.000Z',
    updatedBy: CRN,
    authorizationUrl: 'http://127.0.0.1:1/auth?x=1',
    test: true,
    ...fields,
  };
}

export function bankAccountView(fields: Partial<BankAccountView> = {}): BankAccountView {
  return {
    id: newId(),
    accountId: ACCOUNT_ID,
    type: 'quartz',
    bankAccountNumber: '12-3456-7890123-00',
    bankAccountName: 'Everyday',
    test: true,
    createdAt: '2026-11-25T10:00:30.000Z',
    createdBy: CRN,
    modifiedAt: '2026-11-25T10:00:30.000Z',
    modifiedBy: CRN,
    ...fields,
  };
}

export const reply = (status: ApiReply['status'], body?: unknown, retryAfterSeconds?: number): ApiReply => ({
  status,
  body,
  retryAfterSeconds,
});

export const errorReply = (status: number, message: string, retryAfterSeconds?: number): ApiReply =>
  reply(status, { statusCode: status, error: 'Error', message, requestId: 'r-1' }, retryAfterSeconds);

/**
 * The API as the callback page sees it, scripted: authorize answers from a queue, reads from the
 * intents and Bank Accounts it holds (a 403 for any other id, as the API answers).
 */
export class FakeApi implements CallbackApi {
  readonly intents = new Map<string, IntentView>();
  readonly bankAccounts = new Map<string, BankAccountView>();
  readonly authorizeCalls: { intentId: string; body: unknown }[] = [];
  readonly bankAccountReads: string[] = [];
  authorizeReplies: ApiReply[] = [];
  /** What authorize does to the stored intent when it answers 200 (as the service would). */
  onAuthorized: ((intentId: string) => void) | undefined;

  async authorize(intentId: string, body: unknown): Promise<ApiReply> {
    this.authorizeCalls.push({ intentId, body });
    const next = this.authorizeReplies.shift() ?? reply(200, {});
    if (next.status === 200) this.onAuthorized?.(intentId);
    return next;
  }

  async getIntent(intentId: string): Promise<ApiReply> {
    const intent = this.intents.get(intentId);
    return intent ? reply(200, intent) : errorReply(403, 'Forbidden');
  }

  async getBankAccount(bankAccountId: string): Promise<ApiReply> {
    this.bankAccountReads.push(bankAccountId);
    const bankAccount = this.bankAccounts.get(bankAccountId);
    return bankAccount ? reply(200, bankAccount) : errorReply(403, 'Forbidden');
  }

  hold(...items: (IntentView | BankAccountView)[]): void {
    for (const item of items) {
      if ('bankAccountNumber' in item) this.bankAccounts.set(item.id, item);
      else this.intents.set(item.id, item);
    }
  }
}
