import * as z from 'zod/mini';

/**
 * Why an intent failed, as the read operations answer it: the one list of documented codes
 * (docs/read-operations.md describes each). Clients may branch on these.
 */
export const FAILURE_REASONS = [
  /** The user refused at the bank. */
  'ACCESS_DENIED',
  /** The bank refused the authorization code: invalid, expired, or already redeemed. */
  'CODE_REJECTED',
  /** The bank granted less than the intent needs: a scope, or a payment consent for another account. */
  'GRANT_INSUFFICIENT',
  /** The bank refused the access token it had issued when the accounts were read. */
  'TOKEN_REJECTED',
  /** The intent was not authorized within its lifetime, or its decoupled request expired unanswered. */
  'EXPIRED',
  /** The bank refused the authorization for a reason not listed above. */
  'PROVIDER_REJECTED',
] as const;
export const failureReasonSchema = z.enum(FAILURE_REASONS);
export type FailureReason = z.infer<typeof failureReasonSchema>;

/**
 * The provider's own codes, as authorize stores them (OAuth 2.0 error codes, and the service's own
 * name for a payment consent that names another bank account).
 */
const FROM_PROVIDER_CODE: ReadonlyMap<string, FailureReason> = new Map<string, FailureReason>([
  ['access_denied', 'ACCESS_DENIED'],
  ['invalid_grant', 'CODE_REJECTED'],
  ['insufficient_scope', 'GRANT_INSUFFICIENT'],
  ['authorization_details_mismatch', 'GRANT_INSUFFICIENT'],
  ['invalid_token', 'TOKEN_REJECTED'],
  // A decoupled request the user left unanswered until the bank let it expire.
  ['expired_token', 'EXPIRED'],
]);

/**
 * The documented code for a stored failure reason: a provider code is translated, a documented code
 * (one the service wrote itself, such as EXPIRED) kept, and anything else told as PROVIDER_REJECTED,
 * so that an intent failed for a reason unknown to this version still reads.
 */
export function failureReasonOf(stored: string | undefined): FailureReason {
  if (stored === undefined) return 'PROVIDER_REJECTED';
  const translated = FROM_PROVIDER_CODE.get(stored);
  if (translated) return translated;
  const documented = failureReasonSchema.safeParse(stored);
  return documented.success ? documented.data : 'PROVIDER_REJECTED';
}
