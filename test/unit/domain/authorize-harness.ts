import { authorizeIntent } from '../../../functions/shared/domain/authorize-intent';
import { ApiError } from '../../../functions/shared/domain/errors';
import { codeHash } from '../../../functions/shared/domain/hashing';
import type { IntentDependencies } from '../../../functions/shared/domain/ports';
import type { Principal } from '../../../functions/shared/domain/principal';
import type {
  AuthorizeIntentBody,
  BankAccount,
  ConnectionIntent,
  ProviderAccount,
} from '../../../functions/shared/domain/schemas';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import { ACCOUNT_ID, intent as intentFixture, OWNER_CRN } from '../../support/fixtures';
import {
  InMemoryBankAccountStore,
  InMemoryIntentStore,
  InMemoryTable,
  Invocation,
  type InvocationOptions,
  ScriptedBank,
  SimulatedCrash,
  VirtualClock,
} from '../../support/in-memory-ports';

export const OWNER: Principal = {
  accountId: ACCOUNT_ID,
  keyName: 'MyApiKey',
  role: 'account-owner',
  crn: OWNER_CRN,
};

export const EVERYDAY: ProviderAccount = {
  id: 'qa-1',
  accountNumber: '12-3456-7890123-00',
  accountName: 'Everyday',
};
export const SAVINGS: ProviderAccount = {
  id: 'qa-2',
  accountNumber: '12-3456-7890123-01',
  accountName: 'Savings',
};
export const BUSINESS: ProviderAccount = {
  id: 'qa-3',
  accountNumber: '12-3456-7890123-02',
  accountName: 'Business',
};

/** The time an invocation has when authorize starts: the function timeout less the answer margin. */
export const FULL_BUDGET_MS = TIME_BUDGET.functionTimeoutMs - TIME_BUDGET.answerMarginMs;

/**
 * How a call ended, as its client sees it: `ok` for `200 {}`, the error's wire `message` for an API
 * error (e.g. `AUTHORIZATION_IN_PROGRESS`), `crashed` when the process died and nobody answered.
 */
export type Answer = string;

export const RETRYABLE_ANSWERS = new Set([
  'AUTHORIZATION_IN_PROGRESS',
  'SERVICE_TIMEOUT',
  'CONCURRENT_UPDATE',
]);

export interface CallOptions extends InvocationOptions {
  /** What is left of the invocation's time when authorize starts. */
  remainingMs?: number;
  /** Replaces the clock's sleep (fast-check's scheduler decides when a sleep ends). */
  sleep?: (ms: number) => Promise<void>;
}

export interface Call {
  invocation: Invocation;
  answer: Promise<Answer>;
  /** What the call threw, as thrown (undefined when it answered 200). */
  error: Promise<unknown>;
}

/**
 * One intent, its account's Bank Accounts and the bank, on in-memory ports and a virtual clock; each
 * call of authorize runs as its own invocation, which can crash or be held at a step.
 */
export class AuthorizeScenario {
  readonly clock = new VirtualClock();
  readonly table = new InMemoryTable();
  readonly bank = new ScriptedBank();
  private target: string;

  constructor(intent: ConnectionIntent = intentFixture()) {
    this.target = intent.id;
    this.table.intents.set(intent.id, structuredClone(intent));
    // The token request's budget is an AbortSignal.timeout inside the domain: run it on this clock.
    jest.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => this.clock.timeoutSignal(ms));
  }

  /** The intent authorize is called for. */
  get intentId(): string {
    return this.target;
  }

  /** Calls authorize for another intent from now on: one the scenario's own create made. */
  authorizing(intentId: string): this {
    this.target = intentId;
    return this;
  }

  /** Starts authorize with `code`; the answer settles as the clock and the scenario let it. */
  call(code: string, options: CallOptions = {}): Call {
    return this.callWith({ code }, options);
  }

  /** Starts authorize with any body (a poll has no code; `state` and `iss` may come with one). */
  callWith(body: AuthorizeIntentBody, options: CallOptions = {}): Call {
    const invocation = new Invocation(options);
    const deps: IntentDependencies = {
      intents: new InMemoryIntentStore(this.table, invocation),
      bankAccounts: new InMemoryBankAccountStore(this.table, invocation),
      provider: this.bank.provider(invocation),
      clock: this.clock,
      sleep: options.sleep ?? this.clock.sleep,
    };
    const deadline = this.clock.deadlineIn(options.remainingMs ?? FULL_BUDGET_MS);
    const work = authorizeIntent(deps, OWNER, this.intentId, body, deadline, TIME_BUDGET);
    const answer = answerOf(work);
    const error = work.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    return { invocation, answer, error };
  }

  /** Runs one call to its answer, moving the virtual clock whenever the call waits. */
  authorize(code: string, options: CallOptions = {}): Promise<Answer> {
    return this.clock.run(this.call(code, options).answer);
  }

  /** Lets the claim of a call that died run out, so that the next call may take over. */
  outliveLease(): Promise<void> {
    return this.clock.advance(TIME_BUDGET.claimLeaseMs);
  }

  get intent(): ConnectionIntent {
    const stored = this.table.intent(this.intentId);
    if (!stored) throw new Error('the intent is gone');
    return stored;
  }

  get bankAccounts(): BankAccount[] {
    return this.table.bankAccountsOf(ACCOUNT_ID);
  }

  /** The account numbers of the account's Bank Accounts, sorted, duplicates kept. */
  get bankAccountNumbers(): string[] {
    return this.bankAccounts.map((bankAccount) => bankAccount.accountNumber).sort();
  }
}

export async function answerOf(work: Promise<void>): Promise<Answer> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    if (error instanceof SimulatedCrash) return 'crashed';
    if (error instanceof ApiError) return error.message;
    throw error;
  }
}

export const numbersOf = (accounts: ProviderAccount[]): string[] =>
  accounts.map((account) => account.accountNumber).sort();

export const hashOf = codeHash;
