import { listIntents } from '../shared/domain/read-intents';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';
import { listIntentsRoute } from './route';

/** GET /api/accounts/{accountId}/bank-account-connection-intents?pageKey=… */
export const listIntentsAction: RouteAction<typeof listIntentsRoute> = ({
  query,
  pathParameters,
  principal,
  services,
}) => listIntents(services, principal, pathParameters.accountId, query);

export const buildHandler = (options?: ApiHandlerOptions) =>
  apiHandler(listIntentsRoute, listIntentsAction, options);

export const handler = buildHandler();
