import * as z from 'zod/mini';
import { bankAccountListSchema } from '../shared/domain/bank-account-view';
import { noQuerySchema } from '../shared/domain/query-schemas';
import { accountIdParameter } from '../shared/http/path-parameters';
import { defineRoute } from '../shared/http/route-definition';

export const listBankAccountsRoute = defineRoute({
  id: 'ListBankAccounts',
  method: 'GET',
  path: '/api/accounts/{accountId}/bank-accounts',
  handlerDir: 'list-bank-accounts',
  summary: "List an account's Bank Accounts",
  description:
    "All the account's Bank Accounts, test and live, newest first, as one JSON array (an account holds a handful: no pages). Another account's list is 403 Forbidden.",
  rateLimitBudget: 'list-bank-accounts',
  roles: ['account-owner'],
  // The account's bank-account-number items (one partition of the table), then its Bank Accounts
  // in one batch.
  table: { batchGet: ['bankAccount'], query: [{ items: 'bankAccountNumber' }] },
  readsQuartzClientSecrets: false,
  signsPageKeys: false,
  request: { path: z.strictObject({ accountId: accountIdParameter }), query: noQuerySchema },
  answer: { description: 'The Bank Accounts.', schema: bankAccountListSchema },
  badRequest: 'A body was sent (`body is not allowed`), or a query parameter (none is read).',
  errors: [],
  example: { pathParameters: { accountId: 'uooxSens6ykJaim1Cu1Q55' } },
});
