import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  OUTCOME_METRICS,
  type OutcomeMetric,
  SERVICE_NAME,
} from '../functions/shared/observability/metrics';
import type { RouteEndpoint } from './service-api';

/** The period every alarm evaluates and every graph plots. */
export const PERIOD = Duration.minutes(5);

/**
 * The metrics of one deployed route, for its alarms and its dashboard row: the outcomes its
 * function emits (functions/shared/observability/metrics.ts), API Gateway's per-method metrics and
 * Lambda's metrics of the function.
 */
export class RouteMetrics {
  readonly routeId: string;

  constructor(
    private readonly endpoint: RouteEndpoint,
    private readonly stage: apigateway.Stage,
  ) {
    this.routeId = endpoint.route.id;
  }

  /** One of the outcome metrics the function emits, summed over the period. */
  outcome(metricName: OutcomeMetric, label?: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: {
        [METRIC_DIMENSIONS.service]: SERVICE_NAME,
        [METRIC_DIMENSIONS.route]: this.routeId,
      },
      statistic: cloudwatch.Stats.SUM,
      period: PERIOD,
      ...(label ? { label } : {}),
    });
  }

  /** Failed answers split by their code, whichever codes occurred. */
  failuresByReason(): cloudwatch.MathExpression {
    const { service, route, reason } = METRIC_DIMENSIONS;
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${METRICS_NAMESPACE},${service},${route},${reason}} MetricName="${OUTCOME_METRICS.failed}" ${route}="${this.routeId}"', 'Sum', ${PERIOD.toSeconds()})`,
      label: '',
      period: PERIOD,
    });
  }

  /** API Gateway's count of this route's requests (every answer, the gateway's own included). */
  gatewayRequests(): cloudwatch.Metric {
    return this.endpoint.method.metricCount(this.stage, { period: PERIOD, statistic: cloudwatch.Stats.SUM });
  }

  gatewayServerErrors(): cloudwatch.Metric {
    return this.endpoint.method.metricServerError(this.stage, {
      period: PERIOD,
      statistic: cloudwatch.Stats.SUM,
    });
  }

  gatewayClientErrors(): cloudwatch.Metric {
    return this.endpoint.method.metricClientError(this.stage, {
      period: PERIOD,
      statistic: cloudwatch.Stats.SUM,
    });
  }

  /** What the client waits, from the gateway receiving the request to it sending the answer. */
  latency(statistic: string): cloudwatch.Metric {
    return this.endpoint.method.metricLatency(this.stage, { period: PERIOD, statistic, label: statistic });
  }

  functionErrors(): cloudwatch.Metric {
    return this.endpoint.function.function.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM });
  }

  functionThrottles(): cloudwatch.Metric {
    return this.endpoint.function.function.metricThrottles({
      period: PERIOD,
      statistic: cloudwatch.Stats.SUM,
    });
  }

  functionDuration(statistic: string): cloudwatch.Metric {
    return this.endpoint.function.function.metricDuration({ period: PERIOD, statistic, label: statistic });
  }

  concurrentExecutions(): cloudwatch.Metric {
    return this.endpoint.function.function.metric('ConcurrentExecutions', {
      period: PERIOD,
      statistic: cloudwatch.Stats.MAXIMUM,
    });
  }
}
