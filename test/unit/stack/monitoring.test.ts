import type { Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../../functions/routes';
import {
  METRICS_NAMESPACE,
  OUTCOME_METRICS,
  SERVICE_NAME,
} from '../../../functions/shared/observability/metrics';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import { ALARM_THRESHOLDS, MIN_REQUESTS_FOR_A_RATE } from '../../../lib/service-alarms';
import { logicalIdOf, resource, SYNTH_TIMEOUT_MS, synthesizeIntentsStack } from './intents-stack-template';

let template: Template;
beforeAll(() => {
  ({ template } = synthesizeIntentsStack({ bundle: false }));
}, SYNTH_TIMEOUT_MS);

interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
  Stat: string;
  Period: number;
}
interface AlarmProperties {
  AlarmName: string;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  TreatMissingData: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
  /** A math alarm's expression and metrics. */
  Metrics?: { Id: string; Expression?: string; MetricStat?: MetricStat; ReturnData?: boolean }[];
  /** A single-metric alarm's metric. */
  Namespace?: string;
  MetricName?: string;
  Dimensions?: MetricStat['Metric']['Dimensions'];
  Statistic?: string;
  ExtendedStatistic?: string;
  Period?: number;
}

const alarms = () =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties as AlarmProperties,
  );
const alarmNamed = (name: string): AlarmProperties => {
  const found = alarms().find((alarm) => alarm.AlarmName === `BankAccountConnectionIntents-${name}`);
  if (!found) throw new Error(`no alarm ${name}`);
  return found;
};

/** The metrics an alarm reads, as "Namespace MetricName Stat", with their dimensions, id and period. */
function metricsOf(alarm: AlarmProperties) {
  const stats: { Id: string; MetricStat?: MetricStat }[] = alarm.Metrics ?? [
    {
      Id: 'metric',
      MetricStat: {
        Metric: {
          Namespace: alarm.Namespace ?? '',
          MetricName: alarm.MetricName ?? '',
          Dimensions: alarm.Dimensions ?? [],
        },
        Stat: alarm.Statistic ?? alarm.ExtendedStatistic ?? '',
        Period: alarm.Period ?? 0,
      },
    },
  ];
  return stats.flatMap(({ Id, MetricStat }) =>
    MetricStat
      ? [
          {
            id: Id,
            metric: `${MetricStat.Metric.Namespace} ${MetricStat.Metric.MetricName} ${MetricStat.Stat}`,
            dimensions: Object.fromEntries(
              MetricStat.Metric.Dimensions.map(({ Name, Value }) => [Name, Value]),
            ),
            period: MetricStat.Period,
          },
        ]
      : [],
  );
}

const expressionOf = (alarm: AlarmProperties) =>
  alarm.Metrics?.find((metric) => metric.Expression)?.Expression;

const topicId = () => logicalIdOf(template, 'AWS::SNS::Topic', 'AlarmTopic');
const functionId = (routeId: string) => logicalIdOf(template, 'AWS::Lambda::Function', `${routeId}Function`);
const stageRef = () => ({ Ref: logicalIdOf(template, 'AWS::ApiGateway::Stage', 'Api') });

