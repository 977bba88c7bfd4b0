import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { logger } from './logger';
import {
  BANK_UNAVAILABLE_CODES,
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  OUTCOME_METRICS,
  type OutcomeMetric,
  SERVICE_NAME,
} from './metrics';

/**
 * Codes for answers whose `message` is a sentence rather than a code (a 400 names the field, a 401
 * says what was wrong with the key): as a dimension value, a sentence would make a new metric each.
 */
const STATUS_REASONS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  500: 'INTERNAL_ERROR',
};

const CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

export interface Outcome {
  /** Each outcome metric, 0 or 1, for this answer. */
  values: Readonly<Record<OutcomeMetric, 0 | 1>>;
  /** For a failed answer: its code, the `reason` dimension. */
  reason?: string;
}

/** What one answer counts as. */
export function outcomeOf(response: APIGatewayProxyResult): Outcome {
  const failed = response.statusCode >= 400;
  const reason = failed ? reasonOf(response) : undefined;
  const values = {
    [OUTCOME_METRICS.requests]: 1,
    [OUTCOME_METRICS.succeeded]: failed ? 0 : 1,
    [OUTCOME_METRICS.failed]: failed ? 1 : 0,
    [OUTCOME_METRICS.bankUnavailable]: reason && BANK_UNAVAILABLE_CODES.includes(reason) ? 1 : 0,
    [OUTCOME_METRICS.authorizationInProgress]: reason === 'AUTHORIZATION_IN_PROGRESS' ? 1 : 0,
    [OUTCOME_METRICS.rateLimited]: reason === 'RATE_LIMIT_EXCEEDED' ? 1 : 0,
  } as const;
  return reason ? { values, reason } : { values };
}

function reasonOf(response: APIGatewayProxyResult): string {
  const message = messageOf(response);
  if (message !== undefined && CODE.test(message)) return message;
  return STATUS_REASONS[response.statusCode] ?? `HTTP_${response.statusCode}`;
}

function messageOf(response: APIGatewayProxyResult): string | undefined {
  try {
    const { message } = JSON.parse(response.body) as { message?: unknown };
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * In Lambda, or wherever POWERTOOLS_METRICS_DISABLED says so; elsewhere (unit tests, the local
 * stack) nothing is emitted, as Powertools Tracer does outside Lambda: EMF lines would only bury the
 * output there.
 */
const emitsMetrics = (env: NodeJS.ProcessEnv): boolean =>
  env.POWERTOOLS_METRICS_DISABLED !== undefined || Boolean(env.AWS_LAMBDA_FUNCTION_NAME);

let processMetrics: Metrics | null | undefined;

/** The process's Metrics, created on first use from the environment of that moment. */
function metricsOfProcess(): Metrics | null {
  processMetrics ??= emitsMetrics(process.env)
    ? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME })
    : null;
  return processMetrics;
}

/**
 * Emits the outcome of one answer as CloudWatch EMF lines on stdout and flushes them, so every
 * invocation's metrics leave with it. Never throws: a metric that cannot be written must not
 * change the answer.
 */
export function recordOutcome(
  /** The id of the handler's own route: a function serves one route, whatever the event names. */
  route: string,
  response: APIGatewayProxyResult,
  metrics: Metrics | null = metricsOfProcess(),
): void {
  if (!metrics) return;
  try {
    const { values, reason } = outcomeOf(response);
    if (reason) {
      // A metric of its own: every metric of one EMF line shares its dimensions, and only this
      // one is split by reason.
      metrics
        .singleMetric()
        .addDimensions({ [METRIC_DIMENSIONS.route]: route, [METRIC_DIMENSIONS.reason]: reason })
        .addMetric(OUTCOME_METRICS.failed, MetricUnit.Count, 1);
    }
    metrics.addDimension(METRIC_DIMENSIONS.route, route);
    for (const [name, value] of Object.entries(values)) metrics.addMetric(name, MetricUnit.Count, value);
    metrics.publishStoredMetrics();
  } catch (error) {
    metrics.clearMetrics();
    metrics.clearDimensions();
    logger.warn('outcome metrics not recorded', { error: error instanceof Error ? error : String(error) });
  }
}
