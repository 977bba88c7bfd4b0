import { listBankAccounts } from '../shared/domain/read-bank-accounts';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';
import { listBankAccountsRoute } from './route';
import { type ListBankAccountsServices, listBankAccountsServices } from './services';

/** GET /api/accounts/{accountId}/bank-accounts */
export const listBankAccountsAction: RouteAction<typeof listBankAccountsRoute, ListBankAccountsServices> = ({
  pathParameters,
  principal,
  services,
}) => listBankAccounts(services, principal, pathParameters.accountId);

export const buildHandler = (options?: ApiHandlerOptions<ListBankAccountsServices>) =>
  apiHandler(listBankAccountsRoute, listBankAccountsAction, listBankAccountsServices, options);

export const handler = buildHandler();
