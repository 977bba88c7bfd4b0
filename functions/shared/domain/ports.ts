import type { Clock } from './clock';
import type { IdempotencyClaim, IdempotencyRecord } from './idempotency';
import type { IntentEvent } from './intent-events';
import type { IntentPosition } from './intent-page';
import type {
  ApiKey,
  Backchannel,
  BankAccount,
  ConnectionIntent,
  IntentClaim,
  IntentGrant,
  IntentResponse,
  IntentType,
  PaymentConsentLimits,
  ProviderAccount,
} from './schemas';

/**
 * What the domain needs from the outside world. Adapters implement these: DynamoDB repositories and
 * the Quartz OAuth client in production, the same adapters against local peers in the local stack.
 * Every state change is one conditional write; a lost condition throws StateConflictError.
 */
export interface IntentStore {
  /** Strongly consistent read. */
  get(id: string): Promise<ConnectionIntent | undefined>;
  /** Writes a new intent; fails if the id exists. */
  create(intent: ConnectionIntent): Promise<void>;
  /**
   * Records `claim` if the intent is `created`, holds no claim that is live at `now` (epoch ms), its
   * lifetime has not ended at `now` (an expired intent can never be claimed) and, for a decoupled
   * intent, its bank may be polled at `now` (`backchannel.pollAfter`).
   */
  claim(id: string, claim: IntentClaim, now: number): Promise<ConnectionIntent>;
  /** Saves (or replaces) the grant and drops the PKCE verifier, if `claimId` still holds the intent. */
  saveGrant(id: string, claimId: string, grant: IntentGrant): Promise<ConnectionIntent>;
  /** Gives the intent up without changing its status, if `claimId` still holds it. */
  releaseClaim(id: string, claimId: string): Promise<void>;
  /**
   * Gives a decoupled intent up after a poll that found the bank's request still pending, recording
   * the interval in force and when the bank may be polled next, if `claimId` still holds it. Until
   * `backchannel.pollAfter`, `claim` refuses the intent: concurrent polls never reach the bank early.
   */
  deferPoll(id: string, claimId: string, backchannel: Backchannel): Promise<void>;
  /** Moves the intent to a final status and drops claim, grant and PKCE material. */
  finish(id: string, claimId: string, outcome: IntentOutcome): Promise<void>;
  /**
   * Moves the intent to `failed` with `EXPIRED` if it is `created`, its lifetime ended at `now`
   * (epoch ms) at the latest and no claim on it is live at `now`; drops claim, grant and PKCE
   * material, and records `updatedBy` and, as `updatedAt`, the moment it expired (see asSeenAt).
   */
  expire(id: string, now: number, updatedBy: string): Promise<void>;
}

/** What the expiry sweeper needs: the intents that are due, and the expiry write. */
export interface ExpiryStore extends Pick<IntentStore, 'expire'> {
  /**
   * The ids of the intents still `created` whose lifetime ended by `now`, read from an index and so
   * eventually consistent (the expiry write checks the intent itself), a page of at most `pageSize`
   * at a time, oldest first within each part of the index and every part in turn.
   */
  dueForExpiry(now: number, pageSize: number): AsyncIterable<string[]>;
}

export type IntentOutcome =
  | {
      status: 'authorized';
      authorizedCodeHash: string;
      /** The Bank Accounts an account-information intent connected, existing ones included. */
      bankAccountIds?: string[];
      updatedAt: string;
      updatedBy: string;
    }
  | { status: 'failed'; failureReason: string; updatedAt: string; updatedBy: string };

/**
 * An account's intents, newest first, a page at a time. Read from an index, so eventually
 * consistent: an intent created or changed a moment ago may not show yet, or show as it was.
 */
export interface IntentListStore {
  /** `next` is where the following page starts; absent when no intent is left. */
  listByAccount(
    accountId: string,
    page: { limit: number; after?: IntentPosition },
  ): Promise<{ items: ConnectionIntent[]; next?: IntentPosition }>;
}

export interface BankAccountStore {
  get(id: string): Promise<BankAccount | undefined>;
  /**
   * Stores `candidate` unless the account already holds a bank account with the same liveness and
   * account number; returns the one that is stored. Safe to repeat.
   */
  connect(candidate: BankAccount): Promise<BankAccount>;
  /** Marks the consent authorized and records its limits (replacing an earlier consent's). */
  markEnduringPaymentConsent(
    id: string,
    limits: PaymentConsentLimits | undefined,
    updatedAt: string,
    updatedBy: string,
  ): Promise<void>;
}

export interface BankAccountListStore {
  /** Every Bank Account of the account, test and live. */
  listByAccount(accountId: string): Promise<BankAccount[]>;
}

