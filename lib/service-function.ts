import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../functions/shared/observability/metrics';
import { TIME_BUDGET } from '../functions/shared/time-budget';
import { HANDLER_BUNDLING } from './bundling-options';
import { acknowledgeGuardRule, GUARD_RULES } from './policy-checks';

/** From the one time budget (functions/shared/time-budget.ts), where the reasons are. */
export const FUNCTION_TIMEOUT_SECONDS = TIME_BUDGET.functionTimeoutMs / 1_000;

/** The repository root, found from this file so that synth works from any working directory. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * Memory sizes, from the figures in docs/performance-bundles.md. Memory is the CPU knob here: a
 * function's resident set stays between 85 and 105 MB, and Lambda gives CPU in proportion to memory
 * (one vCPU at 1,769 MB, 0.29 at 512, 0.58 at 1,024). Measured on Node.js 24 (fresh processes, this
 * service's bundles, X-Ray loaded as under active tracing), a cold start is CPU-bound: 400 to 550 ms
 * of CPU (module load and first request) against some 50 ms of waiting; a warm request takes about
 * 21 ms of CPU against an estimated 15 to 20 ms waiting on DynamoDB. CPU-bound work costs the same
 * GB-seconds at any size up to 1,769 MB (twice the memory, half the time); only the waiting costs
 * more with more memory. So:
 * - API functions get 1,024 MB: a cold start's CPU takes ~0.7 to 0.95 s instead of ~1.4 to 1.9 s at
 *   512 MB, a warm request's ~36 ms instead of ~73 ms, for 17 to 21% more GB-seconds on a warm read
 *   (its waiting, at twice the memory) and none on a cold start. That holds for authorize too,
 *   although its wait on the bank is paid at twice the memory (per 500 ms waited, about $3.3 more
 *   per million authorizations on arm64): a connection is authorized once, by a function that sees
 *   little traffic and so many cold starts. Beyond 1,024 MB a cold start shrinks by another ~0.4 s
 *   at most while every wait costs more; above 1,769 MB Node.js's one thread gains nothing.
 * - The publisher of events and the expiry sweeper keep 512 MB: no caller waits on them, so a slower
 *   cold start costs nothing, and their waits (EventBridge, DynamoDB) cost half.
 */
export const FUNCTION_MEMORY_MB = { api: 1_024, background: 512 } as const;

/**
 * arm64 (Graviton): the same work at 20% less per GB-second than x86_64. Every bundle is plain
 * JavaScript, which runs alike on both (esbuild bundles no native addon, and none of the packages
 * scripts/bundle-report.ts lists loads one), and nothing measured here says x86_64 would do the
 * work faster. The figures above were taken on x86_64: check them against the functions' own
 * REPORT lines (Init Duration, Duration, Max Memory Used) once deployed.
 */
export const FUNCTION_ARCHITECTURE = lambda.Architecture.ARM_64;

export interface ServiceFunctionProps {
  /** Folder under functions/ whose handler.ts exports `handler`. */
  handlerDir: string;
  description: string;
  environment: Record<string, string>;
  /** Encrypts the function's log group; the key policy must let CloudWatch Logs use it. */
  logEncryptionKey: kms.IKey;
  /** By default the API functions' timeout; a function that answers no caller may have its own. */
  timeout?: Duration;
  /** Whether a caller waits on it (an API route) or not (FUNCTION_MEMORY_MB says what follows). */
  role: keyof typeof FUNCTION_MEMORY_MB;
}

/** A year, the least Control Tower accepts (CT.CLOUDWATCH.PR.2): requests are audited by their logs. */
export const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/**
 * A service Lambda function with the defaults set once: latest Node.js on Graviton, JSON logs into
 * its own encrypted log group, active tracing, Powertools' service name and metrics namespace, and an
 * ESM bundle built by the local esbuild (no Docker).
 */
export class ServiceFunction extends Construct implements iam.IGrantable {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;
  readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: LOG_RETENTION,
      encryptionKey: props.logEncryptionKey,
    });

    // Our own role instead of the generated one with AWSLambdaBasicExecutionRole: that managed
    // policy may write to any log group, this role only to the function's own.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${id} Lambda function`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.grantPrincipal = this.role;

    // 'Default' makes this the construct's default child; its logical id is pinned below.
    this.function = new NodejsFunction(this, 'Default', {
      entry: path.join(PROJECT_ROOT, 'functions', props.handlerDir, 'handler.ts'),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: FUNCTION_MEMORY_MB[props.role],
      timeout: props.timeout ?? Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...props.environment,
        // Read by Powertools (logger, metrics, tracer); the same constants the alarms watch.
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // No NODE_OPTIONS=--enable-source-maps: the bundle keeps its names instead (see HANDLER_BUNDLING).
      },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        mainFields: [...HANDLER_BUNDLING.mainFields],
        banner: HANDLER_BUNDLING.banner,
        target: HANDLER_BUNDLING.target,
        // NodejsFunction's `minify` is all or nothing; the parts are chosen in HANDLER_BUNDLING.
        minify: false,
        esbuildArgs: {
          '--minify-whitespace': HANDLER_BUNDLING.minify.whitespace,
          '--minify-syntax': HANDLER_BUNDLING.minify.syntax,
          '--minify-identifiers': HANDLER_BUNDLING.minify.identifiers,
        },
        sourceMap: HANDLER_BUNDLING.sourceMap,
        // The SDK versions are pinned in package-lock.json; the runtime's copy may differ.
        bundleAwsSDK: true,
        externalModules: [],
        forceDockerBundling: false,
      },
    });
    // A stable logical id (`CreateIntentFunction`), the name `sam local invoke` and the README use.
    (this.function.node.defaultChild as lambda.CfnFunction).overrideLogicalId(id);

    acknowledgeGuardRule(
      this.function,
      GUARD_RULES.lambdaInVpc,
      'The function reaches only public endpoints: DynamoDB, Secrets Manager, EventBridge and X-Ray (AWS APIs, signed with its role over TLS) and the bank on the internet. A VPC would hold nothing it needs and add NAT gateways (for the bank) and interface endpoints (for Secrets Manager, EventBridge and X-Ray) at a monthly cost per Availability Zone, and no control that IAM and TLS do not already give.',
    );

    // X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray actions added by active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) use Resource *: X-Ray supports no resource-level permissions for them.',
    });
  }
}
