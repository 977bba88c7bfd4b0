import type { Clock } from '../../functions/shared/domain/clock';
import { type Deadline, deadlineAt } from '../../functions/shared/domain/deadline';
import {
  DeadlineExceededError,
  ProviderRejectedError,
  StateConflictError,
} from '../../functions/shared/domain/errors';
import type {
  AuthorizationRequest,
  BankAccountStore,
  DecoupledAuthorizationRequest,
  DecoupledAuthorizationStarted,
  DecoupledPollOutcome,
  DecoupledPollRequest,
  ExpiryStore,
  IntentOutcome,
  IntentStore,
  OpenBankingProvider,
  RedeemRequest,
} from '../../functions/shared/domain/ports';
import {
  type Backchannel,
  type BankAccount,
  bankAccountSchema,
  type ConnectionIntent,
  connectionIntentSchema,
  type IntentClaim,
  type IntentGrant,
  type PaymentConsentLimits,
  type ProviderAccount,
} from '../../functions/shared/domain/schemas';

/*
 * In-memory fakes of the domain's ports, for testing the authorize state machine without the AWS
 * SDK. The stores honour exactly the conditions of the DynamoDB repositories
 * (functions/shared/repository) and fail them with the same StateConflictError; the repository
 * tests are where the ConditionExpression strings themselves are asserted.
 */

// ---- time ----------------------------------------------------------------------------------------

interface Timer {
  at: number;
  order: number;
  fire: () => void;
}

/** Lets every promise chain that can run without time passing run to its end (nothing here does I/O). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Time for tests: it moves only when a test moves it. Sleeps, timeouts and deadlines are timers on
 * it, fired in order as it moves, so no result depends on how fast the machine is. Jest's fake timers
 * would not do: they replace the whole process's time (fast-check runs many scenarios in one test)
 * and leave `AbortSignal.timeout` on real time.
 */
export class VirtualClock implements Clock {
  private nowMs: number;
  private timers: Timer[] = [];
  private order = 0;

  constructor(start = Date.parse('2026-01-05T09:00:00.000Z')) {
    this.nowMs = start;
  }

  now = (): Date => new Date(this.nowMs);

  get epochMs(): number {
    return this.nowMs;
  }

  /** Resolves once the clock has moved `ms` forward. */
  sleep = (ms: number): Promise<void> => new Promise((resolve) => this.after(ms, resolve));

  /** What `AbortSignal.timeout(ms)` gives, on this clock. */
  timeoutSignal(ms: number): AbortSignal {
    const controller = new AbortController();
    this.after(ms, () =>
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    );
    return controller.signal;
  }

  /** An invocation's deadline `ms` from now; its signal aborts when it is due, as the time-budget wrapper's does. */
  deadlineIn(ms: number): Deadline {
    const controller = new AbortController();
    this.after(ms, () => controller.abort(new DeadlineExceededError()));
    return deadlineAt(this.nowMs + ms, controller.signal, this);
  }

  /** Moves time forward `ms`, firing due timers in order and letting the work each wakes run before the next. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    await flush();
    for (let next = this.nextTimer(); next && next.at <= target; next = this.nextTimer()) {
      this.fire(next);
      await flush();
    }
    this.nowMs = target;
  }

  /**
   * Moves time to `at` (never back), firing due timers without waiting for the work they wake: for
   * code that must stay inside the microtask queue, such as fast-check's scheduler.
   */
  jumpTo(at: number): void {
    for (let next = this.nextTimer(); next && next.at <= at; next = this.nextTimer()) this.fire(next);
    this.nowMs = Math.max(this.nowMs, at);
  }