export interface ApiKeyStore {
  findBySecretHash(secretHash: string): Promise<ApiKey | undefined>;
  /** Fails with StateConflictError if the account already has a key of that name. */
  create(key: ApiKey): Promise<void>;
}

/** What an operator's tools need beyond what the functions use (the functions never get these). */
export interface ApiKeyAdminStore extends ApiKeyStore {
  /** The account's keys, by name. */
  listForAccount(accountId: string): Promise<ApiKey[]>;
  findByName(accountId: string, name: string): Promise<ApiKey | undefined>;
  /** Disables (or enables) the key; fails with StateConflictError if it does not exist. */
  setEnabled(key: ApiKey, enabled: boolean, updatedAt: string, updatedBy: string): Promise<void>;
  /**
   * Gives the name `current` holds to `next` (a new secret) and disables `current`; fails with
   * StateConflictError if the name no longer points at `current`.
   */
  replace(current: ApiKey, next: ApiKey): Promise<void>;
}

/**
 * The records of create's idempotency keys, one per (account, key). Every write is conditional; a
 * lost condition throws StateConflictError.
 */
export interface IdempotencyStore {
  /** Strongly consistent read. */
  get(accountId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Writes `record` (in progress, with its claim and a new intent id) if the key has no record, or
   * only one that was released or is past its retention at `now` (epoch ms).
   */
  claimNew(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord>;
  /**
   * Records `claim` on a record still in progress for `requestHash` whose claim was released or ran
   * out at `now`, keeping its intent id; answers the record as it now stands.
   */
  takeOver(
    accountId: string,
    key: string,
    requestHash: string,
    claim: IdempotencyClaim,
    now: number,
  ): Promise<IdempotencyRecord>;
  /** Saves the answer and marks the record done, if `claimId` still holds it. */
  complete(accountId: string, key: string, claimId: string, response: IntentResponse): Promise<void>;
  /**
   * Drops the claim but keeps the record bound to its request and intent id (the intent may have
   * been written), if `claimId` still holds it: the same request may take over at once.
   */
  releaseClaim(accountId: string, key: string, claimId: string): Promise<void>;
  /** Frees the key for any request (nothing was written under it), if `claimId` still holds it. */
  releaseKey(accountId: string, key: string, claimId: string): Promise<void>;
}

export interface RateLimitStore {
  /**
   * Counts one request of `accountId` against `budget` in the window starting at `windowStart`
   * (epoch ms); false when the window already holds `limit` requests (then nothing is counted).
   */
  hit(accountId: string, budget: string, windowStart: number, limit: number): Promise<boolean>;
}

/**
 * The counter that every container shares, one per (account, budget, window), from which a
 * container takes its requests' tokens in batches (see BatchedRateLimits).
 */
export interface RateLimitCounter {
  /**
   * Takes up to `count` of the window's `limit` tokens in one write and answers how many it got:
   * `count`, fewer when fewer were left (then the window has none left), 0 when it had none. Over all
   * callers the tokens answered never add up to more than `limit`. Throws when the counter cannot be
   * reached.
   */
  take(accountId: string, budget: string, windowStart: number, limit: number, count: number): Promise<number>;
}

/**
 * A payment consent's limits, as the intent holds them: they travel to the bank in the payment
 * consent's RFC 9396 authorization detail, and the grant must carry them back unchanged.
 */
export type { PaymentConsentLimits, PaymentPeriod as PaymentConsentPeriod } from './schemas';

/** One RFC 9396 authorization detail as a bank granted it. */
export interface GrantedAuthorizationDetail {
  readonly type: string;
  readonly [member: string]: unknown;
}

export interface AuthorizationRequest {
  test: boolean;
  type: IntentType;
  state: string;
  /** The bank account a payment consent is for. */
  bankAccount?: BankAccount;
  /** A payment consent's limits, shown to the user at the bank. */
  limits?: PaymentConsentLimits;
}

export interface RedeemRequest {
  test: boolean;
  type: IntentType;
  code: string;
  codeVerifier: string;
  /** For a payment consent: the bank account the consent must be for. */
  bankAccount?: BankAccount;
  /** For a payment consent with limits: the grant must carry exactly these back. */
  limits?: PaymentConsentLimits;
  /** The token request's whole budget (see TimeBudget.grantSaveReserveMs for what it leaves). */
  signal: AbortSignal;
}

/** A decoupled authorization (OpenID CIBA, poll mode): the bank asks the user on a device of theirs. */
export interface DecoupledAuthorizationRequest {
  test: boolean;
  type: IntentType;
  /** The user's identifier at the bank. */
  loginHint: string;
  /** A short text shown both to the user at the bank and by the client, so they can tell the two belong together. */
  bindingMessage?: string;
  /** The bank account a payment consent is for. */
  bankAccount?: BankAccount;
  limits?: PaymentConsentLimits;
  /** The request's budget; without it, the provider's own request budget within the invocation's. */
  signal?: AbortSignal;
}

export interface DecoupledAuthorizationStarted {
  /** The bank's handle of the request, which each poll sends; as secret as a code. */
  authReqId: string;
  /** How long the bank keeps the request open. */
  expiresInSeconds: number;
  /** How long to wait between polls (the bank's `interval`, 5 when it names none). */
  intervalSeconds: number;
}

export interface DecoupledPollRequest {
  test: boolean;
  type: IntentType;
  authReqId: string;
  /** The interval in force: the one the start answered, or the last `slow_down` raised. */
  intervalSeconds: number;
  bankAccount?: BankAccount;
  limits?: PaymentConsentLimits;
  /**
   * The poll's whole budget, sized as a code's redemption is: the poll that finds the request approved
   * uses it up at the bank, so an answer lost on the way leaves the outcome unknown.
   */
  signal: AbortSignal;
}

/** One poll's outcome. Anything else throws as redeemCode does. */
export type DecoupledPollOutcome =
  /** The user has not answered yet; poll again after `intervalSeconds`. */
  | { status: 'pending'; intervalSeconds: number }
  /** Polled too soon: the bank raised the interval (by 5 s); wait `intervalSeconds` from now on. */
  | { status: 'slow_down'; intervalSeconds: number }
  /** Approved, and the grant covers what the intent type needs; the request is now used up. */
  | {
      status: 'approved';
      accessToken: string;
      authorizationDetails?: readonly GrantedAuthorizationDetail[];
    }
  | { status: 'denied'; providerError: 'access_denied' }
  | { status: 'expired'; providerError: 'expired_token' };

/** An Open Banking provider, chosen per call by the intent's `test` flag. */
export interface OpenBankingProvider {
  /**
   * The bank's issuer identifier (from its discovery document): what it sends back as `iss` with a
   * code (RFC 9207), so a code from another bank can be told apart.
   */
  issuer(test: boolean): Promise<string>;
  /** Builds the URL the user is sent to; the PKCE verifier stays with the service. */
  beginAuthorization(
    request: AuthorizationRequest,
  ): Promise<{ authorizationUrl: string; codeVerifier: string }>;
  /**
   * Redeems a code once and checks that the grant covers what the intent type needs. Throws
   * ProviderRejectedError (refused, or granted less), ProviderUnavailableError (the code never
   * reached the bank, or the bank failed before redeeming it) or ProviderOutcomeUnknownError (the
   * code was sent and no readable answer came back in time).
   */
  redeemCode(request: RedeemRequest): Promise<{
    accessToken: string;
    /** RFC 9396: what the user consented to, when the provider says. */
    authorizationDetails?: readonly GrantedAuthorizationDetail[];
  }>;
  /** The accounts the user selected for the grant behind `accessToken`. */
  listSelectedAccounts(request: {
    test: boolean;
    accessToken: string;
    signal: AbortSignal;
  }): Promise<ProviderAccount[]>;
  /**
   * Starts a decoupled authorization at the bank. Throws ProviderRejectedError when the bank refuses
   * the request itself (e.g. `unknown_user_id` for a login hint it does not know), and
   * ProviderUnavailableError when it cannot be reached, fails or does not answer in time (a request it
   * may have started then expires unpolled).
   */
  startDecoupledAuthorization(request: DecoupledAuthorizationRequest): Promise<DecoupledAuthorizationStarted>;
  /**
   * Polls a decoupled authorization once. Throws as redeemCode does: ProviderRejectedError (e.g.
   * `invalid_grant` for a request the bank no longer knows or that was collected already, or a grant
   * that covers less than asked), ProviderUnavailableError (the poll never reached the bank, or it
   * failed before answering) or ProviderOutcomeUnknownError (no readable answer in time: the bank may
   * have handed out, and used up, an approval).
   */
  pollDecoupledAuthorization(request: DecoupledPollRequest): Promise<DecoupledPollOutcome>;
}

export interface IntentDependencies {
  intents: IntentStore;
  bankAccounts: BankAccountStore;
  provider: OpenBankingProvider;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Where the intents' events go (an EventBridge bus in AWS, a bus that prints them on a local
 * stack). A request either fails as a whole (it rejects) or answers, for each event in order,
 * whether the bus took it: a bus may take some events of a request and refuse others.
 */
export interface IntentEventBus {
  /** The most events one request may carry. */
  readonly maxEventsPerRequest: number;
  publish(events: readonly IntentEvent[]): Promise<readonly EventPublication[]>;
}

export type EventPublication = { published: true } | { published: false; reason: string };
