import { createIntentOnce } from '../shared/domain/create-intent-once';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';
import { createIntentRoute } from './route';
import { type CreateIntentServices, createIntentServices } from './services';

/** POST /api/bank-account-connection-intents (at most one intent per idempotency key) */
export const createIntentAction: RouteAction<typeof createIntentRoute, CreateIntentServices> = ({
  body,
  principal,
  services,
  deadline,
}) => createIntentOnce(services, principal, body, deadline);

export const buildHandler = (options?: ApiHandlerOptions<CreateIntentServices>) =>
  apiHandler(createIntentRoute, createIntentAction, createIntentServices, options);

export const handler = buildHandler();
