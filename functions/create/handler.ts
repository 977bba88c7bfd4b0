import { createIntentOnce } from '../shared/domain/create-intent-once';
import {
  type CreateIntentBody,
  createIntentBodySchema,
  intentResponseSchema,
} from '../shared/domain/schemas';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';

/** POST /api/bank-account-connection-intents (at most one intent per idempotency key) */
export const createIntentAction: RouteAction<CreateIntentBody> = ({ body, principal, services, deadline }) =>
  createIntentOnce(services, principal, body, deadline);

export const buildHandler = (options?: ApiHandlerOptions) =>
  apiHandler(
    {
      rateLimitBudget: 'create-intent',
      bodySchema: createIntentBodySchema,
      responseSchema: intentResponseSchema,
      action: createIntentAction,
    },
    options,
  );

export const handler = buildHandler();
