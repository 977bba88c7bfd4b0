import { getBankAccount } from '../shared/domain/read-bank-accounts';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';
import { getBankAccountRoute } from './route';

/** GET /api/bank-accounts/{bankAccountId} */
export const getBankAccountAction: RouteAction<typeof getBankAccountRoute> = ({
  pathParameters,
  principal,
  services,
}) => getBankAccount(services, principal, pathParameters.bankAccountId);

export const buildHandler = (options?: ApiHandlerOptions) =>
  apiHandler(getBankAccountRoute, getBankAccountAction, options);

export const handler = buildHandler();
