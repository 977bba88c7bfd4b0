import type {
  DecoupledAuthorizationStarted,
  DecoupledPollOutcome,
} from '../../functions/shared/domain/ports';

/** A poll of one decoupled request at the interval in force (the QuartzClient's or the QuartzProvider's). */
export type Poll = (intervalSeconds: number) => Promise<DecoupledPollOutcome>;

/** Each poll's budget: a generous one, as the service gives a poll whatever its invocation can spare. */
export const POLL_BUDGET_MS = 30_000;

/**
 * Polls as a well-behaved client does, waiting the bank's interval (raised by any slow_down) between
 * polls, until the request is answered or expires; resolves with every outcome seen, the last one final.
 * The test's own timeout bounds the wait.
 */
export async function pollUntilAnswered(
  started: DecoupledAuthorizationStarted,
  poll: Poll,
): Promise<DecoupledPollOutcome[]> {
  const outcomes: DecoupledPollOutcome[] = [];
  let intervalSeconds = started.intervalSeconds;
  for (;;) {
    const outcome = await poll(intervalSeconds);
    outcomes.push(outcome);
    if (outcome.status !== 'pending' && outcome.status !== 'slow_down') return outcomes;
    intervalSeconds = outcome.intervalSeconds;
    await new Promise((resolve) => setTimeout(resolve, intervalSeconds * 1000));
  }
}

/** The final outcome of a list pollUntilAnswered resolved with. */
export function finalOutcome(outcomes: DecoupledPollOutcome[]): DecoupledPollOutcome {
  const last = outcomes.at(-1);
  if (!last) throw new Error('no poll was made');
  return last;
}