  /**
   * Runs until `work` settles, moving time to the next timer whenever nothing else can run: a
   * discrete-event simulation, so a sleep of 5 s costs no real time.
   */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const tracked = work.finally(() => {
      settled = true;
    });
    tracked.catch(() => undefined);
    for (;;) {
      await flush();
      if (settled) return tracked;
      const next = this.nextTimer();
      if (!next) throw new Error('the work waits for something no timer brings (a gate never opened?)');
      this.fire(next);
    }
  }

  private after(ms: number, fire: () => void): void {
    this.timers.push({ at: this.nowMs + Math.max(0, ms), order: this.order++, fire });
  }

  private nextTimer(): Timer | undefined {
    return this.timers.reduce<Timer | undefined>(
      (earliest, timer) =>
        !earliest || timer.at < earliest.at || (timer.at === earliest.at && timer.order < earliest.order)
          ? timer
          : earliest,
      undefined,
    );
  }

  private fire(timer: Timer): void {
    this.timers = this.timers.filter((other) => other !== timer);
    this.nowMs = Math.max(this.nowMs, timer.at);
    timer.fire();
  }
}

/** A point where a test holds a call until it opens it; `reached` tells that the call got there. */
export class Gate {
  private opened = false;
  private release: () => void = () => undefined;
  private arrive: () => void = () => undefined;
  private readonly openPromise = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  readonly reached = new Promise<void>((resolve) => {
    this.arrive = resolve;
  });

  /** Called by the held code: waits until the test opens the gate. */
  pass(): Promise<void> {
    this.arrive();
    return this.opened ? Promise.resolve() : this.openPromise;
  }

  open(): void {
    this.opened = true;
    this.release();
  }
}

// ---- invocations and crashes ---------------------------------------------------------------------

/** A change one invocation makes outside itself: a store write or a code sent to the bank. */
export type Effect =
  | 'intent.create'
  | 'intent.claim'
  | 'intent.saveGrant'
  | 'intent.releaseClaim'
  | 'intent.deferPoll'
  | 'intent.finish'
  | 'intent.expire'
  | 'bankAccount.reserveNumber'
  | 'bankAccount.put'
  | 'bankAccount.markConsent'
  | 'bank.redeem'
  | 'bank.poll'
  | 'bank.startDecoupled'
  | 'idempotency.claimNew'
  | 'idempotency.takeOver'
  | 'idempotency.complete'
  | 'idempotency.releaseClaim'
  | 'idempotency.releaseKey';

/** Everything an invocation does through its ports: its effects and its reads. */
export type Step =
  | Effect
  | 'intent.get'
  | 'bankAccount.get'
  | 'bankAccount.getNumber'
  | 'bank.accounts'
  | 'idempotency.get';

/**
 * The process dies at the invocation's `at`-th effect (1-based): `before` it is sent (nothing of it
 * lands) or `after` it was applied (the process never hears the answer).
 */
export interface CrashPlan {
  at: number;
  moment: 'before' | 'after';
}

/** What every port of a crashed invocation throws: the process is gone, nothing it sends arrives. */
export class SimulatedCrash extends Error {
  constructor(readonly effect: Effect) {
    super(`the process died at ${effect}`);
    this.name = 'SimulatedCrash';
  }
}

export interface InvocationOptions {
  crash?: CrashPlan;
  /**
   * Runs before every step reaches its port and may hold it: how a test pauses a call at a chosen
   * step, or how fast-check's scheduler interleaves concurrent calls.
   */
  beforeStep?: (step: Step) => Promise<void> | undefined;
}

/** One effect as it went: `applied` when it took effect (a write that landed, a code the bank redeemed). */
export interface EffectRecord {
  effect: Effect;
  applied: boolean;
}

/**
 * One Lambda invocation as the ports see it. It records its effects in order and can crash at its
 * N-th: from then on every port call of it throws SimulatedCrash, so nothing more of it lands (not
 * even the release of its claim), as when the process dies.
 */
export class Invocation {
  readonly log: EffectRecord[] = [];
  /** Every step that reached a port, reads included, in order. */
  readonly steps: Step[] = [];
  private deadAt: Effect | undefined;

  constructor(private readonly options: InvocationOptions = {}) {}

  get crashed(): boolean {
    return this.deadAt !== undefined;
  }

  get effects(): Effect[] {
    return this.log.map((record) => record.effect);
  }

  async read<T>(step: Step, read: () => T | Promise<T>): Promise<T> {
    await this.options.beforeStep?.(step);
    this.ensureAlive();
    this.steps.push(step);
    const result = await read();
    this.ensureAlive();
    return result;
  }

