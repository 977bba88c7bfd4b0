import { intentViewSchema } from '../shared/domain/intent-view';
import { type NoQuery, noQuerySchema } from '../shared/domain/query-schemas';
import { getIntent } from '../shared/domain/read-intents';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';

/** GET /api/bank-account-connection-intents/{bankAccountConnectionIntentId} */
export const getIntentAction: RouteAction<undefined, NoQuery> = ({ pathParameters, principal, services }) =>
  getIntent(services, principal, pathParameters.bankAccountConnectionIntentId ?? '');

export const buildHandler = (options?: ApiHandlerOptions) =>
  apiHandler(
    {
      rateLimitBudget: 'get-intent',
      querySchema: noQuerySchema,
      responseSchema: intentViewSchema,
      action: getIntentAction,
    },
    options,
  );

export const handler = buildHandler();
