import * as z from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { ROUTES, type Route } from '../../functions/routes';
import {
  bankAccountListSchema,
  bankAccountViewSchema,
} from '../../functions/shared/domain/bank-account-view';
import { intentPageSchema } from '../../functions/shared/domain/intent-page';
import { intentViewSchema } from '../../functions/shared/domain/intent-view';
import { intentResponseSchema } from '../../functions/shared/domain/schemas';
import {
  ERROR_ANSWERS,
  type ErrorMessage,
  EVERY_ROUTE_ERRORS,
  errorBodySchema,
  NOT_FOUND_MESSAGE,
} from '../../functions/shared/http/error-answers';
import packageJson from '../../package.json';

export type OpenApiDocument = ReturnType<typeof createDocument>;

/** The security scheme's name: the `X-Api-Key` header, as the service reads it. */
export const API_KEY_SCHEME = 'ApiKey';

/** The component of the one answer that belongs to no operation: an unknown route or method. */
export const NOT_FOUND_RESPONSE = 'RouteNotFound';

const requestIdHeader = z.string().meta({
  description: 'The API Gateway request id; error bodies repeat it as `requestId`.',
});
const retryAfterHeader = z
  .string()
  .regex(/^[1-9][0-9]*$/)
  .meta({ description: 'Seconds after which a retry makes sense.' });

/** Headers of every answer of a function, plus `Retry-After` where each of its codes carries one. */
function answerHeaders(retryAfter: boolean) {
  return z.object({
    'X-Request-Id': requestIdHeader,
    'Cache-Control': z.literal('no-store').meta({ description: 'Answers are never cached.' }),
    ...(retryAfter ? { 'Retry-After': retryAfterHeader } : {}),
  });
}

const API_DESCRIPTION = `The Bank Account Connection Intents API: create an intent, send the user to its \`authorizationUrl\` (Open Banking OAuth 2.0 at the bank, "Quartz"), then authorize the intent with the code the bank returned.

Conventions of the API family:

- Authentication: an \`X-Api-Key\` header. A key gives access to exactly one account; every operation here needs an \`account-owner\` key of the account.
- Status codes: only 200, 400, 401, 403, 404, 429 and, rarely, 5xx. Errors share one shape: \`{"statusCode":400,"error":"Bad Request","message":"type is required"}\`; \`message\` is a documented code (e.g. \`LIVENESS_MISMATCH\`) or, for a 400, a sentence naming the field. The optional \`reason\` is a human sentence: never branch on it.
- 403 Forbidden answers a missing resource, another account's, and a role without permission alike. 404 answers only an unknown route or method.
- 429 \`RATE_LIMIT_EXCEEDED\`: each operation has its own budget of 200 requests a minute per account; the answer carries \`Retry-After\` (seconds). Every 5xx is safe to retry and carries \`Retry-After\`.
- Every answer carries \`X-Request-Id\`; error bodies add it as \`requestId\`.
- Ids are 22 characters of base58; timestamps are ISO 8601 in UTC with milliseconds; \`test\` appears only when true.`;

/** The error answers of a route, one per status, each listing the codes the route may answer with it. */
function errorResponses(route: Route): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, ErrorMessage[]>();
  for (const message of [...EVERY_ROUTE_ERRORS, ...route.errors]) {
    const { status } = ERROR_ANSWERS[message];
    const messages = byStatus.get(status) ?? [];
    if (!messages.includes(message)) byStatus.set(status, [...messages, message]);
  }
  const responses: Record<string, ZodOpenApiResponseObject> = {
    '400': {
      description: `Bad Request: the \`message\` names the field. ${route.badRequest}`,
      headers: answerHeaders(false),
      content: { 'application/json': { schema: errorBodySchema(400) } },
    },
  };
  for (const [status, messages] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retryAfter = messages.every((message) => 'retryAfter' in ERROR_ANSWERS[message]);
    responses[`${status}`] = {
      description: messages.map((message) => `\`${message}\`: ${ERROR_ANSWERS[message].when}`).join('\n\n'),
      headers: answerHeaders(retryAfter),
      content: { 'application/json': { schema: errorBodySchema(status, messages) } },
    };
  }
  return responses;
}

function operationOf(route: Route): ZodOpenApiOperationObject {
  const { path, query, body } = route.request;
  const hasPathParameters = Object.keys(path.shape).length > 0;
  return {
    operationId: route.id,
    summary: route.summary,
    description: `${route.description}\n\nNeeds a key of role ${route.roles.map((role) => `\`${role}\``).join(' or ')}; counts against the rate-limit budget \`${route.rateLimitBudget}\`.`,
    security: [{ [API_KEY_SCHEME]: [] }],
    'x-rate-limit-budget': route.rateLimitBudget,
    'x-api-key-roles': [...route.roles],
    ...(hasPathParameters || query
      ? { requestParams: { ...(hasPathParameters ? { path } : {}), ...(query ? { query } : {}) } }
      : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: body,
                ...(route.example.body ? { example: route.example.body } : {}),
              },
            },
          },
        }
      : {}),
    responses: {
      '200': {
        description: route.answer.description,
        headers: answerHeaders(false),
        content: { 'application/json': { schema: route.answer.schema } },
      },
      ...errorResponses(route),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the API, built from the route table and its zod schemas alone: every
 * route's operation, its parameters, body, answer and error answers with their codes. `npm run
 * openapi` writes it to docs/openapi.json; the local API serves it at /openapi.json.
 */
export function openApiDocument(routes: readonly Route[] = ROUTES): OpenApiDocument {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Bank Account Connection Intents API',
        version: packageJson.version,
        description: API_DESCRIPTION,
      },
      servers: [
        { url: '/', description: 'Where this document is served (the local API of `npm start`).' },
        {
          url: 'https://{apiId}.execute-api.{region}.amazonaws.com/v1',
          description: 'A deployed stack (its `ApiUrl` output).',
          variables: { apiId: { default: 'apiId' }, region: { default: 'us-east-1' } },
        },
      ],
      security: [{ [API_KEY_SCHEME]: [] }],
      paths,
      components: {
        securitySchemes: {
          [API_KEY_SCHEME]: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Api-Key',
            description:
              'The secret of an API key of the account. Missing: 401 `Missing authentication`; unknown or disabled: 401 `Invalid authentication`; a role the operation does not admit: 403 Forbidden.',
          },
        },
        schemas: {
          Intent: intentResponseSchema,
          IntentView: intentViewSchema,
          IntentPage: intentPageSchema,
          BankAccount: bankAccountViewSchema,
          BankAccounts: bankAccountListSchema,
        },
        responses: {
          [NOT_FOUND_RESPONSE]: {
            description: 'No route has this path and method (any path and method not listed here).',
            content: { 'application/json': { schema: errorBodySchema(404, [NOT_FOUND_MESSAGE]) } },
          },
        },
      },
    },
    {
      // zod names the format of `startsWith` after itself; its `pattern` already says it, and a
      // format no JSON Schema validator knows would fail them.
      override: ({ jsonSchema }) => {
        if (jsonSchema.format === 'starts_with') delete jsonSchema.format;
      },
    },
  );
}

/** The document as committed (docs/openapi.json) and served: two-space JSON with a final newline. */
export const openApiText = (routes: readonly Route[] = ROUTES): string =>
  `${JSON.stringify(openApiDocument(routes), null, 2)}\n`;
