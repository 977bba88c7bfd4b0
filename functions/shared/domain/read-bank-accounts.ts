import { requireAccountOwner, requireOwnAccount } from './authenticate';
import { type BankAccountView, toBankAccountView } from './bank-account-view';
import { ForbiddenError } from './errors';
import { ID_PATTERN } from './ids';
import type { BankAccountListStore, BankAccountStore } from './ports';
import type { Principal } from './principal';

/** One Bank Account of the caller's account; anything else is as missing. */
export async function getBankAccount(
  deps: { bankAccounts: Pick<BankAccountStore, 'get'> },
  principal: Principal,
  bankAccountId: string,
): Promise<BankAccountView> {
  requireAccountOwner(principal);
  // Not an id this service issues, so no Bank Account of the caller's: answered before any lookup.
  if (!ID_PATTERN.test(bankAccountId)) throw new ForbiddenError();
  const bankAccount = await deps.bankAccounts.get(bankAccountId);
  if (!bankAccount || bankAccount.accountId !== principal.accountId) throw new ForbiddenError();
  return toBankAccountView(bankAccount);
}

/** Every Bank Account of the caller's account, newest first (an account holds a handful: no pages). */
export async function listBankAccounts(
  deps: { bankAccounts: BankAccountListStore },
  principal: Principal,
  accountId: string,
): Promise<BankAccountView[]> {
  requireOwnAccount(principal, accountId);
  const bankAccounts = await deps.bankAccounts.listByAccount(accountId);
  const newestFirst = [...bankAccounts].sort(
    (a, b) => byText(b.createdAt, a.createdAt) || byText(b.id, a.id),
  );
  // Each view is parsed as it is built, and the handler parses the answer: no third parse here.
  return newestFirst.map(toBankAccountView);
}

// Code-unit order: the same on every machine, unlike localeCompare.
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
