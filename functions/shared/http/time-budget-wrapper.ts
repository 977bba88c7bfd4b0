import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { systemClock } from '../domain/clock';
import { deadlineAt } from '../domain/deadline';
import { DeadlineExceededError } from '../domain/errors';
import { runWithDeadline } from '../invocation-scope';
import { UNKNOWN_ROUTE } from '../observability/metrics';
import { recordOutcome } from '../observability/record-outcome';
import { TIME_BUDGET, type TimeBudget } from '../time-budget';
import { toErrorResponse } from './error-response';
import { logRequest, requestIdOf } from './request-log';

/**
 * The reason the signal of an answered invocation is aborted with: one per container, not a new
 * error (and its stack trace) per request; nothing reads its stack, only that the time is over.
 */
let answered: DeadlineExceededError | undefined;

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Runs the whole middy chain (middlewares included) inside the invocation's time budget: the answer
 * is due `answerMarginMs` before Lambda's deadline. Whatever is still running then is aborted through
 * the deadline's signal and the caller gets a retryable 503 in the contract's shape; once any answer
 * is sent the signal is aborted too, so no outbound call goes on after it. One structured line per
 * request is logged here, where every answer, a timed-out one included, passes.
 */
export function withinTimeBudget(
  chain: ProxyHandler,
  budget: TimeBudget = TIME_BUDGET,
  /** The route's id (its entry in the route table), the `route` dimension of its metrics. */
  routeId = UNKNOWN_ROUTE,
): ProxyHandler {
  return async (event, context) => {
    const startedAt = Date.now();
    const requestId = requestIdOf(event, context);
    const controller = new AbortController();
    const answerBy = startedAt + context.getRemainingTimeInMillis() - budget.answerMarginMs;
    const deadline = deadlineAt(answerBy, controller.signal, systemClock);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<APIGatewayProxyResult>((resolve) => {
      timer = setTimeout(() => {
        const error = new DeadlineExceededError();
        controller.abort(error);
        resolve(toErrorResponse(error, requestId));
      }, deadline.remainingMs());
    });
    try {
      const response = await Promise.race([runWithDeadline(deadline, () => chain(event, context)), timedOut]);
      logRequest(event, response, startedAt, requestId, context);
      recordOutcome(routeId, response);
      return response;
    } finally {
      clearTimeout(timer);
      answered ??= new DeadlineExceededError();
      controller.abort(answered);
    }
  };
}
