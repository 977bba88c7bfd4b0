import * as z from 'zod/mini';
import { authorizeIntentBodySchema } from '../shared/domain/schemas';
import { intentIdParameter } from '../shared/http/path-parameters';
import { defineRoute } from '../shared/http/route-definition';

export const authorizeIntentRoute = defineRoute({
  id: 'AuthorizeIntent',
  method: 'POST',
  path: '/api/bank-account-connection-intents/{bankAccountConnectionIntentId}/authorize',
  handlerDir: 'authorize',
  summary: 'Authorize an intent with the code the bank returned, or poll a decoupled intent',
  description: [
    "Redeems the authorization code at the bank, at most once, and finishes the intent: an account-information intent (`quartz-accounts`, `account-information-consent`) creates one Bank Account per account the user selected (an account already held is not duplicated); a payment intent (`quartz-payment`, `enduring-payment-consent`) marks its Bank Account `enduringPaymentConsentAuthorized` and records the consent's limits on it.",
    '',
    '- A redirect intent needs `code`; a decoupled intent (created with `loginHint`) is polled without it. Either way round is a 400 naming `code`.',
    "- Polling a decoupled intent: while the user has not answered at the bank, 403 `AUTHORIZATION_PENDING` with `Retry-After` (the bank's interval, raised when the bank asks to slow down); once approved, `200 {}` through the same exactly-once path as a code; denied or expired at the bank, 403 `AUTHORIZATION_FAILED`. At most one request per intent is at the bank at a time.",
    "- `state` and `iss` (optional) are what the bank returned to the redirect URI with the code; when given they must be this intent's state and the issuer it was sent to (RFC 9207), else a 400 naming the field, checked before anything is redeemed, so a code meant for another intent changes nothing.",
    '- A payment consent whose grant carries other limits than asked fails: 403 `AUTHORIZATION_FAILED`.',
    '- The same code again after success answers `200 {}` (a safe retry); another code is 403 `ALREADY_AUTHORIZED`.',
    '- A code the bank refuses, or an intent that already failed, is 403 `AUTHORIZATION_FAILED`.',
    '- 502 `PROVIDER_UNAVAILABLE` (the bank was not reached) leaves the intent `created`: retry with the same code. 502 `PROVIDER_ERROR` and 504 `PROVIDER_TIMEOUT` mean the code reached the bank and its answer was lost: a retry with the same code completes the intent unless the bank redeemed the code, in which case it answers 403 `AUTHORIZATION_FAILED`.',
    '- Every 5xx carries `Retry-After`.',
  ].join('\n'),
  rateLimitBudget: 'authorize-intent',
  roles: ['account-owner'],
  // Reads the intent, claims/saves/finishes it (updates); puts the connected Bank Accounts and their
  // number items (reading a number item first), marks a payment consent on its Bank Account.
  table: {
    get: ['intent', 'bankAccount', 'bankAccountNumber'],
    put: ['bankAccount', 'bankAccountNumber'],
    update: ['intent', 'bankAccount'],
  },
  readsQuartzClientSecrets: true,
  signsPageKeys: false,
  request: {
    path: z.strictObject({ bankAccountConnectionIntentId: intentIdParameter }),
    body: authorizeIntentBodySchema,
  },
  answer: { description: 'The intent is authorized: an empty object.', schema: z.strictObject({}) },
  badRequest:
    "The body is not JSON, not `application/json`, has unknown or malformed fields, `code` is missing for a redirect intent or given for a decoupled one, or `state` or `iss` is not the intent's.",
  errors: [
    'AUTHORIZATION_PENDING',
    'AUTHORIZATION_FAILED',
    'ALREADY_AUTHORIZED',
    'PROVIDER_UNAVAILABLE',
    'PROVIDER_ERROR',
    'PROVIDER_TIMEOUT',
    'CONCURRENT_UPDATE',
    'AUTHORIZATION_IN_PROGRESS',
  ],
  example: {
    pathParameters: { bankAccountConnectionIntentId: '3KVjuKW2CZCJeJVqPxwkX7' },
    body: { code: 'hKpKupTM391pE10xfQiorMxXarRKAHRhTfH_x' },
  },
});
