import type { FunctionSettings } from './function-settings';
import type { FunctionRun } from './lambda-context';

/**
 * The environment a route's function gets in the bench's child processes, as Lambda would set it:
 * the stack's literal variables (NODE_OPTIONS, Powertools' names), the local stack's (table, banks,
 * secrets), the DynamoDB endpoint the bench chooses (the engine, or the recording proxy in front of
 * it), and the variables Lambda sets itself. Nothing the bench's own shell has leaks in, so AWS
 * credentials of the developer's stay out. Tracing stays off: there is no X-Ray daemon here.
 */
export function functionEnvironment(
  routeId: string,
  settings: FunctionSettings,
  stackEnvironment: Record<string, string>,
  dynamoEndpoint: string,
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    ...settings.literalVariables,
    ...stackEnvironment,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    AWS_LAMBDA_FUNCTION_NAME: functionNameOf(routeId),
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    TZ: 'UTC',
  };
}

export const functionNameOf = (routeId: string): string => `${routeId}Function`;

export function functionRunOf(routeId: string, settings: FunctionSettings): FunctionRun {
  return {
    functionName: functionNameOf(routeId),
    timeoutMs: settings.timeoutSeconds * 1_000,
    memoryMb: settings.memoryMb,
  };
}

/**
 * Node.js flags Lambda starts the runtime with: a heap limit below the function's memory (as
 * scripts/invoke-function.ts does for a local invocation).
 */
export const nodeFlagsOf = (settings: FunctionSettings): string[] => [
  `--max-old-space-size=${Math.floor(settings.memoryMb * 0.9)}`,
];
