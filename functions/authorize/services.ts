import { setTimeout as sleep } from 'node:timers/promises';
import { loadApiKeyRevocationBoundMs, loadQuartzConfig } from '../shared/config';
import type { IntentDependencies } from '../shared/domain/ports';
import type { ChainServices } from '../shared/http/middlewares';
import { QuartzProvider } from '../shared/provider/quartz-provider';
import { BankAccountRepository } from '../shared/repository/bank-account-repository';
import { IntentRepository } from '../shared/repository/intent-repository';
import { apiChainServices } from '../shared/wiring/api-chain';
import { servicesOfProcess, tableOf, type WiringOverrides } from '../shared/wiring/process-services';
import { quartzClients } from '../shared/wiring/quartz';

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
  const quartz = quartzClients(loadQuartzConfig(env), { ...overrides, readSecretsAtColdStart: true });
  quartz.live.startDiscovery();
  quartz.test.startDiscovery();
  return {
    ...apiChainServices(table, loadApiKeyRevocationBoundMs(env), overrides.clock),
    intents: new IntentRepository(table),
    bankAccounts: new BankAccountRepository(table),
    provider: new QuartzProvider(quartz),
    sleep: (ms) => sleep(ms),
  };
}

export const authorizeIntentServices = servicesOfProcess(buildAuthorizeIntentServices);
