import { setTimeout as sleep } from 'node:timers/promises';
import { loadApiKeyRevocationBoundMs, loadIntentLifetimeSeconds, loadQuartzConfig } from '../shared/config';
import type { CreateOnceDependencies } from '../shared/domain/create-intent-once';
import type { ChainServices } from '../shared/http/middlewares';
import { QuartzProvider } from '../shared/provider/quartz-provider';
import { BankAccountRepository } from '../shared/repository/bank-account-repository';
import { IdempotencyRepository } from '../shared/repository/idempotency-repository';
import { IntentRepository } from '../shared/repository/intent-repository';
import { apiChainServices } from '../shared/wiring/api-chain';
import { servicesOfProcess, tableOf, type WiringOverrides } from '../shared/wiring/process-services';
import { quartzClients } from '../shared/wiring/quartz';

/** The table and the bank: create builds the authorization URL on the bank's discovered endpoint. */
export type CreateIntentServices = ChainServices & CreateOnceDependencies;

/**
 * Discovery of both Quartz configurations starts here, as the services are built: in Lambda that
 * is the init phase (see servicesOfProcess), so the first create finds the endpoints known or on
 * their way instead of fetching them on its own clock.
 */
export function buildCreateIntentServices(
  env: NodeJS.ProcessEnv,
  overrides: WiringOverrides = {},
): CreateIntentServices {
  const table = tableOf(env, overrides);
  const quartz = quartzClients(loadQuartzConfig(env), { ...overrides, readSecretsAtColdStart: false });
  quartz.live.startDiscovery();
  quartz.test.startDiscovery();
  return {
    ...apiChainServices(table, loadApiKeyRevocationBoundMs(env), overrides.clock),
    intents: new IntentRepository(table),
    bankAccounts: new BankAccountRepository(table),
    idempotency: new IdempotencyRepository(table),
    provider: new QuartzProvider(quartz),
    sleep: (ms) => sleep(ms),
    intentLifetimeMs: loadIntentLifetimeSeconds(env) * 1_000,
  };
}

export const createIntentServices = servicesOfProcess(buildCreateIntentServices);
