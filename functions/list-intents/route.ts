import * as z from 'zod/mini';
import { intentPageSchema } from '../shared/domain/intent-page';
import { listIntentsQuerySchema } from '../shared/domain/query-schemas';
import { accountIdParameter } from '../shared/http/path-parameters';
import { defineRoute } from '../shared/http/route-definition';

export const listIntentsRoute = defineRoute({
  id: 'ListIntents',
  method: 'GET',
  path: '/api/accounts/{accountId}/bank-account-connection-intents',
  handlerDir: 'list-intents',
  summary: "List an account's intents, newest first",
  description: [
    'At most 50 intents a page, newest first (by `createdAt`, then id), each as `GET` of one intent answers it.',
    '',
    '- `nextPageKey` is absent on the last page; pass it as `pageKey` for the next one.',
    "- A `pageKey` the service did not issue for this account and query (changed, cut, made up, or another account's) is a 400 `pageKey is invalid`: start again from the first page.",
    '- The list is read from an index, eventually consistent: an intent created a moment ago may be missing for a fraction of a second.',
    "- Another account's list is 403 Forbidden.",
  ].join('\n'),
  rateLimitBudget: 'list-intents',
  roles: ['account-owner'],
  // The account's partition of the index of intents (which holds intents only).
  table: { query: [{ items: 'intent', index: 'accountTimeline' }] },
  readsQuartzClientSecrets: false,
  signsPageKeys: true,
  request: { path: z.strictObject({ accountId: accountIdParameter }), query: listIntentsQuerySchema },
  answer: { description: 'One page of intents.', schema: intentPageSchema },
  badRequest:
    'A body was sent, a query parameter is unknown or given twice, or `pageKey is invalid` (not issued for this account and query).',
  errors: [],
  example: { pathParameters: { accountId: 'uooxSens6ykJaim1Cu1Q55' } },
});
