import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Template as TemplateOf } from 'aws-cdk-lib/assertions';
import { SERVICE_NAME } from '../../../functions/shared/observability/metrics';
import { intentLifetimeFromContext } from '../../../lib/intent-expiry';
import { IntentsStack, SAM_LOCAL_VARIABLES } from '../../../lib/intents-stack';
import { samEnvVars } from '../../../local/sam-env';
import {
  actionsOf,
  logicalIdOf,
  QUARTZ,
  resource,
  SYNTH_TIMEOUT_MS,
  statementsOfFunction,
  synthesizeIntentsStack,
} from './intents-stack-template';

let template: Template;
beforeAll(() => {
  ({ template } = synthesizeIntentsStack({ bundle: false }));
}, SYNTH_TIMEOUT_MS);

const SWEEPER = 'ExpireIntentsFunction';
const tableId = () => logicalIdOf(template, 'AWS::DynamoDB::Table', 'Table');

describe('the expiry sweeper', () => {
  it('is a function of its own, not behind the API, with the defaults of the service functions', () => {
    expect(resource(template, SWEEPER).Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      // No caller waits on it: lib/service-function.ts says why this size.
      MemorySize: 512,
      Timeout: 20,
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: tableId() },
          POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
          POWERTOOLS_METRICS_NAMESPACE: expect.any(String),
        },
      },
    });
    // It needs the table only: no bank settings, no secret.
    const variables = Object.keys(
      (resource(template, SWEEPER).Properties.Environment as { Variables: object }).Variables,
    );
    expect(variables.filter((name) => /QUARTZ|SECRET|LIFETIME/.test(name))).toEqual([]);
    const integrations = JSON.stringify(template.findResources('AWS::ApiGateway::Method'));
    expect(integrations).not.toContain(SWEEPER);
  });

  it('may only query the expiry index and update intents', () => {
    const dynamo = statementsOfFunction(template, 'ExpireIntents').filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
    );

    expect(dynamo).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId(), 'Arn'] }, '/index/gsi2']] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['EXPIRING#*'] } },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['INTENT#*'] } },
      },
    ]);
    const others = statementsOfFunction(template, 'ExpireIntents')
      .flatMap(actionsOf)
      .filter((action) => !action.startsWith('dynamodb:'))
      .sort();
    expect(others).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('runs every minute from an EventBridge schedule; a failed run waits for the next one', () => {
    const ruleId = logicalIdOf(template, 'AWS::Events::Rule', 'ExpirySchedule');

    expect(resource(template, ruleId).Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [SWEEPER, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
        },
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: SWEEPER },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [SWEEPER, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });

  it('is watched for failing runs and for not running at all', () => {
    const alarmOf = (name: string) =>
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
        (alarm) => alarm.Properties.AlarmName === `BankAccountConnectionIntents-ExpireIntents-${name}`,
      )?.Properties;

    expect(alarmOf('FunctionErrors')).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: SWEEPER } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    expect(alarmOf('NotRunning')).toMatchObject({
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: SWEEPER } }],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      Period: 300,
      TreatMissingData: 'breaching',
    });
  });
});

describe('the expiry sweeper for sam local invoke', () => {
  it('declares, empty, the variables a local run fills, as every function of a SAM-local synth does', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new IntentsStack(app, 'SamLocal', { quartz: QUARTZ, samLocal: true });
    const samTemplate = TemplateOf.fromStack(stack);

    const variables = (resource(samTemplate, SWEEPER).Properties.Environment as { Variables: object })
      .Variables;
    expect(variables).toMatchObject(Object.fromEntries(SAM_LOCAL_VARIABLES.map((name) => [name, ''])));
    expect(Object.keys(samEnvVars({}))).toContain(SWEEPER);
  });
});

describe('the intent lifetime', () => {
  const createLifetime = (stackTemplate: Template) =>
    (
      resource(stackTemplate, logicalIdOf(stackTemplate, 'AWS::Lambda::Function', 'CreateIntentFunction'))
        .Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables.INTENT_LIFETIME_SECONDS;

  it('is an hour by default, given to create', () => {
    expect(createLifetime(template)).toBe('3600');
  });

  it('is what the stack is told', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new IntentsStack(app, 'Other', { quartz: QUARTZ, intentLifetimeSeconds: 900 });

    expect(createLifetime(TemplateOf.fromStack(stack))).toBe('900');
  });

  it.each([
    [undefined, 3_600],
    ['', 3_600],
    [1_800, 1_800],
    ['1800', 1_800],
  ])('reads the context value %p as %p seconds', (value, seconds) => {
    expect(intentLifetimeFromContext(value)).toBe(seconds);
  });

  it.each([0, -1, 1.5, 86_401, 'an hour', true])('refuses the context value %p', (value) => {
    expect(() => intentLifetimeFromContext(value)).toThrow('intentLifetimeSeconds must be whole seconds');
  });
});
