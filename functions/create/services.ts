import { setTimeout as sleep } from 'node:timers/promises';
import { loadIntentLifetimeSeconds } from '../shared/config';
import type { CreateOnceDependencies } from '../shared/domain/create-intent-once';
import type { ChainServices } from '../shared/http/middlewares';
import { BankAccountRepository } from '../shared/repository/bank-account-repository';
import { IdempotencyRepository } from '../shared/repository/idempotency-repository';
import { IntentRepository } from '../shared/repository/intent-repository';
import { apiChainOfEnvironment } from '../shared/wiring/api-chain';
import { servicesOfProcess, tableOf, type WiringOverrides } from '../shared/wiring/process-services';
import { quartzProviderDiscovering } from '../shared/wiring/quartz';

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
  const provider = quartzProviderDiscovering(env, { ...overrides, readSecretsAtColdStart: false });
  return {
    ...apiChainOfEnvironment(table, env, overrides.clock),
    intents: new IntentRepository(table),
    bankAccounts: new BankAccountRepository(table),
    idempotency: new IdempotencyRepository(table),
    provider,
    sleep: (ms) => sleep(ms),
    intentLifetimeMs: loadIntentLifetimeSeconds(env) * 1_000,
  };
}

export const createIntentServices = servicesOfProcess(buildCreateIntentServices);
