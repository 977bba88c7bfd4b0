import * as z from 'zod/mini';
import { failureReasonOf, failureReasonSchema } from './failure-reason';
import { toIntentResponse } from './intent-response';
import { type ConnectionIntent, consentKindOf, intentResponseSchema } from './schemas';

/**
 * An intent as the read operations answer it: what create answers, plus the outcome once there is
 * one. Strict, like create's answer: an internal field can never slip into it.
 */
export const intentViewSchema = z.extend(intentResponseSchema, {
  /** When `failed`: a documented code, never the provider's own. */
  failureReason: z
    .optional(failureReasonSchema)
    .check(z.meta({ description: 'Only when `status` is `failed`.' })),
  /** When an account-information intent is `authorized`: the Bank Accounts it connected. */
  bankAccountIds: z.optional(z.array(z.string())).check(
    z.meta({
      description:
        'Only when an account-information intent (`quartz-accounts`, `account-information-consent`) is `authorized`: the Bank Accounts it connected.',
    }),
  ),
});
export type IntentView = z.infer<typeof intentViewSchema>;

export function toIntentView(intent: ConnectionIntent): IntentView {
  const connected =
    consentKindOf(intent.type) === 'account-information' && intent.status === 'authorized'
      ? intent.bankAccountIds
      : undefined;
  return intentViewSchema.parse({
    ...toIntentResponse(intent),
    ...(intent.status === 'failed' ? { failureReason: failureReasonOf(intent.failureReason) } : {}),
    ...(connected ? { bankAccountIds: connected } : {}),
  });
}
