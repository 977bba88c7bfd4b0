import type { Clock } from './clock';

/**
 * The time one invocation has left before it must answer. Every outbound call of the invocation
 * takes `signal` (or one derived from it), so that no work goes on after the answer.
 */
export interface Deadline {
  /** Milliseconds until the answer is due; 0 once it is. */
  remainingMs(): number;
  /** Aborts when the answer is due, or once it has been sent. */
  readonly signal: AbortSignal;
}

/** A deadline at `answerBy` (epoch ms on `clock`), aborted through `signal`. */
export function deadlineAt(answerBy: number, signal: AbortSignal, clock: Clock): Deadline {
  return {
    remainingMs: () => Math.max(0, answerBy - clock.now().getTime()),
    signal,
  };
}

/**
 * A signal that aborts when `deadline` does or after `timeoutMs`, whichever comes first: the budget
 * of one outbound request within the invocation's.
 */
export function requestSignal(deadline: Deadline, timeoutMs: number): AbortSignal {
  return AbortSignal.any([deadline.signal, AbortSignal.timeout(Math.max(0, timeoutMs))]);
}
