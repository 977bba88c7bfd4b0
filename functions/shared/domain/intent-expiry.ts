import type { FailureReason } from './failure-reason';
import type { ConnectionIntent } from './schemas';

/**
 * The rules of an intent's lifetime (docs/expiry.md). An intent still `created` when its lifetime
 * ends can no longer be authorized: it becomes `failed` with `EXPIRED`, and its PKCE verifier,
 * state and any saved grant are dropped. One exception keeps authorize exactly-once: a call that
 * claimed the intent before the end may finish, so an intent is due for expiry only once no claim
 * on it is live.
 */

/** Who an expiry is recorded as: no caller changed the intent, the service's own rule did. */
export const EXPIRY_CRN = 'crn::system:intent-expiry';

export const EXPIRED = 'EXPIRED' satisfies FailureReason;

/** When an intent created at `createdAtMs` (epoch ms) stops being authorizable. */
export const expiresAtFor = (createdAtMs: number, lifetimeMs: number): string =>
  new Date(createdAtMs + lifetimeMs).toISOString();

/** A claim that still holds at `now` (epoch ms): its holder may be running. */
export const hasLiveClaim = (intent: ConnectionIntent, now: number): boolean =>
  intent.claim !== undefined && intent.claim.expiresAt > now;

/** Still `created` and its lifetime over at `now`; an intent without `expiresAt` never expires. */
export const isPastLifetime = (intent: ConnectionIntent, now: number): boolean =>
  intent.status === 'created' && intent.expiresAt !== undefined && Date.parse(intent.expiresAt) <= now;

/** What the expiry write's condition accepts: past its lifetime and no claim live. */
export const isDueForExpiry = (intent: ConnectionIntent, now: number): boolean =>
  isPastLifetime(intent, now) && !hasLiveClaim(intent, now);

/**
 * The intent as it stands at `now`: one due for expiry is answered as the expiry write leaves it,
 * whether or not that write has happened yet, so a read never shows an authorizable intent that
 * authorize would refuse. Its `updatedAt` is the moment it expired, which is also what the write
 * records, so the answer does not change when the write lands.
 */
export function asSeenAt(intent: ConnectionIntent, now: number): ConnectionIntent {
  if (!isDueForExpiry(intent, now) || intent.expiresAt === undefined) return intent;
  const { claim: _claim, grant: _grant, oauth: _oauth, backchannel: _backchannel, ...kept } = intent;
  return {
    ...kept,
    status: 'failed',
    failureReason: EXPIRED,
    updatedAt: intent.expiresAt,
    updatedBy: EXPIRY_CRN,
  };
}
