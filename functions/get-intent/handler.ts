import { getIntent } from '../shared/domain/read-intents';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';
import { getIntentRoute } from './route';

/** GET /api/bank-account-connection-intents/{bankAccountConnectionIntentId} */
export const getIntentAction: RouteAction<typeof getIntentRoute> = ({
  pathParameters,
  principal,
  services,
}) => getIntent(services, principal, pathParameters.bankAccountConnectionIntentId);

export const buildHandler = (options?: ApiHandlerOptions) =>
  apiHandler(getIntentRoute, getIntentAction, options);

export const handler = buildHandler();
