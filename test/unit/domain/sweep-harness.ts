import {
  type ExpiryDependencies,
  expireDueIntents,
  type SweepResult,
} from '../../../functions/shared/domain/expire-intents';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import {
  InMemoryExpiryStore,
  type InMemoryTable,
  Invocation,
  type VirtualClock,
} from '../../support/in-memory-ports';

export interface SweepOptions {
  /** What is left of the sweeper's invocation when it starts; a whole one by default. */
  remainingMs?: number;
  pageSize?: number;
  /** The store the sweep uses; an InMemoryExpiryStore on `table` by default. */
  intents?: ExpiryDependencies['intents'];
}

/** One run of the expiry sweeper on the in-memory table, as one invocation, on the virtual clock. */
export function sweep(
  table: InMemoryTable,
  clock: VirtualClock,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const intents = options.intents ?? new InMemoryExpiryStore(table, new Invocation());
  const deadline = clock.deadlineIn(
    options.remainingMs ?? TIME_BUDGET.functionTimeoutMs - TIME_BUDGET.answerMarginMs,
  );
  return clock.run(expireDueIntents({ intents, clock }, deadline, TIME_BUDGET, options.pageSize));
}