  async effect<T>(effect: Effect, apply: () => T | Promise<T>): Promise<T> {
    await this.options.beforeStep?.(effect);
    this.ensureAlive();
    this.steps.push(effect);
    const record: EffectRecord = { effect, applied: false };
    this.log.push(record);
    const { crash } = this.options;
    const crashesHere = crash?.at === this.log.length;
    if (crashesHere && crash.moment === 'before') this.die(effect);
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await apply() };
      record.applied = true;
    } catch (error) {
      outcome = { error };
    }
    if (crashesHere && crash.moment === 'after') this.die(effect);
    // A sibling step (Promise.all) may have crashed the process while this one was in flight.
    this.ensureAlive();
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  private die(effect: Effect): never {
    this.deadAt = effect;
    throw new SimulatedCrash(effect);
  }

  private ensureAlive(): void {
    if (this.deadAt) throw new SimulatedCrash(this.deadAt);
  }
}

// ---- the table -----------------------------------------------------------------------------------

/** The data the stores share, as the one DynamoDB table holds it. */
export class InMemoryTable {
  readonly intents = new Map<string, ConnectionIntent>();
  readonly bankAccounts = new Map<string, BankAccount>();
  /** The uniqueness items, by account, liveness and account number: the id of the bank account that won. */
  readonly bankAccountNumbers = new Map<string, string>();

  intent(id: string): ConnectionIntent | undefined {
    const stored = this.intents.get(id);
    return stored ? connectionIntentSchema.parse(structuredClone(stored)) : undefined;
  }

  bankAccountsOf(accountId: string): BankAccount[] {
    return [...this.bankAccounts.values()]
      .filter((bankAccount) => bankAccount.accountId === accountId)
      .map((bankAccount) => bankAccountSchema.parse(structuredClone(bankAccount)));
  }

  /** Writes a bank account with its uniqueness item, as if connected earlier. */
  seedBankAccount(bankAccount: BankAccount): void {
    this.bankAccountNumbers.set(numberKey(bankAccount), bankAccount.id);
    this.bankAccounts.set(bankAccount.id, structuredClone(bankAccount));
  }
}

const numberKey = (bankAccount: Pick<BankAccount, 'accountId' | 'test' | 'accountNumber'>): string =>
  `${bankAccount.accountId}#${bankAccount.test === true ? 'test' : 'live'}#${bankAccount.accountNumber}`;

/**
 * Held by `claimId`: the condition of every write after the claim (the repository's HELD_BY_CLAIM).
 * Like the repository's, it does not look at the lease: a call whose lease ran out may still write
 * until another call has claimed the intent.
 */
const heldBy =
  (claimId: string) =>
  (intent: ConnectionIntent): boolean =>
    intent.claim?.id === claimId && intent.status === 'created';

/** No claim, or one whose lease ran out at `now` (the repository's NO_LIVE_CLAIM). */
const noLiveClaim = (intent: ConnectionIntent, now: number): boolean =>
  intent.claim === undefined || intent.claim.expiresAt <= now;

/**
 * Its lifetime not over at `now`, or an intent from before lifetimes (the repository's
 * WITHIN_LIFETIME): compared as text, as DynamoDB compares the two ISO 8601 timestamps.
 */
const withinLifetime = (intent: ConnectionIntent, now: number): boolean =>
  intent.expiresAt === undefined || intent.expiresAt > new Date(now).toISOString();

/** A redirect intent, or a decoupled one whose bank may be polled at `now` (the repository's POLL_DUE). */
const pollDue = (intent: ConnectionIntent, now: number): boolean =>
  intent.backchannel === undefined || intent.backchannel.pollAfter <= now;

/** What every final write drops (the repository's DROPPED_WHEN_FINAL). */
const withoutProviderMaterial = ({
  claim: _claim,
  grant: _grant,
  oauth: _oauth,
  backchannel: _backchannel,
  ...intent
}: ConnectionIntent): ConnectionIntent => intent;

