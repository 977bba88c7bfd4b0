import type { ConnectionIntent, IntentResponse } from './schemas';

/** The public view of an intent: the seed's fields only, nothing internal. */
export function toIntentResponse(intent: ConnectionIntent): IntentResponse {
  return {
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
  };
}
