import { type CfnElement, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_INTENT_LIFETIME_SECONDS } from '../functions/shared/config';
import { EventPublishing } from './event-publishing';
import { IntentExpiry } from './intent-expiry';
import type { QuartzSettings } from './quartz-settings';
import { ServiceApi } from './service-api';
import { ServiceMonitoring } from './service-monitoring';
import { ServiceState } from './service-state';
import { StackPart } from './stack-part';

export { SAM_LOCAL_VARIABLES, STAGE_NAME } from './service-api';

export interface IntentsStackProps extends StackProps {
  /** The two Quartz client registrations; their client secrets live in this stack's secrets. */
  quartz: QuartzSettings;
  /** For `sam local invoke` only (context `samLocal=true`); see ServiceApiProps. */
  samLocal?: boolean;
  /** How long a new intent may be authorized, in seconds; an hour by default (docs/expiry.md). */
  intentLifetimeSeconds?: number;
}

/**
 * The Bank Account Connection Intents API, in parts: what it keeps (table, secrets, key), what
 * serves requests (a function per route, the REST API), what tells others of the intents' status
 * changes (the event bus and the publisher fed by the table's stream), how it is watched (alarms,
 * their topic, a dashboard), and what expires intents nobody finished (the sweeper).
 */
export class IntentsStack extends Stack {
  readonly state: ServiceState;
  readonly service: ServiceApi;
  readonly events: EventPublishing;
  readonly monitoring: ServiceMonitoring;
  readonly expiry: IntentExpiry;

  constructor(scope: Construct, id: string, props: IntentsStackProps) {
    super(scope, id, props);

    this.state = new ServiceState(this, 'State');
    this.service = new ServiceApi(this, 'Service', {
      state: this.state,
      quartz: props.quartz,
      ...(props.samLocal ? { samLocal: true } : {}),
    });
    this.events = new EventPublishing(this, 'Events', { state: this.state });
    this.monitoring = new ServiceMonitoring(this, 'Monitoring', {
      state: this.state,
      events: this.events,
      endpoints: this.service.endpoints,
      stage: this.service.api.deploymentStage,
    });
    this.expiry = new IntentExpiry(this, 'Expiry', {
      state: this.state,
      endpoints: this.service.endpoints,
      alarmTopic: this.monitoring.alarmTopic,
      dashboard: this.monitoring.dashboard,
      intentLifetimeSeconds: props.intentLifetimeSeconds ?? DEFAULT_INTENT_LIFETIME_SECONDS,
      ...(props.samLocal ? { samLocal: true } : {}),
    });

    this.addOutputs();
  }

  /**
   * The parts are left out of logical ids: every resource keeps the id it had before the stack was
   * split into parts, and moving a construct between parts never replaces it. A new id would mean a
   * new table (the retained one orphaned with its data), new secrets (without the client secrets put
   * into the old ones) and a new REST API (a new URL).
   */
  protected override allocateLogicalId(element: CfnElement): string {
    const scopes = element.node.scopes.filter((scope) => !(scope instanceof StackPart));
    // Stack's own allocation reads only the element's scopes and stack; given the path without the
    // parts, it names the element as it named it before.
    return super.allocateLogicalId({ node: { scopes }, stack: element.stack } as unknown as CfnElement);
  }

  private addOutputs(): void {
    const { table, quartzClientSecrets } = this.state;
    new CfnOutput(this, 'ApiUrl', {
      value: this.service.api.url,
      description: 'Base URL of the API (stage included)',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'QuartzLiveClientSecretArn', {
      value: quartzClientSecrets.live.secretArn,
      description: 'Put the live Quartz client secret here (aws secretsmanager put-secret-value)',
    });
    new CfnOutput(this, 'QuartzTestClientSecretArn', {
      value: quartzClientSecrets.test.secretArn,
      description: 'Put the sandbox Quartz client secret here (aws secretsmanager put-secret-value)',
    });
    new CfnOutput(this, 'EventBusName', {
      value: this.events.bus.eventBusName,
      description: 'The EventBridge bus the status changes of intents are published to',
    });
    new CfnOutput(this, 'EventsPublisherFunctionName', {
      value: this.events.publisher.function.functionName,
      description: 'Publishes the events from the table stream; invoke it with records to publish them again',
    });
    new CfnOutput(this, 'EventsDeadLetterQueueUrl', {
      value: this.events.deadLetterQueue.queueUrl,
      description: 'Names the changes whose events could not be published (see docs/events.md)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.alarmTopic.topicArn,
      description: 'Subscribe to be told when an alarm fires or recovers (aws sns subscribe)',
    });
    new CfnOutput(this, 'DashboardName', {
      value: this.monitoring.dashboard.dashboardName,
      description: 'The CloudWatch dashboard of the service',
    });
  }
}
