import { listIntents } from '../shared/domain/read-intents';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';
import { listIntentsRoute } from './route';
import { type ListIntentsServices, listIntentsServices } from './services';

/** GET /api/accounts/{accountId}/bank-account-connection-intents?pageKey=… */
export const listIntentsAction: RouteAction<typeof listIntentsRoute, ListIntentsServices> = ({
  query,
  pathParameters,
  principal,
  services,
}) => listIntents(services, principal, pathParameters.accountId, query);

export const buildHandler = (options?: ApiHandlerOptions<ListIntentsServices>) =>
  apiHandler(listIntentsRoute, listIntentsAction, listIntentsServices, options);

export const handler = buildHandler();
