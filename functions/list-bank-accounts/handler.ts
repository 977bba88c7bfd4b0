import { listBankAccounts } from '../shared/domain/read-bank-accounts';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';
import { listBankAccountsRoute } from './route';

/** GET /api/accounts/{accountId}/bank-accounts */
export const listBankAccountsAction: RouteAction<typeof listBankAccountsRoute> = ({
  pathParameters,
  principal,
  services,
}) => listBankAccounts(services, principal, pathParameters.accountId);

export const buildHandler = (options?: ApiHandlerOptions) =>
  apiHandler(listBankAccountsRoute, listBankAccountsAction, options);

export const handler = buildHandler();
