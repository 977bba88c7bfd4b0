import type { TimeBudget } from '../time-budget';
import { TIME_BUDGET } from '../time-budget';
import type { Clock } from './clock';
import type { Deadline } from './deadline';
import { StateConflictError } from './errors';
import { EXPIRY_CRN } from './intent-expiry';
import type { ExpiryStore } from './ports';

/** How many due intents one page holds; their expiry writes go out together. */
export const EXPIRY_PAGE_SIZE = 25;

export interface ExpiryDependencies {
  intents: ExpiryStore;
  clock: Clock;
}

export type SweepTiming = Pick<TimeBudget, 'expirySweepReserveMs'>;

/** What one sweep did. */
export interface SweepResult {
  /** Intents this sweep moved to `failed` with `EXPIRED`. */
  expired: number;
  /**
   * Intents whose write found them changed: authorized or failed meanwhile, expired by a concurrent
   * call, or held by an authorization that claimed them in time (a later sweep expires those if
   * the authorization does not finish).
   */
  skipped: number;
  /** Writes that failed for another reason (DynamoDB unavailable): a later sweep tries again. */
  failed: number;
  /** The names of those failures' errors, each once, for the log. */
  errors: string[];
  /** False when the sweep stopped for want of time with due intents possibly left. */
  complete: boolean;
}

/**
 * Expires every intent whose lifetime ended by the start of the sweep, so that its PKCE verifier,
 * state and any token leave the table although nobody calls (docs/expiry.md). Each expiry is the
 * same single conditional write authorize makes, so a sweep can race authorize, another sweep or
 * a retry of itself without harm. It starts no page it could not finish before `deadline`.
 */
export async function expireDueIntents(
  deps: ExpiryDependencies,
  deadline: Deadline,
  timing: SweepTiming = TIME_BUDGET,
  pageSize = EXPIRY_PAGE_SIZE,
): Promise<SweepResult> {
  const now = deps.clock.now().getTime();
  const result: SweepResult = { expired: 0, skipped: 0, failed: 0, errors: [], complete: false };
  if (deadline.remainingMs() < timing.expirySweepReserveMs) return result;
  for await (const ids of deps.intents.dueForExpiry(now, pageSize)) {
    const outcomes = await Promise.all(ids.map((id) => expireOne(deps.intents, id, now)));
    for (const outcome of outcomes) {
      if (typeof outcome === 'string') {
        result[outcome] += 1;
      } else {
        result.failed += 1;
        if (!result.errors.includes(outcome.error)) result.errors.push(outcome.error);
      }
    }
    // Leaving the loop ends the listing: no further page is read.
    if (deadline.remainingMs() < timing.expirySweepReserveMs) return result;
  }
  result.complete = true;
  return result;
}

async function expireOne(
  intents: ExpiryStore,
  id: string,
  now: number,
): Promise<'expired' | 'skipped' | { error: string }> {
  try {
    await intents.expire(id, now, EXPIRY_CRN);
    return 'expired';
  } catch (error) {
    if (error instanceof StateConflictError) return 'skipped';
    // One intent's failure does not stop the others; the sweep reports it.
    return { error: error instanceof Error ? error.name : typeof error };
  }
}
