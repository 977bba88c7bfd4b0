import { type ConnectionIntent, type IntentResponse, intentResponseSchema } from './schemas';

/**
 * The public view of an intent: the seed's fields only. Parsed through the strict response schema,
 * so an internal field can never slip into an answer.
 */
export function toIntentResponse(intent: ConnectionIntent): IntentResponse {
  return intentResponseSchema.parse({
    id: intent.id,
    accountId: intent.accountId,
    type: intent.type,
    status: intent.status,
    createdAt: intent.createdAt,
    createdBy: intent.createdBy,
    updatedAt: intent.updatedAt,
    updatedBy: intent.updatedBy,
    authorizationUrl: intent.authorizationUrl,
    ...(intent.test === true ? { test: true as const } : {}),
    ...(intent.type === 'quartz-payment' && intent.bankAccountId
      ? { bankAccountId: intent.bankAccountId }
      : {}),
  });
}
