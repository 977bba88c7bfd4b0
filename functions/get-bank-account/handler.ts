import { bankAccountViewSchema } from '../shared/domain/bank-account-view';
import { type NoQuery, noQuerySchema } from '../shared/domain/query-schemas';
import { getBankAccount } from '../shared/domain/read-bank-accounts';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';

/** GET /api/bank-accounts/{bankAccountId} */
export const getBankAccountAction: RouteAction<undefined, NoQuery> = ({
  pathParameters,
  principal,
  services,
}) => getBankAccount(services, principal, pathParameters.bankAccountId ?? '');

export const buildHandler = (options?: ApiHandlerOptions) =>
  apiHandler(
    {
      rateLimitBudget: 'get-bank-account',
      querySchema: noQuerySchema,
      responseSchema: bankAccountViewSchema,
      action: getBankAccountAction,
    },
    options,
  );

export const handler = buildHandler();