/** IntentStore with IntentRepository's conditions; every call goes through `invocation`. */
export class InMemoryIntentStore implements IntentStore {
  constructor(
    private readonly table: InMemoryTable,
    private readonly invocation: Invocation,
  ) {}

  get(id: string): Promise<ConnectionIntent | undefined> {
    return this.invocation.read('intent.get', () => this.table.intent(id));
  }

  create(intent: ConnectionIntent): Promise<void> {
    return this.invocation.effect('intent.create', () => {
      if (this.table.intents.has(intent.id)) throw new StateConflictError();
      this.table.intents.set(intent.id, structuredClone(intent));
    });
  }

  claim(id: string, claim: IntentClaim, now: number): Promise<ConnectionIntent> {
    return this.invocation.effect('intent.claim', () =>
      this.update(
        id,
        (intent) =>
          intent.status === 'created' &&
          noLiveClaim(intent, now) &&
          withinLifetime(intent, now) &&
          pollDue(intent, now),
        (intent) => ({ ...intent, claim }),
      ),
    );
  }

  async expire(id: string, now: number, updatedBy: string): Promise<void> {
    await this.invocation.effect('intent.expire', () =>
      this.update(
        id,
        (intent) =>
          intent.status === 'created' &&
          noLiveClaim(intent, now) &&
          intent.expiresAt !== undefined &&
          intent.expiresAt <= new Date(now).toISOString(),
        (stored) => ({
          ...withoutProviderMaterial(stored),
          status: 'failed',
          failureReason: 'EXPIRED',
          updatedAt: stored.expiresAt ?? stored.updatedAt,
          updatedBy,
        }),
      ),
    );
  }

  saveGrant(id: string, claimId: string, grant: IntentGrant): Promise<ConnectionIntent> {
    return this.invocation.effect('intent.saveGrant', () =>
      // The PKCE verifier goes with the grant's save, as IntentRepository drops it.
      this.update(id, heldBy(claimId), ({ oauth: _oauth, ...intent }) => ({ ...intent, grant })),
    );
  }

  async releaseClaim(id: string, claimId: string): Promise<void> {
    await this.invocation.effect('intent.releaseClaim', () =>
      this.update(id, heldBy(claimId), ({ claim: _claim, ...intent }) => intent),
    );
  }

  async deferPoll(id: string, claimId: string, backchannel: Backchannel): Promise<void> {
    await this.invocation.effect('intent.deferPoll', () =>
      this.update(id, heldBy(claimId), ({ claim: _claim, ...intent }) => ({ ...intent, backchannel })),
    );
  }

  async finish(id: string, claimId: string, outcome: IntentOutcome): Promise<void> {
    const { status, updatedAt, updatedBy } = outcome;
    const result =
      outcome.status === 'authorized'
        ? {
            authorizedCodeHash: outcome.authorizedCodeHash,
            ...(outcome.bankAccountIds ? { bankAccountIds: outcome.bankAccountIds } : {}),
          }
        : { failureReason: outcome.failureReason };
    await this.invocation.effect('intent.finish', () =>
      this.update(id, heldBy(claimId), (stored) => ({
        ...withoutProviderMaterial(stored),
        status,
        updatedAt,
        updatedBy,
        ...result,
      })),
    );
  }

  /** A conditional update of an existing item: an item that is missing fails the condition too. */
  private update(
    id: string,
    condition: (intent: ConnectionIntent) => boolean,
    change: (intent: ConnectionIntent) => ConnectionIntent,
  ): ConnectionIntent {
    const current = this.table.intents.get(id);
    if (!current || !condition(current)) throw new StateConflictError();
    this.table.intents.set(id, change(structuredClone(current)));
    const updated = this.table.intent(id);
    if (!updated) throw new Error(`intent ${id} vanished`);
    return updated;
  }
}

/**
 * ExpiryStore over the same table: the expiry index holds exactly the intents that are still
 * `created` and have a lifetime (the repository writes its keys at create and removes them with
 * every final write), each shard ordered by `expiresAt`; here one shard. `pageSize` pages it.
 */
