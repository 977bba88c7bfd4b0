import { bankAccountListSchema } from '../shared/domain/bank-account-view';
import { type NoQuery, noQuerySchema } from '../shared/domain/query-schemas';
import { listBankAccounts } from '../shared/domain/read-bank-accounts';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';

/** GET /api/accounts/{accountId}/bank-accounts */
export const listBankAccountsAction: RouteAction<undefined, NoQuery> = ({
  pathParameters,
  principal,
  services,
}) => listBankAccounts(services, principal, pathParameters.accountId ?? '');

export const buildHandler = (options?: ApiHandlerOptions) =>
  apiHandler(
    {
      rateLimitBudget: 'list-bank-accounts',
      querySchema: noQuerySchema,
      responseSchema: bankAccountListSchema,
      action: listBankAccountsAction,
    },
    options,
  );

export const handler = buildHandler();
