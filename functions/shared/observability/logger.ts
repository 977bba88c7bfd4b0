import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The service's one logger: JSON lines with the service name, level and timestamp, the level from
 * POWERTOOLS_LOG_LEVEL (INFO by default). Nothing logs a code, verifier, token, API key or client
 * secret: callers pass ids, statuses and error codes only (an integration test scans the output).
 */
export const logger = new Logger({ serviceName: 'bank-account-connection-intents' });
