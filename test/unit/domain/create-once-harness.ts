import {
  type CreateOnceDependencies,
  createIntentOnce,
} from '../../../functions/shared/domain/create-intent-once';
import { ApiError } from '../../../functions/shared/domain/errors';
import type { IdempotencyRecord } from '../../../functions/shared/domain/idempotency';
import type { Principal } from '../../../functions/shared/domain/principal';
import type {
  ConnectionIntent,
  CreateIntentBody,
  IntentResponse,
} from '../../../functions/shared/domain/schemas';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import { ACCOUNT_ID, OWNER_CRN } from '../../support/fixtures';
import {
  InMemoryIdempotencyRecords,
  InMemoryIdempotencyStore,
} from '../../support/in-memory-idempotency-store';
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

export const KEY = 'order-2026-0042';

/** The seed's example body with an idempotency key. */
export const keyedBody = (overrides: Partial<CreateIntentBody> = {}): CreateIntentBody => ({
  accountId: ACCOUNT_ID,
  type: 'quartz-accounts',
  test: true,
  idempotencyKey: KEY,
  ...overrides,
});

/** The time an invocation has when create starts: the function timeout less the answer margin. */
export const FULL_BUDGET_MS = TIME_BUDGET.functionTimeoutMs - TIME_BUDGET.answerMarginMs;

/** The default lifetime of an intent: an hour. */
export const INTENT_LIFETIME_MS = 3_600_000;

/**
 * How a call ended, as its client sees it: the answer of a 200, the status and wire message of an
 * API error (with its Retry-After), or `crashed` when the process died and nobody answered.
 */
export type Outcome =
  | { status: 200; body: IntentResponse }
  | { status: number; message: string; retryAfter?: number }
  | 'crashed';

export interface CallOptions extends InvocationOptions {
  principal?: Principal;
  /** What is left of the invocation's time when create starts. */
  remainingMs?: number;
  /** Changes the ports of this one call (a failing store, a bank that is down). */
  adapt?: (deps: CreateOnceDependencies) => CreateOnceDependencies;
}

export interface Call {
  invocation: Invocation;
  outcome: Promise<Outcome>;
}

/**
 * The table (intents, Bank Accounts, idempotency records) and the bank, on in-memory ports and a
 * virtual clock; each create runs as its own invocation, which can crash or be held at a step.
 */
export class CreateScenario {
  readonly clock = new VirtualClock();
  readonly table = new InMemoryTable();
  readonly records = new InMemoryIdempotencyRecords();
  readonly bank = new ScriptedBank();

  /** Starts a create; its outcome settles as the clock and the scenario let it. */
  call(body: CreateIntentBody, options: CallOptions = {}): Call {
    const invocation = new Invocation(options);
    const deps: CreateOnceDependencies = {
      intents: new InMemoryIntentStore(this.table, invocation),
      bankAccounts: new InMemoryBankAccountStore(this.table, invocation),
      provider: this.bank.provider(invocation),
      idempotency: new InMemoryIdempotencyStore(this.records, invocation),
      clock: this.clock,
      sleep: this.clock.sleep,
      intentLifetimeMs: INTENT_LIFETIME_MS,
    };
    const deadline = this.clock.deadlineIn(options.remainingMs ?? FULL_BUDGET_MS);
    const outcome = outcomeOf(
      createIntentOnce(
        options.adapt ? options.adapt(deps) : deps,
        options.principal ?? OWNER,
        structuredClone(body),
        deadline,
        TIME_BUDGET,
      ),
    );
    return { invocation, outcome };
  }

  /** Runs one create to its outcome, moving the virtual clock whenever it waits. */
  create(body: CreateIntentBody, options: CallOptions = {}): Promise<Outcome> {
    return this.clock.run(this.call(body, options).outcome);
  }

  /** Lets the claim of a create that died run out, so that the next call may take over. */
  outliveLease(): Promise<void> {
    return this.clock.advance(TIME_BUDGET.idempotencyLeaseMs);
  }

  get intents(): ConnectionIntent[] {
    return [...this.table.intents.keys()].flatMap((id) => this.table.intent(id) ?? []);
  }

  record(key = KEY, accountId = ACCOUNT_ID): IdempotencyRecord | undefined {
    return this.records.get(accountId, key);
  }
}

export async function outcomeOf(work: Promise<IntentResponse>): Promise<Outcome> {
  try {
    return { status: 200, body: await work };
  } catch (error) {
    if (error instanceof SimulatedCrash) return 'crashed';
    if (error instanceof ApiError) {
      return {
        status: error.statusCode,
        message: error.message,
        ...(error.retryAfterSeconds !== undefined ? { retryAfter: error.retryAfterSeconds } : {}),
      };
    }
    throw error;
  }
}

/** The intent a 200 answered; fails the test for any other outcome. */
export function answered(outcome: Outcome): IntentResponse {
  if (outcome === 'crashed' || outcome.status !== 200 || !('body' in outcome)) {
    throw new Error(`expected a 200, got ${JSON.stringify(outcome)}`);
  }
  return outcome.body;
}

export const IN_PROGRESS = { status: 503, message: 'IDEMPOTENT_REQUEST_IN_PROGRESS', retryAfter: 1 };
export const OTHER_REQUEST = {
  status: 400,
  message: 'idempotencyKey was already used with another request',
};
