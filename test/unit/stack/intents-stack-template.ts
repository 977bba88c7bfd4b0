import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { IntentsStack } from '../../../lib/intents-stack';
import { addPolicyChecks } from '../../../lib/policy-checks';
import type { QuartzSettings } from '../../../lib/quartz-settings';

/** Distinct from the placeholders, so a test can tell that the props reach the functions. */
export const QUARTZ: QuartzSettings = {
  live: {
    issuer: 'https://live.quartz.test',
    clientId: 'live-client-id',
    redirectUri: 'https://app.test/quartz/callback',
  },
  test: {
    issuer: 'https://sandbox.quartz.test',
    clientId: 'test-client-id',
    redirectUri: 'https://app.test/quartz/test-callback',
  },
};

/** Synthesis bundles both functions with the real esbuild: give it time. */
export const SYNTH_TIMEOUT_MS = 120_000;

export interface SynthesizedStack {
  stack: IntentsStack;
  template: Template;
  assembly: CloudAssembly;
}

export interface SynthesisOptions {
  quartz?: QuartzSettings;
  /** Bundle the functions with esbuild (slow); tests that read no bundle skip it. */
  bundle?: boolean;
}

/**
 * Synthesizes the stack as `npm run synth` does, policy checks included: a finding nobody
 * acknowledged fails the synthesis, and so the test that asked for it.
 */
export function synthesizeIntentsStack({
  quartz = QUARTZ,
  bundle = true,
}: SynthesisOptions = {}): SynthesizedStack {
  const app = new App({
    context: {
      // As the CDK CLI does, so the functions carry the `aws:asset:path` metadata `sam local invoke` reads.
      'aws:cdk:enable-asset-metadata': true,
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = new IntentsStack(app, 'BankAccountConnectionIntents', { quartz });
  addPolicyChecks(app);
  const template = Template.fromStack(stack);
  // Cached by the synthesis above: no second bundling.
  const assembly = app.synth();
  return { stack, template, assembly };
}

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The logical id of the one resource of `type` whose logical id starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${prefix}…, found ${ids.join(', ')}`);
  return ids[0] as string;
}

export function resource(template: Template, logicalId: string): Resource {
  const found = template.toJSON().Resources?.[logicalId] as Resource | undefined;
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found;
}

export interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string[]>>;
}

/** Every statement of every policy attached to the role of the route's function. */
export function statementsOfFunction(template: Template, routeId: string): PolicyStatement[] {
  const functionId = logicalIdOf(template, 'AWS::Lambda::Function', `${routeId}Function`);
  const role = resource(template, functionId).Properties.Role as { 'Fn::GetAtt': [string, string] };
  const roleId = role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((ref) => isRefTo(ref, roleId)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[]);
}

export const actionsOf = (statement: PolicyStatement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const isRefTo = (value: unknown, logicalId: string): boolean =>
  typeof value === 'object' && value !== null && (value as { Ref?: unknown }).Ref === logicalId;
