import * as z from 'zod';
import { authorizeIntentBodySchema } from '../shared/domain/schemas';
import { intentIdParameter } from '../shared/http/path-parameters';
import { defineRoute } from '../shared/http/route-definition';

export const authorizeIntentRoute = defineRoute({
  id: 'AuthorizeIntent',
  method: 'POST',
  path: '/api/bank-account-connection-intents/{bankAccountConnectionIntentId}/authorize',
  handlerDir: 'authorize',
  summary: 'Authorize an intent with the code the bank returned',
  description: [
    'Redeems the authorization code at the bank, at most once, and finishes the intent: `quartz-accounts` creates one Bank Account per account the user selected (an account already held is not duplicated); `quartz-payment` marks its Bank Account `enduringPaymentConsentAuthorized`.',
    '',
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
    'The body is not JSON, not `application/json`, or `code` is missing, unknown fields, or malformed.',
  errors: [
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
