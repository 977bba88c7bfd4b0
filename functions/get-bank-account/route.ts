import * as z from 'zod/mini';
import { bankAccountViewSchema } from '../shared/domain/bank-account-view';
import { noQuerySchema } from '../shared/domain/query-schemas';
import { bankAccountIdParameter } from '../shared/http/path-parameters';
import { defineRoute } from '../shared/http/route-definition';

export const getBankAccountRoute = defineRoute({
  id: 'GetBankAccount',
  method: 'GET',
  path: '/api/bank-accounts/{bankAccountId}',
  handlerDir: 'get-bank-account',
  summary: 'Get a Bank Account',
  description:
    "A Bank Account in the family's field names. A missing Bank Account, or another account's, is 403 Forbidden.",
  rateLimitBudget: 'get-bank-account',
  roles: ['account-owner'],
  table: { get: ['bankAccount'] },
  readsQuartzClientSecrets: false,
  signsPageKeys: false,
  request: { path: z.strictObject({ bankAccountId: bankAccountIdParameter }), query: noQuerySchema },
  answer: { description: 'The Bank Account.', schema: bankAccountViewSchema },
  badRequest: 'A body was sent (`body is not allowed`), or a query parameter (none is read).',
  errors: [],
  example: { pathParameters: { bankAccountId: 'Bnk1111111111111111111' } },
});
