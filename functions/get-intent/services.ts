import type { getIntent } from '../shared/domain/read-intents';
import type { ChainServices } from '../shared/http/middlewares';
import { IntentRepository } from '../shared/repository/intent-repository';
import { apiChainOfEnvironment } from '../shared/wiring/api-chain';
import { servicesOfProcess, tableOf, type WiringOverrides } from '../shared/wiring/process-services';

/** The table, and nothing else: no bank, no secret (so neither is in this function's bundle). */
export type GetIntentServices = ChainServices & Parameters<typeof getIntent>[0];

export function buildGetIntentServices(
  env: NodeJS.ProcessEnv,
  overrides: WiringOverrides = {},
): GetIntentServices {
  const table = tableOf(env, overrides);
  return {
    ...apiChainOfEnvironment(table, env, overrides.clock),
    intents: new IntentRepository(table),
  };
}

export const getIntentServices = servicesOfProcess(buildGetIntentServices);
