import { intentPageSchema } from '../shared/domain/intent-page';
import { type ListIntentsQuery, listIntentsQuerySchema } from '../shared/domain/query-schemas';
import { listIntents } from '../shared/domain/read-intents';
import { type ApiHandlerOptions, apiHandler, type RouteAction } from '../shared/http/api-handler';

/** GET /api/accounts/{accountId}/bank-account-connection-intents?pageKey=… */
export const listIntentsAction: RouteAction<undefined, ListIntentsQuery> = ({
  query,
  pathParameters,
  principal,
  services,
}) => listIntents(services, principal, pathParameters.accountId ?? '', query);

export const buildHandler = (options?: ApiHandlerOptions) =>
  apiHandler(
    {
      rateLimitBudget: 'list-intents',
      querySchema: listIntentsQuerySchema,
      responseSchema: intentPageSchema,
      action: listIntentsAction,
    },
    options,
  );

export const handler = buildHandler();
