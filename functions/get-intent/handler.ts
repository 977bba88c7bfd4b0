import { getIntent } from '../shared/domain/read-intents';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';
import { getIntentRoute } from './route';
import { type GetIntentServices, getIntentServices } from './services';

/** GET /api/bank-account-connection-intents/{bankAccountConnectionIntentId} */
export const getIntentAction: RouteAction<typeof getIntentRoute, GetIntentServices> = ({
  pathParameters,
  principal,
  services,
}) => getIntent(services, principal, pathParameters.bankAccountConnectionIntentId);

export const buildHandler = (options?: ApiHandlerOptions<GetIntentServices>) =>
  apiHandler(getIntentRoute, getIntentAction, getIntentServices, options);

export const handler = buildHandler();
