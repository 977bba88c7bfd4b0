import type { TimeBudget } from '../time-budget';
import { TIME_BUDGET } from '../time-budget';
import { timestamp } from './clock';
import { type CreateDependencies, createIntent, prepareIntent, requireCreateAllowed } from './create-intent';
import type { Deadline } from './deadline';
import {
  BadRequestError,
  ForbiddenError,
  IdempotentRequestInProgressError,
  StateConflictError,
} from './errors';
import {
  type IdempotencyClaim,
  type IdempotencyRecord,
  isRetained,
  requestFingerprint,
  retainedUntil,
} from './idempotency';
import { newId } from './ids';
import { toIntentResponse } from './intent-response';
import type { IdempotencyStore, IntentDependencies } from './ports';
import type { Principal } from './principal';
import type { ConnectionIntent, CreateIntentBody, IntentResponse } from './schemas';

export interface CreateOnceDependencies extends CreateDependencies {
  idempotency: IdempotencyStore;
  sleep: IntentDependencies['sleep'];
}

/** The parts of the invocation's time budget that an idempotent create decides with (see time-budget.ts). */
export type CreateOnceTiming = Pick<
  TimeBudget,
  'idempotencyLeaseMs' | 'waitForIdempotentRequestMs' | 'pollIntervalMs'
>;

/**
 * Creates an intent; with an `idempotencyKey`, at most one per (account, key) for a day, crash-safe
 * without transactions, in the manner of authorize (see docs/idempotency.md):
 * read the key's record → claim it (a new record binds a new intent id to the key) → create the
 * intent with exactly that id → save the answer. The same request again answers the saved answer;
 * another request is a 400; a create still running makes the caller wait, then a retryable 503. A
 * create that dies after any step leaves the record bound to its intent id, so the call that takes
 * over once the lease has run out finishes with that same intent.
 */
export async function createIntentOnce(
  deps: CreateOnceDependencies,
  principal: Principal,
  body: CreateIntentBody,
  deadline: Deadline,
  timing: CreateOnceTiming = TIME_BUDGET,
): Promise<IntentResponse> {
  const { idempotencyKey: key, ...request } = body;
  if (key === undefined) return toIntentResponse(await createIntent(deps, principal, body));
  // Who may create is decided before any record is read, so a saved answer never reaches anyone else.
  requireCreateAllowed(principal, body);
  const requestHash = requestFingerprint(request);
  const { accountId } = principal;
  // A call that finds the key held waits for the holder, but never past its own answer.
  const waitUntil =
    deps.clock.now().getTime() +
    Math.min(timing.waitForIdempotentRequestMs, deadline.remainingMs() - timing.pollIntervalMs);

  for (;;) {
    const now = deps.clock.now().getTime();
    const claim: IdempotencyClaim = { id: newId(), expiresAt: now + timing.idempotencyLeaseMs };
    const run: ClaimedRun = { deps, principal, request, key, claimId: claim.id };
    const record = await deps.idempotency.get(accountId, key);
    if (!record || record.status === 'released' || !isRetained(record, now)) {
      const fresh: IdempotencyRecord = {
        accountId,
        key,
        requestHash,
        status: 'in-progress',
        // The one intent this key may ever create: chosen now, so whoever finishes uses it.
        intentId: newId(),
        claim,
        createdAt: timestamp(deps.clock),
        retainedUntil: retainedUntil(now),
      };
      const claimed = await unlessLost(() => deps.idempotency.claimNew(fresh, now));
      if (claimed) return runClaimed(run, claimed, { intentMayExist: false });
    } else {
      if (record.requestHash !== requestHash) {
        throw new BadRequestError('idempotencyKey was already used with another request');
      }
      if (record.status === 'done') return savedAnswer(record);
      if (!record.claim || record.claim.expiresAt <= now) {
        const taken = await unlessLost(() =>
          deps.idempotency.takeOver(accountId, key, requestHash, claim, now),
        );
        if (taken) return runClaimed(run, taken, { intentMayExist: true });
      }
    }
    if (deps.clock.now().getTime() >= waitUntil) throw new IdempotentRequestInProgressError();
    await deps.sleep(timing.pollIntervalMs);
  }
}

/** The write's result, or undefined when it lost to a concurrent one (the caller reads the record again). */
async function unlessLost<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StateConflictError) return undefined;
    throw error;
  }
}

function savedAnswer(record: IdempotencyRecord): IntentResponse {
  if (!record.response) throw new Error(`idempotency record ${record.key} is done without an answer`);
  return record.response;
}

/** What one run that holds the key carries. */
interface ClaimedRun {
  deps: CreateOnceDependencies;
  principal: Principal;
  request: CreateIntentBody;
  key: string;
  claimId: string;
}

/**
 * Creates the record's intent (or finds it, written by a run that died or was overtaken) and saves
 * the answer. A failure saves nothing. A fresh record that failed before its intent's write frees
 * the key for any request (a 403 LIVENESS_MISMATCH, a 502 from the bank). From the write on, and on
 * a record taken over (an earlier write may still land), only the claim is dropped: the same request
 * takes over at once and finishes with the same intent, and another request stays a 400.
 */
async function runClaimed(
  run: ClaimedRun,
  record: IdempotencyRecord,
  { intentMayExist }: { intentMayExist: boolean },
): Promise<IntentResponse> {
  const { deps, principal, key, claimId } = run;
  let nothingWritten = !intentMayExist;
  try {
    let intent = intentMayExist ? await ownIntent(run, record.intentId) : undefined;
    if (!intent) {
      const prepared = await prepareIntent(deps, principal, run.request, record.intentId);
      nothingWritten = false;
      intent = await createOrFind(run, prepared);
    }
    const response = toIntentResponse(intent);
    await deps.idempotency.complete(principal.accountId, key, claimId, response);
    return response;
  } catch (error) {
    await releaseQuietly(run, nothingWritten ? 'key' : 'claim');
    throw error;
  }
}

/** The intent bound to the key, if a run before this one wrote it. */
async function ownIntent(run: ClaimedRun, intentId: string): Promise<ConnectionIntent | undefined> {
  const intent = await run.deps.intents.get(intentId);
  if (intent && intent.accountId !== run.principal.accountId) throw new ForbiddenError();
  return intent;
}

/** Writes the intent under its bound id; if a run that was overtaken wrote it first, that one is the answer. */
async function createOrFind(run: ClaimedRun, intent: ConnectionIntent): Promise<ConnectionIntent> {
  try {
    await run.deps.intents.create(intent);
    return intent;
  } catch (error) {
    if (!(error instanceof StateConflictError)) throw error;
    const existing = await ownIntent(run, intent.id);
    if (!existing) throw error;
    return existing;
  }
}

async function releaseQuietly(run: ClaimedRun, what: 'claim' | 'key'): Promise<void> {
  const { deps, principal, key, claimId } = run;
  try {
    if (what === 'key') await deps.idempotency.releaseKey(principal.accountId, key, claimId);
    else await deps.idempotency.releaseClaim(principal.accountId, key, claimId);
  } catch {
    // The claim's lease runs out on its own; the original error is the one worth reporting.
  }
}
