import { type ConnectionIntent, type IntentResponse, intentResponseSchema, isPaymentType } from './schemas';

/**
 * The public view of an intent: the seed's fields, and the later page's limits for the payment
 * types. Parsed through the strict response schema, so an internal field can never slip into an
 * answer.
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
    ...(isPaymentType(intent.type) ? paymentTerms(intent) : {}),
  });
}

function paymentTerms(intent: ConnectionIntent): Partial<IntentResponse> {
  return {
    ...(intent.bankAccountId ? { bankAccountId: intent.bankAccountId } : {}),
    ...(intent.name !== undefined ? { name: intent.name } : {}),
    ...(intent.period !== undefined ? { period: intent.period } : {}),
    ...(intent.totalAmount !== undefined ? { totalAmount: intent.totalAmount } : {}),
  };
}
