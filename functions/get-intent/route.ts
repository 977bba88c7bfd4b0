import * as z from 'zod/mini';
import { intentViewSchema } from '../shared/domain/intent-view';
import { noQuerySchema } from '../shared/domain/query-schemas';
import { intentIdParameter } from '../shared/http/path-parameters';
import { defineRoute } from '../shared/http/route-definition';

export const getIntentRoute = defineRoute({
  id: 'GetIntent',
  method: 'GET',
  path: '/api/bank-account-connection-intents/{bankAccountConnectionIntentId}',
  handlerDir: 'get-intent',
  summary: 'Get an intent',
  description:
    "The intent as create answers it, read strongly consistently, plus `failureReason` when it `failed` and `bankAccountIds` (the Bank Accounts it connected, those already held included) when a `quartz-accounts` intent is `authorized`. A missing intent, or another account's, is 403 Forbidden.",
  rateLimitBudget: 'get-intent',
  roles: ['account-owner'],
  table: { get: ['intent'] },
  readsQuartzClientSecrets: false,
  signsPageKeys: false,
  request: {
    path: z.strictObject({ bankAccountConnectionIntentId: intentIdParameter }),
    query: noQuerySchema,
  },
  answer: { description: 'The intent.', schema: intentViewSchema },
  badRequest: 'A body was sent (`body is not allowed`), or a query parameter (none is read).',
  errors: [],
  example: { pathParameters: { bankAccountConnectionIntentId: '3KVjuKW2CZCJeJVqPxwkX7' } },
});