describe('alarms', () => {
  it('are five per route of the route table, one for the table and two for the events', () => {
    expect(
      alarms()
        .map((alarm) => alarm.AlarmName)
        .sort(),
    ).toEqual(
      [
        ...ROUTES.flatMap((route) =>
          ['ServerErrorRate', 'Latency', 'BankUnavailableRate', 'FunctionErrors', 'FunctionThrottles'].map(
            (kind) => `BankAccountConnectionIntents-${route.id}-${kind}`,
          ),
        ),
        'BankAccountConnectionIntents-TableThrottles',
        'BankAccountConnectionIntents-EventsDeadLetters',
        'BankAccountConnectionIntents-EventsIteratorAge',
        // The expiry sweeper's (lib/intent-expiry.ts, test/unit/stack/intent-expiry.test.ts).
        'BankAccountConnectionIntents-ExpireIntents-FunctionErrors',
        'BankAccountConnectionIntents-ExpireIntents-NotRunning',
      ].sort(),
    );
  });

  it('each notify the alarm topic when they fire and when they recover', () => {
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId() }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId() }]);
    }
  });

  it('stay quiet without traffic, all but the one that watches for a sweeper that stopped running', () => {
    for (const alarm of alarms().filter((each) => !each.AlarmName?.endsWith('-NotRunning'))) {
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      for (const { period } of metricsOf(alarm)) expect(period).toBe(300);
    }
  });

  describe.each(ROUTES.map((route) => [route.id, route] as const))('of %s', (routeId, route) => {
    const gatewayDimensions = () => ({
      ApiName: 'bank-account-connection-intents',
      Method: route.method,
      Resource: route.path,
      Stage: stageRef(),
    });

    it("watch the share of the route's requests answered 5xx, by the gateway or the function", () => {
      const alarm = alarmNamed(`${routeId}-ServerErrorRate`);

      expect(metricsOf(alarm)).toEqual([
        expect.objectContaining({ id: 'part', metric: 'AWS/ApiGateway 5XXError Sum' }),
        expect.objectContaining({ id: 'requests', metric: 'AWS/ApiGateway Count Sum' }),
      ]);
      for (const { dimensions } of metricsOf(alarm)) expect(dimensions).toEqual(gatewayDimensions());
      expect(expressionOf(alarm)).toBe(
        `IF(requests >= ${MIN_REQUESTS_FOR_A_RATE}, 100 * part / requests, 0)`,
      );
      expect(alarm).toMatchObject({
        Threshold: ALARM_THRESHOLDS.serverErrorRatePercent,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
    });

    it('watch p99 latency against the time budget', () => {
      const alarm = alarmNamed(`${routeId}-Latency`);

      expect(metricsOf(alarm)).toEqual([
        expect.objectContaining({ metric: 'AWS/ApiGateway Latency p99', dimensions: gatewayDimensions() }),
      ]);
      const answerDeadlineMs = TIME_BUDGET.functionTimeoutMs - TIME_BUDGET.answerMarginMs;
      expect(alarm.Threshold).toBe(answerDeadlineMs / 2);
    });

    it('watch the share of answers that were "the bank is unavailable", from what the function emits', () => {
      const alarm = alarmNamed(`${routeId}-BankUnavailableRate`);
      const emitted = { service: SERVICE_NAME, route: routeId };

      expect(metricsOf(alarm)).toEqual([
        {
          id: 'part',
          metric: `${METRICS_NAMESPACE} ${OUTCOME_METRICS.bankUnavailable} Sum`,
          dimensions: emitted,
          period: 300,
        },
        {
          id: 'requests',
          metric: `${METRICS_NAMESPACE} ${OUTCOME_METRICS.requests} Sum`,
          dimensions: emitted,
          period: 300,
        },
      ]);
      expect(expressionOf(alarm)).toContain('100 * part / requests');
      expect(alarm.Threshold).toBe(ALARM_THRESHOLDS.bankUnavailableRatePercent);
    });

    it.each([
      ['FunctionErrors', 'Errors'],
      ['FunctionThrottles', 'Throttles'],
    ])('page on the first %s of its function', (kind, metricName) => {
      const alarm = alarmNamed(`${routeId}-${kind}`);

      expect(metricsOf(alarm)).toEqual([
        expect.objectContaining({
          metric: `AWS/Lambda ${metricName} Sum`,
          dimensions: { FunctionName: { Ref: functionId(routeId) } },
        }),
      ]);
      expect(alarm).toMatchObject({ Threshold: 1, EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    });
  });

  it('page on the first throttled read or write of the table', () => {
    const alarm = alarmNamed('TableThrottles');
    const table = { TableName: { Ref: logicalIdOf(template, 'AWS::DynamoDB::Table', 'Table') } };

    expect(metricsOf(alarm).map(({ metric, dimensions }) => [metric, dimensions])).toEqual([
      ['AWS/DynamoDB ReadThrottleEvents Sum', table],
      ['AWS/DynamoDB WriteThrottleEvents Sum', table],
    ]);
    expect(alarm).toMatchObject({ Threshold: 1, EvaluationPeriods: 1 });
  });

  it('take the latency threshold from the time budget, below the moment the chain gives up', () => {
    expect(ALARM_THRESHOLDS.latencyP99Ms).toBeLessThan(
      TIME_BUDGET.functionTimeoutMs - TIME_BUDGET.answerMarginMs,
    );
    expect(ALARM_THRESHOLDS.latencyP99Ms).toBeGreaterThan(TIME_BUDGET.waitForWinnerMs);
  });
});

describe('alarm topic', () => {
  const keyArn = () => ({ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', 'EncryptionKey'), 'Arn'] });

  it('is one topic, encrypted with the stack key, given as the AlarmTopicArn output', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    expect(resource(template, topicId()).Properties.KmsMasterKeyId).toEqual(keyArn());
    expect(template.findOutputs('AlarmTopicArn').AlarmTopicArn?.Value).toEqual({ Ref: topicId() });
  });

  it("lets CloudWatch publish for this stack's alarms only, over TLS only", () => {
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const statements = policy?.Properties.PolicyDocument.Statement as Record<string, unknown>[];

    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const publish = statements.find((statement) => statement.Effect === 'Allow');
    expect(publish).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
    });
    expect(JSON.stringify(publish?.Condition)).toContain(':alarm:BankAccountConnectionIntents-*');
  });

  it('lets CloudWatch use the key for those alarms, without which it cannot publish to the topic', () => {
    const key = resource(template, logicalIdOf(template, 'AWS::KMS::Key', 'EncryptionKey'));
    const statements = (key.Properties.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;

    const cloudWatch = statements.find(
      (statement) => JSON.stringify(statement.Principal) === '{"Service":"cloudwatch.amazonaws.com"}',
    );
    expect(cloudWatch).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
    expect(JSON.stringify(cloudWatch?.Condition)).toContain(':alarm:BankAccountConnectionIntents-*');
  });
});

describe('dashboard', () => {
  const body = () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    // The body is a Fn::Join of JSON text and references; its text is enough to read the widgets.
    return JSON.stringify(dashboard?.Properties.DashboardBody);
  };

  it('is one, given as the DashboardName output', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const id = logicalIdOf(template, 'AWS::CloudWatch::Dashboard', 'Dashboard');
    expect(template.findOutputs('DashboardName').DashboardName?.Value).toEqual({ Ref: id });
  });

  it.each(ROUTES.map((route) => route.id))(
    'has a row for %s: outcomes, failures by reason, latency, function',
    (routeId) => {
      for (const title of ['outcomes', 'failures by reason', 'latency (ms)', 'gateway and function']) {
        expect(body()).toContain(`${routeId}: ${title}`);
      }
      expect(body()).toContain(`MetricName=\\\\\\"Failed\\\\\\" route=\\\\\\"${routeId}\\\\\\"`);
    },
  );

  it('shows every alarm', () => {
    for (const alarmId of Object.keys(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(body()).toContain(`"Fn::GetAtt":["${alarmId}","Arn"]`);
    }
  });
});
