import * as z from 'zod';
import { createIntentBodySchema, intentResponseSchema } from '../shared/domain/schemas';
import { defineRoute } from '../shared/http/route-definition';

export const createIntentRoute = defineRoute({
  id: 'CreateIntent',
  method: 'POST',
  path: '/api/bank-account-connection-intents',
  handlerDir: 'create',
  summary: 'Create a Bank Account Connection Intent',
  description: [
    "Creates an intent for the API key's account and answers it with the `authorizationUrl` to send the user to.",
    '',
    "- `accountId` must be the API key's account, else 403 Forbidden.",
    "- `bankAccountId` is required when `type` is `quartz-payment` and not allowed for `quartz-accounts` (400 naming it). It must name a Bank Account of the same account (else 403 Forbidden) whose `test` flag equals the intent's (else 403 `LIVENESS_MISMATCH`).",
    "- `test: true` uses the provider's sandbox and may only touch test Bank Accounts.",
    '- `idempotencyKey` (optional, 1–255 characters of printable ASCII) is scoped to the account and kept 24 hours: the same key with the same request answers the saved intent of the first success; the same key with another request is a 400 naming `idempotencyKey`; while the first request is still running, the second waits briefly, then answers 503 `IDEMPOTENT_REQUEST_IN_PROGRESS` with `Retry-After`.',
  ].join('\n'),
  rateLimitBudget: 'create-intent',
  roles: ['account-owner'],
  // A payment's Bank Account is read; the intent is put; an idempotency key's record is read, claimed
  // (put), completed (updated), and the intent bound to it read.
  table: {
    get: ['bankAccount', 'intent', 'idempotencyRecord'],
    put: ['intent', 'idempotencyRecord'],
    update: ['idempotencyRecord'],
  },
  // Building the authorization URL needs only the client id, not the secret.
  readsQuartzClientSecrets: false,
  signsPageKeys: false,
  request: { path: z.strictObject({}), body: createIntentBodySchema },
  answer: { description: 'The intent, `status` `created`.', schema: intentResponseSchema },
  badRequest:
    'The body is not JSON, not `application/json`, or a field is missing, unknown or malformed; `idempotencyKey was already used with another request`.',
  errors: [
    'LIVENESS_MISMATCH',
    'PROVIDER_UNAVAILABLE',
    'CONCURRENT_UPDATE',
    'IDEMPOTENT_REQUEST_IN_PROGRESS',
  ],
  example: {
    body: { accountId: 'uooxSens6ykJaim1Cu1Q55', type: 'quartz-accounts', test: true },
  },
});
