import type { BenchAccounts } from './bench-accounts';
import type { BenchAccount } from './route-requests';
import type { SetupApi } from './setup-api';

/** How many intents each reader account holds: the one it authorized and the rest still open. */
export const INTENTS_PER_READER = 3;

/** Setup runs a few at a time: the local stack and the bank share the machine's two cores. */
const SETUP_CONCURRENCY = 3;

/** Runs `make` for 0..count-1, a few at a time, and resolves with the results in order. */
export async function inParallel<T>(count: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await make(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SETUP_CONCURRENCY, count) }, lane));
  return results;
}

export interface Fixtures {
  accounts: BenchAccounts;
  api: SetupApi;
}

/** An account with nothing in it, for creates. */
export const writerAccount = ({ accounts }: Fixtures): Promise<BenchAccount> => accounts.create();

/**
 * An account every read route can answer for: INTENTS_PER_READER intents, the first authorized by
 * the bank's user with her three accounts, so it has three Bank Accounts; it keeps that intent's
 * id, code (for authorize retries) and one Bank Account's id.
 */
export async function readerAccount(fixtures: Fixtures): Promise<BenchAccount> {
  const { accounts, api } = fixtures;
  const approved = await api.approvedIntent(await accounts.create());
  await api.authorize(approved);
  for (let created = 1; created < INTENTS_PER_READER; created += 1) await api.createIntent(approved);
  const [bankAccountId] = await api.connectedBankAccounts(approved);
  if (!bankAccountId) throw new Error('Setup: the authorized intent connected no Bank Account');
  return { ...approved, bankAccountId };
}

/**
 * A new account with an intent its user just approved at the bank: the code is not yet posted. It
 * carries a second one, made the same way, for authorize's floor to redeem.
 */
export async function connectionAccount(fixtures: Fixtures): Promise<BenchAccount> {
  const approved = () => fixtures.accounts.create().then((account) => fixtures.api.approvedIntent(account));
  const floor = await approved();
  return { ...(await approved()), floor };
}

/**
 * New accounts with an approved intent each, made a batch at a time when the last batch is used
 * up: a phase that stops early for time wastes at most one batch of sign-ins at the bank.
 */
export class Connections {
  private ready: BenchAccount[] = [];

  constructor(
    private readonly fixtures: Fixtures,
    private readonly batch = 25,
  ) {}

  /** Once the last batch is used up, makes the next: `count` more are wanted (a batch at most). */
  async prepare(count = this.batch): Promise<void> {
    const wanted = Math.min(count, this.batch);
    if (this.ready.length > 0 || wanted <= 0) return;
    this.ready.push(...(await inParallel(wanted, () => connectionAccount(this.fixtures))));
  }

  async next(): Promise<BenchAccount> {
    await this.prepare(1);
    return this.ready.shift() as BenchAccount;
  }
}
