import { createIntent } from '../shared/domain/create-intent';
import { toIntentResponse } from '../shared/domain/intent-response';
import {
  type CreateIntentBody,
  createIntentBodySchema,
  intentResponseSchema,
} from '../shared/domain/schemas';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';

/** POST /api/bank-account-connection-intents */
export const createIntentAction: RouteAction<CreateIntentBody> = async ({ body, principal, services }) =>
  toIntentResponse(await createIntent(services, principal, body));

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
