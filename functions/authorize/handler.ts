import * as z from 'zod';
import { authorizeIntent } from '../shared/domain/authorize-intent';
import { type AuthorizeIntentBody, authorizeIntentBodySchema } from '../shared/domain/schemas';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';

/** POST /api/bank-account-connection-intents/{bankAccountConnectionIntentId}/authorize */
export const authorizeIntentAction: RouteAction<AuthorizeIntentBody> = async ({
  body,
  pathParameters,
  principal,
  services,
  deadline,
}) => {
  await authorizeIntent(
    services,
    principal,
    pathParameters.bankAccountConnectionIntentId ?? '',
    body,
    deadline,
  );
  return {};
};

export const buildHandler = (options?: ApiHandlerOptions) =>
  apiHandler(
    {
      rateLimitBudget: 'authorize-intent',
      bodySchema: authorizeIntentBodySchema,
      responseSchema: z.strictObject({}),
      action: authorizeIntentAction,
    },
    options,
  );

export const handler = buildHandler();
