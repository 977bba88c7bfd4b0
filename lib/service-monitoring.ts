import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EventPublishing } from './event-publishing';
import { eventPublishingAlarms, eventPublishingWidgets } from './event-publishing-alarms';
import { RouteMetrics } from './route-metrics';
import { routeAlarms, tableAlarm } from './service-alarms';
import type { RouteEndpoint } from './service-api';
import { serviceDashboard } from './service-dashboard';
import type { ServiceState } from './service-state';
import { StackPart } from './stack-part';

export interface ServiceMonitoringProps {
  state: ServiceState;
  endpoints: readonly RouteEndpoint[];
  stage: apigateway.Stage;
  events: EventPublishing;
}

/**
 * How the service is watched: alarms per route of the route table (so a new route gets them), on
 * the table and on the publishing of events, all notifying one SNS topic when they fire and when they recover, and one dashboard.
 */
export class ServiceMonitoring extends StackPart {
  readonly alarmTopic: sns.Topic;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    const { state } = props;
    // Alarm names start with the stack's name, which the topic's and the key's policies rely on.
    const prefix = Stack.of(this).stackName;

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Bank Account Connection Intents alarms',
      masterKey: state.encryptionKey,
      enforceSSL: true,
    });
    this.allowAlarmsToNotify(state, prefix);

    const routes = props.endpoints.map((endpoint) => new RouteMetrics(endpoint, props.stage));
    this.alarms = [
      ...routes.flatMap((route) => routeAlarms(this, prefix, route)),
      tableAlarm(this, prefix, state.table),
      ...eventPublishingAlarms(this, prefix, props.events),
    ];
    const notify = new actions.SnsAction(this.alarmTopic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }

    this.dashboard = serviceDashboard(this, routes, state.table, [...this.alarms]);
    this.dashboard.addWidgets(...eventPublishingWidgets(props.events));
  }

  /**
   * CloudWatch publishes to the topic on behalf of the alarms, and so needs the topic's key too;
   * both grants hold for this stack's alarms in this account only.
   */
  private allowAlarmsToNotify(state: ServiceState, prefix: string): void {
    const stack = Stack.of(this);
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const conditions = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${prefix}-*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsOfThisStack',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions,
      }),
    );
    state.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmNotificationsOfThisStack',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions,
      }),
    );
  }
}
