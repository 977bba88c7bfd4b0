import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { INTENT_EVENT_DETAIL_TYPES, INTENT_EVENT_SOURCE } from '../functions/shared/domain/intent-events';
import { STREAM_FILTER, STREAM_MAPPING } from '../functions/shared/events/stream-mapping';
import { PUBLISHER_BUDGET } from '../functions/shared/time-budget';
import { acknowledgeGuardRule, GUARD_RULES } from './policy-checks';
import { ServiceFunction } from './service-function';
import type { ServiceState } from './service-state';
import { StackPart } from './stack-part';

export interface EventPublishingProps {
  state: ServiceState;
}

/**
 * The intents' events: every status change is published to the stack's own EventBridge bus from
 * the table's change stream, never from the request path, so a function that dies after its write
 * loses no event. Lambda's event source mapping feeds the publisher the intent records of the
 * stream in order, delivers again what it hands back, and after its retries names what could not
 * be published in an encrypted dead-letter queue (ServiceMonitoring alarms on it).
 */
export class EventPublishing extends StackPart {
  readonly bus: events.EventBus;
  readonly deadLetterQueue: sqs.Queue;
  readonly publisher: ServiceFunction;

  constructor(scope: Construct, id: string, props: EventPublishingProps) {
    super(scope, id);
    const { state } = props;

    this.bus = new events.EventBus(this, 'EventBus', {
      description: `Status changes of Bank Account Connection Intents (source ${INTENT_EVENT_SOURCE})`,
    });

    // A stream's on-failure destination gets what failed (shard, sequence numbers, the reason), not
    // the records: they stay in the stream for its retention, where an operator can read and
    // publish them again (docs/events.md).
    this.deadLetterQueue = new sqs.Queue(this, 'EventsDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // A dead-letter queue itself: what lands here is never sent on. It is the stream mapping's
      // destination, so no SQS queue may redrive into it.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.DENY_ALL },
    });
    const lastStop =
      'This queue is itself the dead-letter destination: the on-failure destination of the event source mapping that feeds the publisher from the table stream. Nothing reads from it to process again, so a dead-letter queue behind it would never receive anything; an alarm watches its depth instead.';
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: lastStop });
    acknowledgeGuardRule(
      this.deadLetterQueue,
      GUARD_RULES.sqsDeadLetterQueue,
      `${lastStop} The control's other way out, a redrive policy that lets queues redrive into it, would let any queue of the account use it, so it lets none.`,
    );

    this.publisher = new ServiceFunction(this, 'PublishEventsFunction', {
      handlerDir: 'publish-events',
      description: 'Publishes the status changes of intents from the table stream to the event bus',
      environment: { EVENT_BUS_NAME: this.bus.eventBusName },
      logEncryptionKey: state.encryptionKey,
      timeout: Duration.millis(PUBLISHER_BUDGET.functionTimeoutMs),
      role: 'background',
    });
    this.allowPublishing();

    this.feedFromStream(state);
  }

  /**
   * The event source mapping, with the stream access it needs in a policy of its own: Lambda checks
   * the role can read the stream when the mapping is created, so the mapping waits for the policy.
   * (DynamoEventSource would put the same grants into the role's default policy, beside the X-Ray
   * actions, where the one wildcard it needs could not be acknowledged for what it is.)
   */
  private feedFromStream(state: ServiceState): void {
    const streamArn = state.table.tableStreamArn;
    if (!streamArn) throw new Error('The table needs its stream for the events (lib/service-state.ts)');
    const streamAccess = new iam.Policy(this, 'StreamReadPolicy', {
      roles: [this.publisher.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: [streamArn],
        }),
        new iam.PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }),
      ],
    });
    Validations.of(streamAccess).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Only dynamodb:ListStreams, which supports no resource-level permission, uses Resource *: Lambda's event source mapping checks for it on the role that reads a stream. Reading the stream itself is limited to this table's stream.",
    });

    const mapping = new lambda.EventSourceMapping(this, 'StreamMapping', {
      target: this.publisher.function,
      eventSourceArn: streamArn,
      // A mapping created after changes were written (a first deployment, a replaced mapping)
      // publishes everything the stream still holds: at least once, never a gap.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: STREAM_MAPPING.batchSize,
      // One batch at a time per shard: the stream's order is the order of the events.
      parallelizationFactor: 1,
      reportBatchItemFailures: true,
      // A batch whose invocation failed as a whole (a crash, a timeout) is split to find the record at fault.
      bisectBatchOnError: true,
      retryAttempts: STREAM_MAPPING.retryAttempts,
      maxRecordAge: Duration.seconds(STREAM_MAPPING.maxRecordAgeSeconds),
      onFailure: new SqsDlq(this.deadLetterQueue),
      // Intent records only (the local stack's reader applies the same filter).
      filters: [
        lambda.FilterCriteria.filter({
          dynamodb: {
            Keys: {
              [STREAM_FILTER.partitionKey]: {
                S: lambda.FilterRule.beginsWith(STREAM_FILTER.partitionKeyPrefix),
              },
            },
          },
        }),
      ],
    });
    mapping.node.addDependency(streamAccess);
  }

  /**
   * PutEvents on this bus alone, and only the events of this service: its source and its three
   * detail types (EventBridge checks both condition keys on every entry).
   */
  private allowPublishing(): void {
    this.publisher.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: {
          StringEquals: {
            'events:source': [INTENT_EVENT_SOURCE],
            'events:detail-type': Object.values(INTENT_EVENT_DETAIL_TYPES),
          },
        },
      }),
    );
  }
}
