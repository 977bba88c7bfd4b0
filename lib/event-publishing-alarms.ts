import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { EventPublishing } from './event-publishing';
import { PERIOD } from './route-metrics';
import { alarm, IMMEDIATE, SUSTAINED } from './service-alarms';

/** The thresholds of the events' alarms (docs/operations.md and docs/events.md say what to do). */
export const EVENT_ALARM_THRESHOLDS = {
  /** Batches of changes given up after their retries and named in the dead-letter queue: any is an incident. */
  deadLetters: 1,
  /**
   * How far the publisher is behind the table's writes (Lambda's IteratorAge): events are late, and
   * a change left long enough ends in the dead-letter queue.
   */
  iteratorAgeMs: 5 * 60_000,
} as const;

/** What the events' alarms and graphs read. */
export function eventPublishingMetrics(publishing: EventPublishing) {
  return {
    deadLetters: publishing.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: PERIOD,
      statistic: cloudwatch.Stats.MAXIMUM,
      label: 'batches in the dead-letter queue',
    }),
    iteratorAge: publishing.publisher.function.metric('IteratorAge', {
      period: PERIOD,
      statistic: cloudwatch.Stats.MAXIMUM,
      label: 'publisher iterator age (ms)',
    }),
    errors: publishing.publisher.function.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
  };
}

export function eventPublishingAlarms(
  scope: Construct,
  prefix: string,
  publishing: EventPublishing,
): cloudwatch.Alarm[] {
  const metrics = eventPublishingMetrics(publishing);
  const t = EVENT_ALARM_THRESHOLDS;
  return [
    alarm(scope, {
      id: 'EventsDeadLetters',
      name: `${prefix}-EventsDeadLetters`,
      description:
        'Status changes of intents could not be published after every retry: the dead-letter queue names them; publish them from the stream before it drops them (24 hours after their write).',
      metric: metrics.deadLetters,
      threshold: t.deadLetters,
      evaluation: IMMEDIATE,
    }),
    alarm(scope, {
      id: 'EventsIteratorAge',
      name: `${prefix}-EventsIteratorAge`,
      description: `The events of intents are published ${t.iteratorAgeMs / 60_000} minutes or more after their write: the publisher is failing or falling behind.`,
      metric: metrics.iteratorAge,
      threshold: t.iteratorAgeMs,
      evaluation: SUSTAINED,
    }),
  ];
}

/** One dashboard row: how late the events are, what failed, what was given up. */
export function eventPublishingWidgets(publishing: EventPublishing): cloudwatch.IWidget[] {
  const metrics = eventPublishingMetrics(publishing);
  const size = { width: 8, height: 6 };
  return [
    new cloudwatch.GraphWidget({
      title: 'Events: publisher iterator age',
      left: [metrics.iteratorAge],
      ...size,
    }),
    new cloudwatch.GraphWidget({ title: 'Events: publisher errors', left: [metrics.errors], ...size }),
    new cloudwatch.GraphWidget({ title: 'Events: dead-letter queue', left: [metrics.deadLetters], ...size }),
  ];
}
