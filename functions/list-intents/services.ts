import { loadPageKeySecret } from '../shared/config';
import type { listIntents } from '../shared/domain/read-intents';
import type { ChainServices } from '../shared/http/middlewares';
import { IntentRepository } from '../shared/repository/intent-repository';
import { apiChainOfEnvironment } from '../shared/wiring/api-chain';
import { pageKeys } from '../shared/wiring/page-keys';
import { servicesOfProcess, tableOf, type WiringOverrides } from '../shared/wiring/process-services';

/** The table and the page-key secret (Secrets Manager in AWS); no bank. */
export type ListIntentsServices = ChainServices & Parameters<typeof listIntents>[0];

export function buildListIntentsServices(
  env: NodeJS.ProcessEnv,
  overrides: WiringOverrides = {},
): ListIntentsServices {
  const table = tableOf(env, overrides);
  return {
    ...apiChainOfEnvironment(table, env, overrides.clock),
    intents: new IntentRepository(table),
    pageKeys: pageKeys(loadPageKeySecret(env)),
  };
}

export const listIntentsServices = servicesOfProcess(buildListIntentsServices);
