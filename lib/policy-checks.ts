import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  type App,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The name cfn-guard's findings carry in CDK's validation report, and the prefix of their ids. */
export const CFN_GUARD_PLUGIN = 'cdk-validator-cfnguard';

/**
 * The Control Tower controls this stack acknowledges, by cfn-guard rule name (what CDK matches an
 * acknowledgement against) with the control's id for the reader.
 */
export const GUARD_RULES = {
  /** CT.LAMBDA.PR.2: a permission for a service principal must name its SourceArn or SourceAccount. */
  lambdaPermissionSource: 'lambda_function_public_access_prohibited_check',
  /** CT.LAMBDA.PR.3: a function must run in a customer-managed VPC. */
  lambdaInVpc: 'lambda_inside_vpc_check',
  /** CT.SQS.PR.1: a queue must have a dead-letter queue, or allow queues to redrive into it. */
  sqsDeadLetterQueue: 'sqs_dlq_check',
} as const;

/**
 * AWS Control Tower's proactive controls: the cfn-guard rules Control Tower can enforce when a
 * stack is deployed, run on the synthesized template.
 *
 * The plugin reports its findings without a severity. CDK prints such a finding as an error, but once
 * any finding of the plugin is acknowledged it decides whether synthesis fails by the severity alone,
 * and then lets the unacknowledged ones pass; naming each an error keeps every one of them fatal.
 */
export class ControlTowerChecks implements IPolicyValidationPlugin {
  readonly name = CFN_GUARD_PLUGIN;
  readonly version: string | undefined;
  readonly ruleIds: string[] | undefined;
  private readonly guard = new CfnGuardValidator();

  constructor() {
    this.version = this.guard.version;
    this.ruleIds = this.guard.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.guard.validate(context);
    return {
      ...report,
      violations: report.violations.map((violation) => ({ ...violation, severity: 'error' })),
    };
  }
}

/**
 * The checks every synthesis runs (`npm run synth`, `cdk deploy` and the stack tests alike): cdk-nag's
 * AwsSolutions rules and Control Tower's proactive controls. Synthesis fails on any finding that is
 * not acknowledged, with its reason, on the construct it concerns.
 */
export function addPolicyChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ControlTowerChecks());
}

/** Acknowledges one cfn-guard rule on one construct (and what it holds), with the reason. */
export function acknowledgeGuardRule(
  construct: IConstruct,
  rule: (typeof GUARD_RULES)[keyof typeof GUARD_RULES],
  reason: string,
): void {
  Validations.of(construct).acknowledge({ id: `${CFN_GUARD_PLUGIN}::${rule}`, reason });
}
