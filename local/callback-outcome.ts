import { type BankAccountView, bankAccountViewSchema } from '../functions/shared/domain/bank-account-view';
import type { FailureReason } from '../functions/shared/domain/failure-reason';
import { type IntentView, intentViewSchema } from '../functions/shared/domain/intent-view';
import type { AuthorizationResponse } from './authorize-body';
import type { RetryCause } from './outcome-words';
import { type ApiReply, errorCodeOf } from './page-api';

/** A Bank Account the intent connected; `bankAccount` is undefined when it could not be read. */
export interface ConnectedAccount {
  id: string;
  bankAccount: BankAccountView | undefined;
  /** The account held it before this intent was created: connecting it again changed nothing. */
  heldBefore: boolean;
}

/** What the callback page tells, each kind in its own words (callback-outcome-page.ts). */
export type Outcome =
  | { kind: 'connected'; intent: IntentView; accounts: ConnectedAccount[]; alreadyFinished: boolean }
  | {
      kind: 'payment-consent';
      intent: IntentView;
      /** The Bank Account the consent is for; undefined when it could not be read. */
      bankAccount: BankAccountView | undefined;
      alreadyFinished: boolean;
    }
  | { kind: 'failed'; intent: IntentView; reason: FailureReason; alreadyFinished: boolean }
  /** The intent is still waiting for the bank's answer (seen only when another request raced this one). */
  | { kind: 'not-finished'; intent: IntentView }
  /** The bank redirected with `?error=` instead of a code. */
  | { kind: 'bank-error'; error: string; description: string | undefined }
  /**
   * A retry with the same code may succeed, once `retryAfterSeconds` have passed (counted from now,
   * or up to `notBeforeMs` when an earlier answer already fixed the moment).
   */
  | {
      kind: 'retry';
      cause: RetryCause;
      retryAfterSeconds: number;
      notBeforeMs?: number;
      returned: AuthorizationResponse;
    }
  /** An answer retrying cannot change. */
  | { kind: 'refused'; status: number | 'no-answer'; code: string | undefined }
  /** Authorize answered, but the intent could not be read to say what happened. */
  | {
      kind: 'unread';
      after: 'authorized' | 'failed' | 'finished';
      status: number | 'no-answer';
      returned: AuthorizationResponse | undefined;
    }
  /** The bank's answer does not belong to an intent this page can finish. */
  | { kind: 'unexpected-state'; state: string; problem: 'no-pending-intent' | 'no-code' };

/** The API reads an outcome needs (PageApi has them). */
export interface OutcomeReads {
  getIntent(intentId: string): Promise<ApiReply>;
  getBankAccount(bankAccountId: string): Promise<ApiReply>;
}

/**
 * What an answer of authorize means for the person at the callback page. Anything that finished
 * the intent (200, AUTHORIZATION_FAILED, ALREADY_AUTHORIZED) is told from the intent as GET
 * answers it; a retryable answer keeps the code for a retry after its `Retry-After`.
 */
export async function authorizeOutcome(
  reads: OutcomeReads,
  intentId: string,
  reply: ApiReply,
  returned: AuthorizationResponse,
): Promise<Outcome> {
  const code = errorCodeOf(reply);
  if (reply.status === 200) return finishedOutcome(reads, intentId, { after: 'authorized', returned });
  if (reply.status === 403 && code === 'AUTHORIZATION_FAILED') {
    return finishedOutcome(reads, intentId, { after: 'failed', returned });
  }
  if (reply.status === 403 && code === 'ALREADY_AUTHORIZED') {
    return finishedOutcome(reads, intentId, { after: 'finished', returned });
  }
  const cause = retryCauseOf(reply.status, code);
  if (cause) {
    // No advice means no wait: the contract makes every 5xx safe to retry.
    return { kind: 'retry', cause, retryAfterSeconds: reply.retryAfterSeconds ?? 0, returned };
  }
  return { kind: 'refused', status: reply.status, code };
}

/** The answers a retry with the same code may change, and why (see RETRY_WORDS). */
function retryCauseOf(status: number | 'no-answer', code: string | undefined): RetryCause | undefined {
  if (status === 'no-answer') return 'service-unavailable';
  if (status === 429) return 'rate-limited';
  if (status < 500) return undefined;
  if (code === 'PROVIDER_UNAVAILABLE') return 'bank-unavailable';
  if (code === 'PROVIDER_TIMEOUT' || code === 'PROVIDER_ERROR') return 'bank-no-answer';
  if (code === 'AUTHORIZATION_IN_PROGRESS') return 'in-progress';
  return 'service-unavailable';
}

export interface FinishedContext {
  /**
   * What the page knows before reading: authorize said it authorized or failed the intent, or the
   * intent was already finished (ALREADY_AUTHORIZED, or a revisit of the callback).
   */
  after: 'authorized' | 'failed' | 'finished';
  returned: AuthorizationResponse | undefined;
}

/**
 * The outcome of an intent that authorize has finished, read as a client would: the intent, then
 * only the Bank Accounts it names (`bankAccountIds`, or a payment intent's `bankAccountId`), never
 * the account's others.
 */
export async function finishedOutcome(
  reads: OutcomeReads,
  intentId: string,
  context: FinishedContext,
): Promise<Outcome> {
  const reply = await reads.getIntent(intentId);
  const parsed = reply.status === 200 ? intentViewSchema.safeParse(reply.body) : undefined;
  if (!parsed?.success) {
    return { kind: 'unread', after: context.after, status: reply.status, returned: context.returned };
  }
  const intent = parsed.data;
  const alreadyFinished = context.after === 'finished';
  if (intent.status === 'failed') {
    return { kind: 'failed', intent, reason: intent.failureReason ?? 'PROVIDER_REJECTED', alreadyFinished };
  }
  if (intent.status !== 'authorized') return { kind: 'not-finished', intent };
  // The contract echoes `bankAccountId` on payment intents only, whatever the type is called.
  if (intent.bankAccountId !== undefined) {
    const bankAccount = await readBankAccount(reads, intent.bankAccountId);
    return { kind: 'payment-consent', intent, bankAccount, alreadyFinished };
  }
  const accounts = await Promise.all(
    (intent.bankAccountIds ?? []).map(async (id): Promise<ConnectedAccount> => {
      const bankAccount = await readBankAccount(reads, id);
      return { id, bankAccount, heldBefore: bankAccount ? bankAccount.createdAt < intent.createdAt : false };
    }),
  );
  return { kind: 'connected', intent, accounts, alreadyFinished };
}

async function readBankAccount(reads: OutcomeReads, id: string): Promise<BankAccountView | undefined> {
  const reply = await reads.getBankAccount(id);
  if (reply.status !== 200) return undefined;
  const parsed = bankAccountViewSchema.safeParse(reply.body);
  return parsed.success ? parsed.data : undefined;
}