export class InMemoryExpiryStore implements ExpiryStore {
  /** Every page the sweeper was handed, in order. */
  readonly pages: string[][] = [];
  private readonly intents: InMemoryIntentStore;

  constructor(
    private readonly table: InMemoryTable,
    invocation: Invocation,
  ) {
    this.intents = new InMemoryIntentStore(table, invocation);
  }

  async *dueForExpiry(now: number, pageSize: number): AsyncIterable<string[]> {
    const due = [...this.table.intents.values()]
      .filter(
        (intent) =>
          intent.status === 'created' &&
          intent.expiresAt !== undefined &&
          intent.expiresAt <= new Date(now).toISOString(),
      )
      .sort((a, b) => `${a.expiresAt}#${a.id}`.localeCompare(`${b.expiresAt}#${b.id}`))
      .map((intent) => intent.id);
    for (let start = 0; start < due.length; start += pageSize) {
      const page = due.slice(start, start + pageSize);
      this.pages.push(page);
      yield page;
    }
  }

  expire(id: string, now: number, updatedBy: string): Promise<void> {
    return this.intents.expire(id, now, updatedBy);
  }
}

/** BankAccountStore with BankAccountRepository's two writes per connect and their conditions. */
export class InMemoryBankAccountStore implements BankAccountStore {
  constructor(
    private readonly table: InMemoryTable,
    private readonly invocation: Invocation,
  ) {}

  get(id: string): Promise<BankAccount | undefined> {
    return this.invocation.read('bankAccount.get', () => this.stored(id));
  }

  async connect(candidate: BankAccount): Promise<BankAccount> {
    const id = await this.reserveNumber(candidate);
    const bankAccount = { ...candidate, id };
    try {
      await this.invocation.effect('bankAccount.put', () => {
        if (this.table.bankAccounts.has(id)) throw new StateConflictError();
        this.table.bankAccounts.set(id, structuredClone(bankAccount));
      });
      return bankAccount;
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
      const existing = await this.get(id);
      if (!existing) throw error;
      return existing;
    }
  }

  markEnduringPaymentConsent(
    id: string,
    limits: PaymentConsentLimits | undefined,
    updatedAt: string,
    updatedBy: string,
  ): Promise<void> {
    return this.invocation.effect('bankAccount.markConsent', () => {
      const current = this.table.bankAccounts.get(id);
      if (!current) throw new StateConflictError();
      const { paymentConsent: _earlier, ...rest } = current;
      this.table.bankAccounts.set(id, {
        ...rest,
        enduringPaymentConsentAuthorized: true,
        ...(limits ? { paymentConsent: structuredClone(limits) } : {}),
        updatedAt,
        updatedBy,
      });
    });
  }

  /** The first writer of the number's uniqueness item wins; everyone else uses the id it names. */
  private async reserveNumber(candidate: BankAccount): Promise<string> {
    const key = numberKey(candidate);
    try {
      await this.invocation.effect('bankAccount.reserveNumber', () => {
        if (this.table.bankAccountNumbers.has(key)) throw new StateConflictError();
        this.table.bankAccountNumbers.set(key, candidate.id);
      });
      return candidate.id;
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
      const existingId = await this.invocation.read('bankAccount.getNumber', () =>
        this.table.bankAccountNumbers.get(key),
      );
      if (existingId === undefined) throw error;
      return existingId;
    }
  }

  private stored(id: string): BankAccount | undefined {
    const stored = this.table.bankAccounts.get(id);
    return stored ? bankAccountSchema.parse(structuredClone(stored)) : undefined;
  }
}

// ---- the bank ------------------------------------------------------------------------------------

/**
 * How the token endpoint handles one request. `redeem` is the bank's own decision on the code (it
 * counts the code as received and redeems it, or throws ProviderRejectedError); a behaviour may
 * delay it, never call it (the request is lost before the bank), or lose the answer after it.
 */
export type TokenEndpoint = (
  request: RedeemRequest,
  redeem: () => { accessToken: string },
) => Promise<{ accessToken: string }>;

