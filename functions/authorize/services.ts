import { setTimeout as sleep } from 'node:timers/promises';
import type { IntentDependencies } from '../shared/domain/ports';
import type { ChainServices } from '../shared/http/middlewares';
import { BankAccountRepository } from '../shared/repository/bank-account-repository';
import { IntentRepository } from '../shared/repository/intent-repository';
import { apiChainOfEnvironment } from '../shared/wiring/api-chain';
import { servicesOfProcess, tableOf, type WiringOverrides } from '../shared/wiring/process-services';
import { quartzProviderDiscovering } from '../shared/wiring/quartz';

/** The table, the bank and its client secrets (Secrets Manager in AWS). */
export type AuthorizeIntentServices = ChainServices & IntentDependencies;

/**
 * The client secrets are read and the bank's discovery started here, as the services are built: in
 * Lambda that is the init phase (see servicesOfProcess), not the first authorization's clock.
 */
export function buildAuthorizeIntentServices(
  env: NodeJS.ProcessEnv,
  overrides: WiringOverrides = {},
): AuthorizeIntentServices {
  const table = tableOf(env, overrides);
  const provider = quartzProviderDiscovering(env, { ...overrides, readSecretsAtColdStart: true });
  return {
    ...apiChainOfEnvironment(table, env, overrides.clock),
    intents: new IntentRepository(table),
    bankAccounts: new BankAccountRepository(table),
    provider,
    sleep: (ms) => sleep(ms),
  };
}

export const authorizeIntentServices = servicesOfProcess(buildAuthorizeIntentServices);
