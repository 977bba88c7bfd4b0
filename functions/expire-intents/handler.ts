import type { Context, ScheduledEvent } from 'aws-lambda';
import { loadTableConfig } from '../shared/config';
import { systemClock } from '../shared/domain/clock';
import { deadlineAt } from '../shared/domain/deadline';
import { DeadlineExceededError } from '../shared/domain/errors';
import { type ExpiryDependencies, expireDueIntents, type SweepResult } from '../shared/domain/expire-intents';
import { runWithDeadline } from '../shared/invocation-scope';
import { logger } from '../shared/observability/logger';
import { IntentRepository } from '../shared/repository/intent-repository';
import { TIME_BUDGET, type TimeBudget } from '../shared/time-budget';
import { createDocumentClient } from '../shared/wiring/document-client';

/**
 * The expiry sweeper: not an API route, but a function the stack runs on a schedule (every
 * minute, lib/intent-expiry.ts) and the local stack on an interval. It expires every intent whose
 * lifetime is over, so that its PKCE verifier, state and any token leave the table although nobody
 * calls (docs/expiry.md).
 */
export type ExpiryHandler = (
  event: ScheduledEvent | Record<string, never>,
  context: Context,
) => Promise<SweepResult>;

export interface SweeperOptions {
  dependencies?: () => ExpiryDependencies;
  /** The invocation's time budget; tests shorten it. */
  budget?: TimeBudget;
}

let processDependencies: ExpiryDependencies | undefined;

/** Built from the environment on first use (a Lambda cold start): the table only, no bank, no secret. */
function dependenciesFromEnvironment(): ExpiryDependencies {
  processDependencies ??= {
    intents: new IntentRepository({
      client: createDocumentClient(),
      tableName: loadTableConfig().tableName,
    }),
    clock: systemClock,
  };
  return processDependencies;
}

/**
 * One sweep within the invocation's time: it answers `answerMarginMs` before Lambda's deadline at
 * the latest, and every DynamoDB call still running then is aborted. Writes that failed (DynamoDB
 * unavailable) fail the invocation once the others are done, so the function's error alarm sees
 * them; the next scheduled run tries again, so Lambda's own retries are off (lib/intent-expiry.ts).
 */
export const buildHandler =
  (options: SweeperOptions = {}): ExpiryHandler =>
  async (_event, context) => {
    const budget = options.budget ?? TIME_BUDGET;
    const dependencies = (options.dependencies ?? dependenciesFromEnvironment)();
    const startedAt = Date.now();
    const controller = new AbortController();
    const answerBy = startedAt + context.getRemainingTimeInMillis() - budget.answerMarginMs;
    const deadline = deadlineAt(answerBy, controller.signal, systemClock);
    const timer = setTimeout(() => controller.abort(new DeadlineExceededError()), deadline.remainingMs());
    try {
      const result = await runWithDeadline(deadline, () => expireDueIntents(dependencies, deadline, budget));
      const summary = { ...result, durationMs: Date.now() - startedAt };
      if (result.failed > 0) {
        logger.error('expiry sweep: some intents could not be expired', summary);
        throw new Error(`expiry sweep: ${result.failed} expiry writes failed (${result.errors.join(', ')})`);
      }
      if (!result.complete) logger.warn('expiry sweep: out of time with due intents possibly left', summary);
      // A sweep that found nothing is not worth a line at INFO (it runs every minute).
      else if (result.expired + result.skipped > 0) logger.info('expiry sweep', summary);
      else logger.debug('expiry sweep', summary);
      return result;
    } finally {
      clearTimeout(timer);
      controller.abort(new DeadlineExceededError());
    }
  };

export const handler = buildHandler();
