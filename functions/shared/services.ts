import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig, type QuartzConfig, type SecretSource, type ServiceConfig } from './config';
import { batchedRateLimits, cachedApiKeys } from './container-caches';
import { DeadlineHttpHandler } from './deadline-http-handler';
import { type Clock, systemClock } from './domain/clock';
import { ServiceUnavailableError } from './domain/errors';
import { PageKeys } from './domain/page-keys';
import type {
  ApiKeyStore,
  BankAccountListStore,
  BankAccountStore,
  IdempotencyStore,
  IntentDependencies,
  IntentListStore,
  IntentStore,
  RateLimitStore,
} from './domain/ports';
import { loopbackEndpointDefaults } from './loopback-endpoint';
import { logger } from './observability/logger';
import { traced, tracer } from './observability/tracer';
import { QuartzClient, type QuartzFetch } from './provider/quartz-client';
import { QuartzProvider } from './provider/quartz-provider';
import { ApiKeyRepository } from './repository/api-key-repository';
import { BankAccountRepository } from './repository/bank-account-repository';
import { IdempotencyRepository } from './repository/idempotency-repository';
import { IntentRepository } from './repository/intent-repository';
import { RateLimitRepository } from './repository/rate-limit-repository';
import { translateStoreErrors } from './repository/store-errors';
import { cachedSecret } from './secrets';
import { API_KEY_CACHE_BUDGET, apiKeyCacheBudget, TIME_BUDGET } from './time-budget';

export interface Services extends IntentDependencies {
  intents: IntentStore & IntentListStore;
  bankAccounts: BankAccountStore & BankAccountListStore;
  apiKeys: ApiKeyStore;
  rateLimits: RateLimitStore;
  pageKeys: PageKeys;
  idempotency: IdempotencyStore;
  /** How long a new intent may be authorized; only create uses it. */
  intentLifetimeMs: number;
}

export interface ServiceOverrides {
  dynamo?: DynamoDBDocumentClient;
  fetch?: QuartzFetch;
  /** The clock of the services and of the API-key cache's ages. */
  clock?: Clock;
}

/**
 * Builds the adapters for one configuration; clients are created here, once, and so are the caches
 * of the API keys and the rate-limit tokens (container-caches.ts), which live as long as these
 * services do.
 */
export function buildServices(config: ServiceConfig, overrides: ServiceOverrides = {}): Services {
  // Where tracing is on, it starts here: every fetch from now on (the bank) is traced.
  tracer();
  const client = overrides.dynamo ?? createDocumentClient();
  const repository = { client, tableName: config.tableName };
  const clock = overrides.clock ?? systemClock;
  let secretsManager: SecretsManagerClient | undefined;
  const secrets = () => {
    secretsManager ??= traced(new SecretsManagerClient({ requestHandler: new DeadlineHttpHandler() }));
    return secretsManager;
  };
  const quartz = (settings: QuartzConfig) => {
    const clientSecret = cachedSecret(settings.clientSecret, secrets);
    // Read the secret now, during the cold start, rather than inside the first authorization; a
    // failed read is not kept, so that authorization tries again.
    if (settings.clientSecret && 'secretArn' in settings.clientSecret) clientSecret().catch(() => undefined);
    return new QuartzClient({
      issuer: settings.issuer,
      clientId: settings.clientId,
      redirectUri: settings.redirectUri,
      clientSecret,
      onClientAuthenticationFailure: clientSecret.reset,
      ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
    });
  };
  return {
    intents: new IntentRepository(repository),
    pageKeys: new PageKeys(pageKeySecret(config.pageKeySecret, secrets)),
    bankAccounts: new BankAccountRepository(repository),
    apiKeys: cachedApiKeys(
      new ApiKeyRepository(repository),
      clock,
      apiKeyCacheBudget(config.apiKeyRevocationBoundMs ?? API_KEY_CACHE_BUDGET.revocationBoundMs),
    ),
    rateLimits: batchedRateLimits(new RateLimitRepository(repository)),
    idempotency: new IdempotencyRepository(repository),
    provider: new QuartzProvider({ live: quartz(config.quartz.live), test: quartz(config.quartz.test) }),
    clock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    intentLifetimeMs: config.intentLifetimeSeconds * 1_000,
  };
}

/**
 * The page-key secret, read during the cold start where it lives in Secrets Manager. A read that
 * fails is a retryable 503 (and is tried again on the next request); the cause is logged.
 */
function pageKeySecret(source: SecretSource, client: () => SecretsManagerClient): () => Promise<string> {
  const secret = cachedSecret(source, client, 'page key secret');
  if (source && 'secretArn' in source) secret().catch(() => undefined);
  return async () => {
    try {
      return await secret();
    } catch (error) {
      logger.error('page key secret unavailable', {
        error: error instanceof Error ? error.name : typeof error,
      });
      throw new ServiceUnavailableError();
    }
  };
}

/** The DynamoDB endpoint comes from the SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB for a local engine). */
export function createDocumentClient(env: NodeJS.ProcessEnv = process.env): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...loopbackEndpointDefaults(env.AWS_ENDPOINT_URL_DYNAMODB, env),
    requestHandler: new DeadlineHttpHandler(),
    maxAttempts: TIME_BUDGET.dynamoMaxAttempts,
  });
  translateStoreErrors(client);
  // The document client shares this client's middleware stack, and so its tracing.
  return DynamoDBDocumentClient.from(traced(client), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

let processServices: Services | undefined;

/** The services of this process, built from the environment on first use (a Lambda cold start). */
export function servicesFromEnvironment(): Services {
  processServices ??= buildServices(loadConfig());
  return processServices;
}
