import { authorizeIntent } from '../shared/domain/authorize-intent';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';
import { authorizeIntentRoute } from './route';
import { type AuthorizeIntentServices, authorizeIntentServices } from './services';

/** POST /api/bank-account-connection-intents/{bankAccountConnectionIntentId}/authorize */
export const authorizeIntentAction: RouteAction<
  typeof authorizeIntentRoute,
  AuthorizeIntentServices
> = async ({ body, pathParameters, principal, services, deadline }) => {
  await authorizeIntent(services, principal, pathParameters.bankAccountConnectionIntentId, body, deadline);
  return {};
};

export const buildHandler = (options?: ApiHandlerOptions<AuthorizeIntentServices>) =>
  apiHandler(authorizeIntentRoute, authorizeIntentAction, authorizeIntentServices, options);

export const handler = buildHandler();
