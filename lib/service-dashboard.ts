import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { OUTCOME_METRICS } from '../functions/shared/observability/metrics';
import { TIME_BUDGET } from '../functions/shared/time-budget';
import type { RouteMetrics } from './route-metrics';
import { ALARM_THRESHOLDS, tableThrottles } from './service-alarms';

const WIDTH = 6;
const HEIGHT = 6;

/**
 * One dashboard: the alarms on top, then one row per route (outcomes, failures by reason, latency
 * against the time budget, the function), then the table.
 */
export function serviceDashboard(
  scope: Construct,
  routes: readonly RouteMetrics[],
  table: dynamodb.ITable,
  alarms: cloudwatch.IAlarm[],
): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    defaultInterval: Duration.hours(3),
  });
  dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 }));
  for (const route of routes) dashboard.addWidgets(...routeRow(route));
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Table: throttled requests',
      left: [tableThrottles(table)],
      width: WIDTH,
      height: HEIGHT,
    }),
    new cloudwatch.GraphWidget({
      title: 'Table: consumed capacity units',
      left: [table.metricConsumedReadCapacityUnits(), table.metricConsumedWriteCapacityUnits()],
      width: WIDTH,
      height: HEIGHT,
    }),
  );
  return dashboard;
}

function routeRow(route: RouteMetrics): cloudwatch.IWidget[] {
  const { routeId } = route;
  const o = OUTCOME_METRICS;
  return [
    new cloudwatch.GraphWidget({
      title: `${routeId}: outcomes`,
      left: [
        route.outcome(o.succeeded, 'succeeded (created, authorized)'),
        route.outcome(o.failed, 'failed'),
        route.outcome(o.bankUnavailable, 'bank unavailable'),
        route.outcome(o.authorizationInProgress, 'authorization in progress'),
        route.outcome(o.rateLimited, 'rate limited'),
      ],
      width: WIDTH,
      height: HEIGHT,
    }),
    new cloudwatch.GraphWidget({
      title: `${routeId}: failures by reason`,
      left: [route.failuresByReason()],
      width: WIDTH,
      height: HEIGHT,
    }),
    new cloudwatch.GraphWidget({
      title: `${routeId}: latency (ms)`,
      left: [route.latency('p50'), route.latency('p99')],
      leftAnnotations: [
        { value: ALARM_THRESHOLDS.latencyP99Ms, label: 'alarm (p99)' },
        {
          value: TIME_BUDGET.functionTimeoutMs - TIME_BUDGET.answerMarginMs,
          label: 'answer deadline',
          color: cloudwatch.Color.RED,
        },
      ],
      width: WIDTH,
      height: HEIGHT,
    }),
    new cloudwatch.GraphWidget({
      title: `${routeId}: gateway and function`,
      left: [
        route.gatewayClientErrors(),
        route.gatewayServerErrors(),
        route.functionErrors(),
        route.functionThrottles(),
      ],
      right: [route.concurrentExecutions()],
      width: WIDTH,
      height: HEIGHT,
    }),
  ];
}
