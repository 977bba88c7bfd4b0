import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { EXPIRY_SWEEPER } from '../functions/scheduled-functions';
import { DEFAULT_INTENT_LIFETIME_SECONDS, intentLifetimeSecondsSchema } from '../functions/shared/config';
import {
  EXPIRY_INDEX,
  EXPIRY_PARTITION_PREFIX,
  KEY_PREFIXES,
} from '../functions/shared/repository/table-keys';
import { TIME_BUDGET } from '../functions/shared/time-budget';
import { PERIOD } from './route-metrics';
import { type RouteEndpoint, SAM_LOCAL_VARIABLES } from './service-api';
import { ServiceFunction } from './service-function';
import type { ServiceState } from './service-state';
import { StackPart } from './stack-part';

/** The construct id, and so the logical id, of the sweeper's function. */
export const EXPIRY_FUNCTION_ID = `${EXPIRY_SWEEPER.id}Function`;
/** The route whose function writes new intents, and so needs their lifetime. */
const CREATE_ROUTE_ID = 'CreateIntent';

export interface IntentExpiryProps {
  state: ServiceState;
  /** The deployed routes; the create route's function is given the lifetime. */
  endpoints: readonly RouteEndpoint[];
  alarmTopic: sns.ITopic;
  dashboard: cloudwatch.Dashboard;
  /** How long a new intent may be authorized, in seconds (docs/expiry.md). */
  intentLifetimeSeconds: number;
  /** For `sam local invoke` only: declares, empty, the variables a local run fills (see ServiceApiProps). */
  samLocal?: boolean;
}

/**
 * Intents that expire (docs/expiry.md): the lifetime given to create, and the sweeper that expires
 * intents nobody calls for, run by an EventBridge schedule every minute with only the two DynamoDB
 * actions it needs, watched by two alarms on the service's topic.
 */
export class IntentExpiry extends StackPart {
  readonly sweeper: ServiceFunction;
  readonly schedule: events.Rule;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: IntentExpiryProps) {
    super(scope, id);
    const { state } = props;

    const create = props.endpoints.find((endpoint) => endpoint.route.id === CREATE_ROUTE_ID);
    if (!create) throw new Error(`No ${CREATE_ROUTE_ID} route: intents would be created without a lifetime`);
    create.function.function.addEnvironment('INTENT_LIFETIME_SECONDS', String(props.intentLifetimeSeconds));

    this.sweeper = new ServiceFunction(this, EXPIRY_FUNCTION_ID, {
      handlerDir: EXPIRY_SWEEPER.handlerDir,
      description: 'Expires the intents whose lifetime is over (every minute)',
      environment: {
        TABLE_NAME: state.table.tableName,
        ...(props.samLocal ? Object.fromEntries(SAM_LOCAL_VARIABLES.map((name) => [name, ''])) : {}),
      },
      logEncryptionKey: state.encryptionKey,
      role: 'background',
    });
    this.grantSweeperTableAccess(state);

    const interval = Duration.millis(TIME_BUDGET.expirySweepIntervalMs);
    // A run that fails is not retried by Lambda: the next scheduled run, a minute later, is the retry,
    // and an event older than one interval is superseded by the next.
    this.sweeper.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: interval });
    this.schedule = new events.Rule(this, 'ExpirySchedule', {
      description: 'Runs the intent expiry sweeper',
      schedule: events.Schedule.rate(interval),
      targets: [
        new targets.LambdaFunction(this.sweeper.function, { retryAttempts: 2, maxEventAge: interval }),
      ],
    });

    this.alarms = this.sweeperAlarms(props.alarmTopic);
    props.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Expiry sweeper',
        alarms: [...this.alarms],
        width: 12,
        height: 3,
      }),
      new cloudwatch.GraphWidget({
        title: 'Expiry sweeper: runs and failed runs',
        left: [this.sweeper.function.metricInvocations(), this.sweeper.function.metricErrors()],
        width: 12,
        height: 6,
      }),
    );
  }

  /**
   * It queries the expiry index (whose partitions are `EXPIRING#<shard>`) and updates intents, and
   * nothing else: no read of an item, no put, no scan.
   */
  private grantSweeperTableAccess(state: ServiceState): void {
    const { tableArn } = state.table;
    this.sweeper.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${tableArn}/index/${EXPIRY_INDEX.indexName}`],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${EXPIRY_PARTITION_PREFIX}*`] },
        },
      }),
    );
    this.sweeper.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${KEY_PREFIXES.intent}*`] } },
      }),
    );
  }

  /**
   * The bound on how long an ended intent keeps its secrets holds only while the sweeper runs and
   * succeeds: one alarm when its runs fail, one when it does not run at all (a missing datapoint is
   * a missed run here, unlike on the routes, where no traffic is no news).
   */
  private sweeperAlarms(topic: sns.ITopic): cloudwatch.Alarm[] {
    const { stackName } = this.sweeper.function.stack;
    const name = EXPIRY_SWEEPER.id;
    const failing = new cloudwatch.Alarm(this, 'ExpirySweeperErrors', {
      alarmName: `${stackName}-${name}-FunctionErrors`,
      alarmDescription:
        'ExpireIntents: sweeper runs failed in two of the last three periods; ended intents may keep their PKCE verifier, state or token past the documented bound. See docs/expiry.md.',
      metric: this.sweeper.function.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const notRunning = new cloudwatch.Alarm(this, 'ExpirySweeperNotRunning', {
      alarmName: `${stackName}-${name}-NotRunning`,
      alarmDescription:
        'ExpireIntents: the sweeper did not run for a whole period (the schedule is disabled, or Lambda refuses it); nothing expires intents nobody calls for. See docs/expiry.md.',
      metric: this.sweeper.function.metricInvocations({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const notify = new actions.SnsAction(topic);
    for (const alarm of [failing, notRunning]) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
    return [failing, notRunning];
  }
}

/**
 * The lifetime from the CDK context `intentLifetimeSeconds` (`-c intentLifetimeSeconds=1800` or
 * cdk.context.json): whole seconds from 1 to a day, an hour when absent. Synth fails on anything else.
 */
export function intentLifetimeFromContext(value: unknown): number {
  const given = value === '' ? undefined : value;
  // A number, or its text from `-c`; coercion would read `true` as 1.
  const parsed = intentLifetimeSecondsSchema.safeParse(given);
  if (!['undefined', 'number', 'string'].includes(typeof given) || !parsed.success) {
    throw new Error(
      `The context intentLifetimeSeconds must be whole seconds from 1 to 86400 (default ${DEFAULT_INTENT_LIFETIME_SECONDS}); got ${JSON.stringify(value)}`,
    );
  }
  return parsed.data;
}
