import { getBankAccount } from '../shared/domain/read-bank-accounts';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';
import { getBankAccountRoute } from './route';
import { type GetBankAccountServices, getBankAccountServices } from './services';

/** GET /api/bank-accounts/{bankAccountId} */
export const getBankAccountAction: RouteAction<typeof getBankAccountRoute, GetBankAccountServices> = ({
  pathParameters,
  principal,
  services,
}) => getBankAccount(services, principal, pathParameters.bankAccountId);

export const buildHandler = (options?: ApiHandlerOptions<GetBankAccountServices>) =>
  apiHandler(getBankAccountRoute, getBankAccountAction, getBankAccountServices, options);

export const handler = buildHandler();