/** How the accounts resource handles one request; `read` is the bank's own answer. */
export type AccountsEndpoint = (
  request: { accessToken: string; signal: AbortSignal },
  read: () => ProviderAccount[],
) => Promise<ProviderAccount[]>;

/** One backchannel request as the bank keeps it. */
export interface DecoupledRequest {
  authReqId: string;
  loginHint: string;
  decision: 'pending' | 'approved' | 'denied' | 'expired';
  /** How often the approval was handed out (more than once only by a faulty client). */
  collected: number;
  polls: number;
  /** What the start asked for (limits, bank account), for tests to check. */
  request: Omit<DecoupledAuthorizationRequest, 'signal'>;
}

interface IssuedToken {
  code: string;
  revoked: boolean;
}

/**
 * A scripted Open Banking provider behind the OpenBankingProvider port. It knows the codes it
 * issued and the accounts the user selected with each, and counts what reaches its token endpoint.
 * Like a conforming OAuth server it redeems a code once: a second redemption answers invalid_grant
 * and revokes the tokens the first one issued (`redeemsOnce = false` models a lenient bank, to see
 * whether the service sends a code twice even where the bank would not notice).
 */
export class ScriptedBank {
  redeemsOnce = true;
  tokenEndpoint: TokenEndpoint = async (_request, redeem) => redeem();
  accountsEndpoint: AccountsEndpoint = async (_request, read) => read();
  /** Every code that reached the token endpoint, in order. */
  readonly received: string[] = [];
  private readonly issued = new Map<string, ProviderAccount[]>();
  private readonly redeemed = new Map<string, number>();
  private readonly repeated = new Map<string, number>();
  private readonly tokens = new Map<string, IssuedToken>();

  /** A code the user brings back after selecting `accounts` at the bank. */
  issueCode(code: string, accounts: ProviderAccount[]): void {
    this.issued.set(code, structuredClone(accounts));
  }

  attemptsOf(code: string): number {
    return this.received.filter((received) => received === code).length;
  }

  /** How often the bank redeemed `code` (issued tokens for it). */
  redemptionsOf(code: string): number {
    return this.redeemed.get(code) ?? 0;
  }

  /**
   * How often `code` reached the token endpoint again after the bank had redeemed it: what exactly
   * once forbids (a refused code sent again harms nothing).
   */
  repeatsOf(code: string): number {
    return this.repeated.get(code) ?? 0;
  }

  get redemptions(): number {
    return [...this.redeemed.values()].reduce((sum, count) => sum + count, 0);
  }

  selectedWith(code: string): ProviderAccount[] {
    return structuredClone(this.issued.get(code) ?? []);
  }

  // ---- the decoupled flow (CIBA, poll mode) ----

  /** The interval the bank answers at the start, and raises by 5 s with every `slow_down`. */
  decoupledIntervalSeconds = 1;
  /** Every backchannel request the bank started, by its `auth_req_id`. */
  readonly decoupled = new Map<string, DecoupledRequest>();
  /** How many polls were at the bank at once, at most: CIBA allows one per interval. */
  maxPollsInFlight = 0;
  private pollsInFlight = 0;
  /** The next poll of a pending request is answered `slow_down` (the interval raised by 5 s). */
  slowDownNext = false;
  /** Where a test holds a poll at the bank (to overlap it with others). */
  pollGate: Gate | undefined;

  /** The user answers the request started for `loginHint` (the newest of theirs). */
  answer(
    loginHint: string,
    decision: 'approved' | 'denied' | 'expired',
    accounts: ProviderAccount[] = [],
  ): void {
    const request = [...this.decoupled.values()].filter((each) => each.loginHint === loginHint).at(-1);
    if (!request) throw new Error(`no decoupled request for ${loginHint}`);
    request.decision = decision;
    this.issued.set(request.authReqId, structuredClone(accounts));
  }

  /** Approvals the bank handed out: a second collection of one is refused, as a code's is. */
  get collections(): number {
    return [...this.decoupled.values()].reduce((sum, request) => sum + request.collected, 0);
  }

