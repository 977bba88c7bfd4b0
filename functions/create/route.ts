import * as z from 'zod/mini';
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
    "- `type`: the seed's names and the later page's are both served, and the intent answers with the one sent: `quartz-accounts` or `account-information-consent` (connect the accounts the user picks), `quartz-payment` or `enduring-payment-consent` (an enduring payment consent on one Bank Account).",
    "- `accountId` must be the API key's account, else 403 Forbidden.",
    "- `bankAccountId` is required for the payment types and not allowed for the account-information types (400 naming it). It must name a Bank Account of the same account (else 403 Forbidden) whose `test` flag equals the intent's (else 403 `LIVENESS_MISMATCH`).",
    "- `name`, `period` (default `daily`) and `totalAmount`: a payment consent's limits, not allowed for the account-information types (400 naming the field). They are shown to the user at the bank, and a grant that carries other limits back fails the intent.",
    "- `loginHint` (optional): the user's identifier at the bank. The intent then uses the decoupled flow: the bank asks the user in its app (OpenID CIBA), `authorizationUrl` is the bank's issuer identifier (nothing to open), and the client polls authorize without `code`. A login hint the bank refuses is a 400 naming `loginHint`.",
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
  // A decoupled intent's backchannel request authenticates the client (the redirect flow's URL
  // needs only the client id).
  readsQuartzClientSecrets: true,
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
