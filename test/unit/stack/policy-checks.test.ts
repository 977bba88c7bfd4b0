import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ROUTES } from '../../../functions/routes';
import type { IntentsStack } from '../../../lib/intents-stack';
import { addPolicyChecks, CFN_GUARD_PLUGIN, GUARD_RULES } from '../../../lib/policy-checks';
import { SYNTH_TIMEOUT_MS, synthesizeIntentsStack } from './intents-stack-template';

let stack: IntentsStack;
let assembly: CloudAssembly;
beforeAll(() => {
  // Fails here on any finding of either check that nobody acknowledged.
  ({ stack, assembly } = synthesizeIntentsStack({ bundle: false }));
}, SYNTH_TIMEOUT_MS);

/** Every acknowledgment in the tree, as `rule id → construct paths`. */
function acknowledgments(root: IConstruct): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        expect(reason.length).toBeGreaterThan(40);
        const ruleId = id.replace(/^annotation::/i, '');
        found.set(ruleId, [...(found.get(ruleId) ?? []), construct.node.path]);
      }
    }
  }
  return found;
}

const GUARD_PREFIX = `${CFN_GUARD_PLUGIN}::`;

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the stack', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);

    expect(report.violations.map((violation) => `${violation.ruleName}: ${violation.description}`)).toEqual(
      [],
    );
    expect(report.success).toBe(true);
  });

  it('is acknowledged only for the reviewed rules, each where it applies', () => {
    const found = acknowledgments(stack);

    expect([...found.keys()].filter((id) => !id.startsWith(GUARD_PREFIX)).sort()).toEqual(
      [
        'AwsSolutions-APIG2',
        'AwsSolutions-APIG3',
        'AwsSolutions-APIG4',
        'AwsSolutions-COG4',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
      ].sort(),
    );
    // Never for the whole stack or one of its parts: a new resource must face the checks.
    for (const paths of found.values()) {
      expect(paths).not.toContain(stack.node.path);
      for (const part of [stack.state, stack.service, stack.events, stack.monitoring])
        expect(paths).not.toContain(part.node.path);
    }
    expect(found.get('AwsSolutions-IAM5[Resource::*]')).toEqual([
      ...ROUTES.map((route) => `BankAccountConnectionIntents/Service/${route.id}Function/Role`),
      'BankAccountConnectionIntents/Events/PublishEventsFunction/Role',
      'BankAccountConnectionIntents/Events/StreamReadPolicy',
      'BankAccountConnectionIntents/Expiry/ExpireIntentsFunction/Role',
    ]);
    expect(found.get('AwsSolutions-SQS3')).toEqual([
      'BankAccountConnectionIntents/Events/EventsDeadLetterQueue',
    ]);
    expect(found.get('AwsSolutions-SMG4')).toEqual(
      ['QuartzLiveClientSecret', 'QuartzTestClientSecret', 'PageKeySecret'].map(
        (id) => `BankAccountConnectionIntents/State/${id}`,
      ),
    );
  });

  it('does report a finding on an API that nobody acknowledged', () => {
    const bare = new Stack(new App(), 'Bare');
    new apigateway.RestApi(bare, 'Api').root.addMethod('GET');

    const report = new AwsSolutionsChecks().validateScope(bare);

    expect(report.violations.map((violation) => violation.ruleName)).toContain('AwsSolutions-APIG2');
  });
});

interface ReportedViolation {
  ruleName: string;
  description: string;
  violatingConstructs: { constructPath: string }[];
  reason?: string;
}
interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: ReportedViolation[];
    suppressedViolations?: ReportedViolation[];
  }[];
}

/** CDK's report of the policy checks, which synthesis writes beside the templates. */
const controlTowerReport = () => {
  const report = JSON.parse(
    readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
  ) as ValidationReport;
  return report.pluginReports.find((plugin) => plugin.pluginName === CFN_GUARD_PLUGIN);
};

describe('AWS Control Tower proactive controls (cfn-guard)', () => {
  it('find nothing unacknowledged in the stack', () => {
    const report = controlTowerReport();

    expect(report?.violations.map((violation) => violation.description) ?? []).toEqual([]);
    expect(report?.conclusion).toBe('success');
  });

  it('are acknowledged one by one: the bank needs no VPC, CDK source ARNs are misread, a dead-letter queue needs none', () => {
    const suppressed = (controlTowerReport()?.suppressedViolations ?? []).flatMap((violation) =>
      violation.violatingConstructs.map(({ constructPath }) => ({
        rule: violation.ruleName,
        where: constructPath.replace(/\/ApiPermission\..*$/, '/ApiPermission'),
        reason: violation.reason ?? '',
      })),
    );

    expect(suppressed.map(({ rule, where }) => `${rule} ${where}`).sort()).toEqual(
      [
        ...ROUTES.flatMap((route) => [
          `${GUARD_RULES.lambdaInVpc} BankAccountConnectionIntents/Service/${route.id}Function/Default/Resource`,
          `${GUARD_RULES.lambdaPermissionSource} BankAccountConnectionIntents/Service/Api/Default${route.path}/${route.method}/ApiPermission`,
        ]),
        `${GUARD_RULES.lambdaInVpc} BankAccountConnectionIntents/Events/PublishEventsFunction/Default/Resource`,
        `${GUARD_RULES.sqsDeadLetterQueue} BankAccountConnectionIntents/Events/EventsDeadLetterQueue/Resource`,
        // The sweeper reaches DynamoDB only; its schedule's permission names the rule's ARN, which passes.
        `${GUARD_RULES.lambdaInVpc} BankAccountConnectionIntents/Expiry/ExpireIntentsFunction/Default/Resource`,
      ].sort(),
    );
    for (const { reason } of suppressed) expect(reason.length).toBeGreaterThan(100);
  });

  it('fail synthesis on a finding nobody acknowledged, even beside one that was', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const bare = new Stack(app, 'Bare');
    const reviewed = new logs.LogGroup(bare, 'Reviewed', { retention: logs.RetentionDays.ONE_YEAR });
    new logs.LogGroup(bare, 'Forgotten', { retention: logs.RetentionDays.ONE_YEAR });
    Validations.of(reviewed).acknowledge({
      id: `${GUARD_PREFIX}cloudwatch_log_group_encrypted_check`,
      reason: 'Reviewed in this test: the other log group is not.',
    });
    addPolicyChecks(app);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    expect(() => app.synth()).toThrow(/CT\.CLOUDWATCH\.PR\.3[\s\S]*Bare\/Forgotten/);
    errors.mockRestore();
  });
});