  private startDecoupled(request: DecoupledAuthorizationRequest): DecoupledAuthorizationStarted {
    if (request.loginHint === 'nobody') throw new ProviderRejectedError('unknown_user_id');
    const authReqId = `auth-req-${this.decoupled.size + 1}`;
    this.decoupled.set(authReqId, {
      authReqId,
      loginHint: request.loginHint,
      decision: 'pending',
      collected: 0,
      polls: 0,
      request: structuredClone({ ...request, signal: undefined }),
    });
    return { authReqId, expiresInSeconds: 300, intervalSeconds: this.decoupledIntervalSeconds };
  }

  private async poll(request: DecoupledPollRequest): Promise<DecoupledPollOutcome> {
    this.pollsInFlight += 1;
    this.maxPollsInFlight = Math.max(this.maxPollsInFlight, this.pollsInFlight);
    try {
      await this.pollGate?.pass();
      const started = this.decoupled.get(request.authReqId);
      if (!started) throw new ProviderRejectedError('invalid_grant');
      started.polls += 1;
      switch (started.decision) {
        case 'pending':
          if (this.slowDownNext) {
            this.slowDownNext = false;
            return { status: 'slow_down', intervalSeconds: request.intervalSeconds + 5 };
          }
          return { status: 'pending', intervalSeconds: request.intervalSeconds };
        case 'denied':
          return { status: 'denied', providerError: 'access_denied' };
        case 'expired':
          return { status: 'expired', providerError: 'expired_token' };
        case 'approved': {
          if (started.collected > 0) {
            for (const token of this.tokens.values())
              if (token.code === started.authReqId) token.revoked = true;
            started.collected += 1;
            throw new ProviderRejectedError('invalid_grant');
          }
          started.collected += 1;
          const accessToken = `token-${started.authReqId}`;
          this.tokens.set(accessToken, { code: started.authReqId, revoked: false });
          return { status: 'approved', accessToken };
        }
      }
    } finally {
      this.pollsInFlight -= 1;
    }
  }

  /** The port as one invocation uses it: sending a code is an effect of that invocation. */
  provider(invocation: Invocation): OpenBankingProvider {
    return {
      issuer: async (test: boolean) =>
        test ? 'https://sandbox.bank.example.com' : 'https://bank.example.com',
      startDecoupledAuthorization: (request) =>
        invocation.effect('bank.startDecoupled', () => this.startDecoupled(request)),
      pollDecoupledAuthorization: (request) => invocation.effect('bank.poll', () => this.poll(request)),
      beginAuthorization: async (request: AuthorizationRequest) => ({
        authorizationUrl: `https://bank.example.com/auth?state=${encodeURIComponent(request.state)}`,
        codeVerifier: 'verifier-0123456789-0123456789-0123456789',
      }),
      redeemCode: (request) =>
        invocation.effect('bank.redeem', () => this.tokenEndpoint(request, () => this.redeem(request.code))),
      listSelectedAccounts: (request) =>
        invocation.read('bank.accounts', () =>
          this.accountsEndpoint(request, () => this.accountsFor(request.accessToken)),
        ),
    };
  }

  private redeem(code: string): { accessToken: string } {
    this.received.push(code);
    if (!this.issued.has(code)) throw new ProviderRejectedError('invalid_grant');
    const count = this.redemptionsOf(code);
    if (count > 0) this.repeated.set(code, this.repeatsOf(code) + 1);
    if (count > 0 && this.redeemsOnce) {
      // RFC 6749 §4.1.2: a code used twice is refused, and what it issued should be revoked.
      for (const token of this.tokens.values()) if (token.code === code) token.revoked = true;
      throw new ProviderRejectedError('invalid_grant');
    }
    this.redeemed.set(code, count + 1);
    const accessToken = `token-${code}-${count + 1}`;
    this.tokens.set(accessToken, { code, revoked: false });
    return { accessToken };
  }

  private accountsFor(accessToken: string): ProviderAccount[] {
    const token = this.tokens.get(accessToken);
    if (!token || token.revoked) throw new ProviderRejectedError('invalid_token');
    return this.selectedWith(token.code);
  }
}
