import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { OUTCOME_METRICS } from '../functions/shared/observability/metrics';
import { TIME_BUDGET } from '../functions/shared/time-budget';
import { PERIOD, type RouteMetrics } from './route-metrics';

/**
 * A rate over a period with fewer requests than this counts as 0: one failure among three requests
 * is not an incident, and a quiet hour must not page anyone.
 */
export const MIN_REQUESTS_FOR_A_RATE = 10;

/** The thresholds, in one place for the reader (docs/operations.md says what to do on each). */
export const ALARM_THRESHOLDS = {
  /** Percent of a route's requests answered with a 5xx, by API Gateway or by the function. */
  serverErrorRatePercent: 5,
  /**
   * p99 latency of a route. An invocation must answer by the function timeout less the answer
   * margin (functions/shared/time-budget.ts), when the chain gives up with a 503; a p99 at half of
   * that means requests are using up their time: a dependency is stalling before they time out.
   */
  latencyP99Ms: (TIME_BUDGET.functionTimeoutMs - TIME_BUDGET.answerMarginMs) / 2,
  /** Percent of a route's answers that were "the bank is unavailable" (502/504 PROVIDER_*). */
  bankUnavailableRatePercent: 10,
  /** Invocations that crashed or hit Lambda's timeout: the chain answers every error itself, so any is a bug. */
  functionErrors: 1,
  /** Invocations Lambda refused for want of concurrency. */
  functionThrottles: 1,
  /** Read or write requests DynamoDB throttled (on-demand: a hot key or the account's table limit). */
  tableThrottles: 1,
} as const;

/** How a rate or latency alarm decides: 2 of the last 3 periods, so one bad period alone does not page. */
export const SUSTAINED = { evaluationPeriods: 3, datapointsToAlarm: 2 } as const;
/** Counts of things that should never happen: the first period with one pages. */
export const IMMEDIATE = { evaluationPeriods: 1, datapointsToAlarm: 1 } as const;

/** `IF(requests >= minimum, 100 * part / requests, 0)`: a percentage that stays 0 on little traffic. */
function percentOf(part: cloudwatch.IMetric, requests: cloudwatch.IMetric, label: string) {
  return new cloudwatch.MathExpression({
    expression: `IF(requests >= ${MIN_REQUESTS_FOR_A_RATE}, 100 * part / requests, 0)`,
    usingMetrics: { part, requests },
    period: PERIOD,
    label,
  });
}

export interface AlarmSpec {
  id: string;
  /** Starts with the stack's name: the alarm topic's and the key's policies admit those alarms only. */
  name: string;
  description: string;
  metric: cloudwatch.IMetric;
  threshold: number;
  evaluation: { evaluationPeriods: number; datapointsToAlarm: number };
}

export function alarm(scope: Construct, spec: AlarmSpec): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, spec.id, {
    alarmName: spec.name,
    alarmDescription: `${spec.description} See docs/operations.md.`,
    metric: spec.metric,
    threshold: spec.threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ...spec.evaluation,
    // No traffic is no news: a route nobody calls is not in trouble.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** The alarms of one route: what its callers see (5xx, latency, the bank) and how its function runs. */
export function routeAlarms(scope: Construct, prefix: string, metrics: RouteMetrics): cloudwatch.Alarm[] {
  const route = metrics.routeId;
  const t = ALARM_THRESHOLDS;
  const routeAlarm = (
    kind: string,
    description: string,
    rest: Omit<AlarmSpec, 'id' | 'name' | 'description'>,
  ) =>
    alarm(scope, {
      id: `${route}${kind}`,
      name: `${prefix}-${route}-${kind}`,
      description: `${route}: ${description}`,
      ...rest,
    });
  return [
    routeAlarm('ServerErrorRate', `${t.serverErrorRatePercent}% or more of the requests answered 5xx.`, {
      metric: percentOf(metrics.gatewayServerErrors(), metrics.gatewayRequests(), '5xx %'),
      threshold: t.serverErrorRatePercent,
      evaluation: SUSTAINED,
    }),
    routeAlarm(
      'Latency',
      `p99 latency at or above ${t.latencyP99Ms} ms, half the time an invocation has to answer.`,
      {
        metric: metrics.latency('p99'),
        threshold: t.latencyP99Ms,
        evaluation: SUSTAINED,
      },
    ),
    routeAlarm(
      'BankUnavailableRate',
      `${t.bankUnavailableRatePercent}% or more of the answers were "the bank is unavailable".`,
      {
        metric: percentOf(
          metrics.outcome(OUTCOME_METRICS.bankUnavailable),
          metrics.outcome(OUTCOME_METRICS.requests),
          'bank unavailable %',
        ),
        threshold: t.bankUnavailableRatePercent,
        evaluation: SUSTAINED,
      },
    ),
    routeAlarm('FunctionErrors', 'the function crashed or timed out (API Gateway answered 502 itself).', {
      metric: metrics.functionErrors(),
      threshold: t.functionErrors,
      evaluation: IMMEDIATE,
    }),
    routeAlarm('FunctionThrottles', 'Lambda refused invocations for want of concurrency (clients got 5xx).', {
      metric: metrics.functionThrottles(),
      threshold: t.functionThrottles,
      evaluation: IMMEDIATE,
    }),
  ];
}

/** The table's sum of throttled read and write requests over one period. */
export function tableThrottles(table: dynamodb.ITable): cloudwatch.MathExpression {
  const options = { period: PERIOD, statistic: cloudwatch.Stats.SUM };
  return new cloudwatch.MathExpression({
    expression: 'FILL(reads, 0) + FILL(writes, 0)',
    usingMetrics: {
      reads: table.metric('ReadThrottleEvents', options),
      writes: table.metric('WriteThrottleEvents', options),
    },
    period: PERIOD,
    label: 'throttled requests',
  });
}

export function tableAlarm(scope: Construct, prefix: string, table: dynamodb.ITable): cloudwatch.Alarm {
  return alarm(scope, {
    id: 'TableThrottles',
    name: `${prefix}-TableThrottles`,
    description:
      'DynamoDB throttled requests to the table (callers got 503 SERVICE_UNAVAILABLE after retries).',
    metric: tableThrottles(table),
    threshold: ALARM_THRESHOLDS.tableThrottles,
    evaluation: IMMEDIATE,
  });
}
