import { AsyncLocalStorage } from 'node:async_hooks';
import type { Deadline } from './domain/deadline';

/**
 * The deadline of the invocation that is running, for the adapters (DynamoDB, Secrets Manager, the
 * bank) whose calls the domain does not pass a signal to itself: every outbound call of an
 * invocation, the middlewares' included, stops when the invocation must answer.
 */
const scope = new AsyncLocalStorage<Deadline>();

export const runWithDeadline = <T>(deadline: Deadline, work: () => Promise<T>): Promise<T> =>
  scope.run(deadline, work);

/** The running invocation's signal; undefined outside an invocation (scripts, the local stack's setup). */
export const invocationSignal = (): AbortSignal | undefined => scope.getStore()?.signal;

/** The running invocation's deadline, if any. */
export const currentDeadline = (): Deadline | undefined => scope.getStore();
