import { App, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ROUTES } from '../../../functions/routes';
import type { IntentsStack } from '../../../lib/intents-stack';
import { SYNTH_TIMEOUT_MS, synthesizeIntentsStack } from './intents-stack-template';

let stack: IntentsStack;
beforeAll(() => {
  ({ stack } = synthesizeIntentsStack());
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

    expect([...found.keys()].sort()).toEqual(
      [
        'AwsSolutions-APIG2',
        'AwsSolutions-APIG3',
        'AwsSolutions-APIG4',
        'AwsSolutions-COG4',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-SMG4',
      ].sort(),
    );
    // Never for the whole stack: a new resource must face the checks.
    for (const paths of found.values()) expect(paths).not.toContain(stack.node.path);
    expect(found.get('AwsSolutions-IAM5[Resource::*]')).toEqual(
      ROUTES.map((route) => `BankAccountConnectionIntents/${route.id}Function/Role`),
    );
    expect(found.get('AwsSolutions-SMG4')).toEqual(
      ['QuartzLiveClientSecret', 'QuartzTestClientSecret', 'PageKeySecret'].map(
        (id) => `BankAccountConnectionIntents/${id}`,
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
