import { App, Stack } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { ROUTES } from '../../functions/routes';
import { IntentsStack } from '../../lib/intents-stack';
import { quartzSettingsFromContext } from '../../lib/quartz-settings';
import type { FunctionSettings } from './function-settings';

// Builds the stack as bin/app.ts does (placeholder Quartz settings, no bundling, no synthesis: the
// functions' properties are read off the constructs) and prints each route function's settings as
// one JSON line. A process of its own, so the bench never holds the CDK in memory.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new IntentsStack(app, 'BankAccountConnectionIntents', {
  quartz: quartzSettingsFromContext(undefined),
});
const functions = new Map(
  stack.node
    .findAll()
    .filter((construct): construct is CfnFunction => construct instanceof CfnFunction)
    .map((fn) => [String(Stack.of(fn).resolve(fn.logicalId)), fn]),
);
const settings = Object.fromEntries(
  ROUTES.map((route): [string, FunctionSettings] => {
    const fn = functions.get(`${route.id}Function`);
    if (!fn) throw new Error(`The stack has no function ${route.id}Function`);
    const variables = (stack.resolve(fn.environment) as { variables?: Record<string, unknown> } | undefined)
      ?.variables;
    return [
      route.id,
      {
        memoryMb: Number(fn.memorySize),
        architecture: fn.architectures?.[0] === 'x86_64' ? 'x86_64' : 'arm64',
        runtime: String(fn.runtime),
        timeoutSeconds: Number(fn.timeout),
        // Only literal values: the rest (table name, secret ARNs) the local stack fills.
        literalVariables: Object.fromEntries(
          Object.entries(variables ?? {}).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        ),
      },
    ];
  }),
);
process.stdout.write(`${JSON.stringify(settings)}\n`);
