import type { listBankAccounts } from '../shared/domain/read-bank-accounts';
import type { ChainServices } from '../shared/http/middlewares';
import { BankAccountRepository } from '../shared/repository/bank-account-repository';
import { apiChainOfEnvironment } from '../shared/wiring/api-chain';
import { servicesOfProcess, tableOf, type WiringOverrides } from '../shared/wiring/process-services';

/** The table, and nothing else: no bank, no secret (so neither is in this function's bundle). */
export type ListBankAccountsServices = ChainServices & Parameters<typeof listBankAccounts>[0];

export function buildListBankAccountsServices(
  env: NodeJS.ProcessEnv,
  overrides: WiringOverrides = {},
): ListBankAccountsServices {
  const table = tableOf(env, overrides);
  return {
    ...apiChainOfEnvironment(table, env, overrides.clock),
    bankAccounts: new BankAccountRepository(table),
  };
}

export const listBankAccountsServices = servicesOfProcess(buildListBankAccountsServices);
