import type { Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../../functions/routes';
import {
  INTENT_EVENT_DETAIL_TYPES,
  INTENT_EVENT_SOURCE,
} from '../../../functions/shared/domain/intent-events';
import { STREAM_MAPPING } from '../../../functions/shared/events/stream-mapping';
import { PUBLISHER_BUDGET } from '../../../functions/shared/time-budget';
import {
  actionsOf,
  logicalIdOf,
  type PolicyStatement,
  resource,
  SYNTH_TIMEOUT_MS,
  statementsOfFunction,
  synthesizeIntentsStack,
} from './intents-stack-template';

let template: Template;
beforeAll(() => {
  ({ template } = synthesizeIntentsStack({ bundle: false }));
}, SYNTH_TIMEOUT_MS);

const tableId = () => logicalIdOf(template, 'AWS::DynamoDB::Table', 'Table');
const busId = () => logicalIdOf(template, 'AWS::Events::EventBus', 'EventBus');
const queueId = () => logicalIdOf(template, 'AWS::SQS::Queue', 'EventsDeadLetterQueue');
const publisherId = () => logicalIdOf(template, 'AWS::Lambda::Function', 'PublishEventsFunction');
const mapping = () =>
  resource(template, logicalIdOf(template, 'AWS::Lambda::EventSourceMapping', 'StreamMapping'));
const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });
const publisherStatements = (): PolicyStatement[] => statementsOfFunction(template, 'PublishEvents');

describe('the table', () => {
  it('keeps a stream of every write with the item before and after it', () => {
    expect(resource(template, tableId()).Properties.StreamSpecification).toEqual({
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
  });
});

describe('the event bus', () => {
  it("is the stack's own, named to the publisher", () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    expect(resource(template, publisherId()).Properties.Environment).toMatchObject({
      Variables: { EVENT_BUS_NAME: { Ref: busId() } },
    });
  });
});

describe('the publisher', () => {
  it('is a function of its own, not behind the API, with its own timeout', () => {
    expect(resource(template, publisherId()).Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      // No caller waits on it: lib/service-function.ts says why this size.
      MemorySize: 512,
      Handler: 'index.handler',
      Timeout: PUBLISHER_BUDGET.functionTimeoutMs / 1_000,
      TracingConfig: { Mode: 'Active' },
    });
    const integrations = JSON.stringify(template.findResources('AWS::ApiGateway::Method'));
    expect(integrations).not.toContain(publisherId());
  });

  it('is fed from the table stream, intent records only, in order, handing back what it could not publish', () => {
    expect(mapping().Properties).toEqual({
      EventSourceArn: getAtt(tableId(), 'StreamArn'),
      FunctionName: { Ref: publisherId() },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: STREAM_MAPPING.batchSize,
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: STREAM_MAPPING.retryAttempts,
      MaximumRecordAgeInSeconds: STREAM_MAPPING.maxRecordAgeSeconds,
      DestinationConfig: { OnFailure: { Destination: getAtt(queueId(), 'Arn') } },
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ dynamodb: { Keys: { pk: { S: [{ prefix: 'INTENT#' }] } } } }) },
        ],
      },
    });
  });

  it('gives up on a change well before the stream drops it, so the dead-letter queue names only what can still be read', () => {
    expect(STREAM_MAPPING.maxRecordAgeSeconds * 1_000).toBeLessThanOrEqual(
      PUBLISHER_BUDGET.streamRetentionMs / 2,
    );
    expect(STREAM_MAPPING.retryAttempts).toBeGreaterThan(0);
  });

  it('has exactly the access it needs: its logs, tracing, the stream, the dead-letter queue and PutEvents', () => {
    const statements = publisherStatements();

    expect(statements.map((statement) => actionsOf(statement).sort().join(' ')).sort()).toEqual(
      [
        'dynamodb:DescribeStream dynamodb:GetRecords dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'events:PutEvents',
        'logs:CreateLogStream logs:PutLogEvents',
        'sqs:GetQueueAttributes sqs:GetQueueUrl sqs:SendMessage',
        'xray:PutTelemetryRecords xray:PutTraceSegments',
      ].sort(),
    );
    const resourceOf = (action: string) =>
      statements.find((statement) => actionsOf(statement).includes(action))?.Resource;
    expect(resourceOf('dynamodb:GetRecords')).toEqual(getAtt(tableId(), 'StreamArn'));
    expect(resourceOf('dynamodb:ListStreams')).toBe('*');
    expect(resourceOf('sqs:SendMessage')).toEqual(getAtt(queueId(), 'Arn'));
  });

  it('may put only its own events, on its own bus', () => {
    const putEvents = publisherStatements().find((statement) =>
      actionsOf(statement).includes('events:PutEvents'),
    );

    expect(putEvents).toEqual({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: getAtt(busId(), 'Arn'),
      Condition: {
        StringEquals: {
          'events:source': [INTENT_EVENT_SOURCE],
          'events:detail-type': Object.values(INTENT_EVENT_DETAIL_TYPES),
        },
      },
    });
  });

  it('is the only function that may publish events or read the stream', () => {
    for (const route of ROUTES) {
      const actions = statementsOfFunction(template, route.id).flatMap(actionsOf);
      expect(actions.filter((action) => action.startsWith('events:'))).toEqual([]);
      expect(actions).not.toEqual(expect.arrayContaining(['dynamodb:GetRecords']));
    }
  });

  it('starts reading the stream only once its role may read it', () => {
    const policyId = logicalIdOf(template, 'AWS::IAM::Policy', 'StreamReadPolicy');
    const roleId = (resource(template, publisherId()).Properties.Role as { 'Fn::GetAtt': [string] })[
      'Fn::GetAtt'
    ][0];

    expect(
      template.toJSON().Resources[logicalIdOf(template, 'AWS::Lambda::EventSourceMapping', 'StreamMapping')]
        .DependsOn,
    ).toContain(policyId);
    expect(resource(template, policyId).Properties.Roles).toEqual([{ Ref: roleId }]);
  });
});

describe('the dead-letter queue', () => {
  it('is encrypted, reachable over TLS only, and keeps what it is told 14 days', () => {
    expect(resource(template, queueId()).Properties).toEqual({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3_600,
      RedriveAllowPolicy: { redrivePermission: 'denyAll' },
    });
    const policy = Object.values(template.findResources('AWS::SQS::QueuePolicy')).find((candidate) =>
      JSON.stringify(candidate.Properties.Queues).includes(queueId()),
    );
    expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });
});

describe('the alarms on events', () => {
  /** The alarm's one metric, its statistic, and how it decides. */
  const alarm = (name: string) => {
    const properties = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
      (candidate) => candidate.Properties.AlarmName === `BankAccountConnectionIntents-${name}`,
    )?.Properties;
    const [only] = properties?.Metrics ?? [];
    return {
      ...only?.MetricStat.Metric,
      Statistic: only?.MetricStat.Stat,
      Threshold: properties?.Threshold,
      EvaluationPeriods: properties?.EvaluationPeriods,
      DatapointsToAlarm: properties?.DatapointsToAlarm,
    };
  };

  it('fire on the first batch in the dead-letter queue', () => {
    expect(alarm('EventsDeadLetters')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(queueId(), 'QueueName') }],
      Statistic: 'Maximum',
      Threshold: 1,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
    });
  });

  it('fire when the events fall minutes behind the writes', () => {
    expect(alarm('EventsIteratorAge')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: publisherId() } }],
      Statistic: 'Maximum',
      Threshold: 5 * 60_000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });
});
