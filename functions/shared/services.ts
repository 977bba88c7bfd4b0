import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceConfig } from './config';
import type { PageKeys } from './domain/page-keys';
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
import { tracer } from './observability/tracer';
import { QuartzProvider } from './provider/quartz-provider';
import { BankAccountRepository } from './repository/bank-account-repository';
import { IdempotencyRepository } from './repository/idempotency-repository';
import { IntentRepository } from './repository/intent-repository';
import { apiChainServices } from './wiring/api-chain';
import { createDocumentClient } from './wiring/document-client';
import { pageKeys } from './wiring/page-keys';
import type { WiringOverrides } from './wiring/process-services';
import { quartzClients } from './wiring/quartz';

export { createDocumentClient };

/**
 * Every service any function uses. No function is built with all of them: each route's function
 * builds its own (functions/<route>/services.ts), so its bundle holds its own clients only. Tests,
 * the local stack's tools and scripts build the whole set, and any route accepts it.
 */
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

export type ServiceOverrides = WiringOverrides;

/**
 * Every service, from the same parts the functions are built of (functions/shared/wiring/). Unlike a
 * function's cold start, it starts no discovery: a test decides when the bank is first asked.
 */
export function buildServices(config: ServiceConfig, overrides: ServiceOverrides = {}): Services {
  // Where tracing is on, it starts here: every fetch from now on (the bank) is traced.
  tracer();
  const table = { client: overrides.dynamo ?? createDocumentClient(), tableName: config.tableName };
  return {
    ...apiChainServices(table, config.apiKeyRevocationBoundMs, overrides.clock),
    intents: new IntentRepository(table),
    pageKeys: pageKeys(config.pageKeySecret),
    bankAccounts: new BankAccountRepository(table),
    idempotency: new IdempotencyRepository(table),
    provider: new QuartzProvider(
      quartzClients(config.quartz, { ...overrides, readSecretsAtColdStart: true }),
    ),
    sleep: (ms) => sleep(ms),
    intentLifetimeMs: config.intentLifetimeSeconds * 1_000,
  };
}
