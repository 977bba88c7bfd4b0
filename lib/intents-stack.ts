import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ROUTES } from '../functions/routes';
import { TABLE_KEY_SCHEMA, TIME_TO_LIVE_ATTRIBUTE } from '../functions/shared/repository/table-keys';
import { addContractGatewayResponses } from './contract-gateway-responses';
import { pageKeySecret } from './page-key-secret';
import type { QuartzSettings } from './quartz-settings';
import { grantResourceArn, routeAccess } from './route-access';
import { ServiceFunction } from './service-function';
import { addTableIndexes } from './table-indexes';

export interface IntentsStackProps extends StackProps {
  /** The two Quartz client registrations; their client secrets live in this stack's secrets. */
  quartz: QuartzSettings;
  /**
   * For `sam local invoke` only (context `samLocal=true`): declares, empty, the variables a local
   * run fills through `--env-vars` (SAM overrides only variables the template declares).
   */
  samLocal?: boolean;
}

/** Declared only in a SAM-local synth; never part of a deployed function's configuration. */
export const SAM_LOCAL_VARIABLES = [
  'AWS_ENDPOINT_URL_DYNAMODB',
  'QUARTZ_LIVE_CLIENT_SECRET',
  'QUARTZ_TEST_CLIENT_SECRET',
  'PAGE_KEY_SECRET',
];

export const STAGE_NAME = 'v1';

/** The Bank Account Connection Intents API: one table, one function per route, one REST API. */
export class IntentsStack extends Stack {
  readonly table: dynamodb.Table;
  readonly api: apigateway.RestApi;
  readonly functions: Readonly<Record<string, ServiceFunction>>;
  readonly quartzClientSecrets: { live: secretsmanager.Secret; test: secretsmanager.Secret };
  readonly pageKeySecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: IntentsStackProps) {
    super(scope, id, props);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEY_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEY_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Rate-limit counters expire on their own; no other item carries this attribute.
      timeToLiveAttribute: TIME_TO_LIVE_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    addTableIndexes(this.table);

    this.quartzClientSecrets = {
      live: this.quartzClientSecret('QuartzLiveClientSecret', 'live'),
      test: this.quartzClientSecret('QuartzTestClientSecret', 'test (sandbox)'),
    };
    this.pageKeySecret = pageKeySecret(this);

    const environment = {
      TABLE_NAME: this.table.tableName,
      QUARTZ_LIVE_ISSUER: props.quartz.live.issuer,
      QUARTZ_LIVE_CLIENT_ID: props.quartz.live.clientId,
      QUARTZ_LIVE_REDIRECT_URI: props.quartz.live.redirectUri,
      QUARTZ_TEST_ISSUER: props.quartz.test.issuer,
      QUARTZ_TEST_CLIENT_ID: props.quartz.test.clientId,
      QUARTZ_TEST_REDIRECT_URI: props.quartz.test.redirectUri,
    };
    const secretEnvironment = {
      QUARTZ_LIVE_CLIENT_SECRET_ARN: this.quartzClientSecrets.live.secretArn,
      QUARTZ_TEST_CLIENT_SECRET_ARN: this.quartzClientSecrets.test.secretArn,
    };

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: 'bank-account-connection-intents',
      description: 'Bank Account Connection Intents',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // API Gateway refuses a stage with access or execution logging in a region whose account
      // settings name no CloudWatch role; this sets one (retained, as it serves every API there).
      cloudWatchRole: true,
      deployOptions: {
        stageName: STAGE_NAME,
        // A safety net for the whole API, far above one account's share: the contract's limit of
        // 200 requests a minute is enforced per account by the functions themselves.
        throttlingRateLimit: 500,
        throttlingBurstLimit: 1000,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        // Errors only, and never bodies: request bodies carry authorization codes.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
      },
    });
    // RestApi adds an `Endpoint` output of its own; ApiUrl below is the one this stack documents.
    this.api.node.tryRemoveChild('Endpoint');
    addContractGatewayResponses(this.api);

    const functions: Record<string, ServiceFunction> = {};
    for (const route of ROUTES) {
      const access = routeAccess(route.id);
      const fn = new ServiceFunction(this, `${route.id}Function`, {
        handlerDir: route.handlerDir,
        description: `${route.method} ${route.path}`,
        environment: {
          ...environment,
          ...(access.readsQuartzClientSecrets ? secretEnvironment : {}),
          ...(access.signsPageKeys ? { PAGE_KEY_SECRET_ARN: this.pageKeySecret.secretArn } : {}),
          ...(props.samLocal ? Object.fromEntries(SAM_LOCAL_VARIABLES.map((name) => [name, ''])) : {}),
        },
      });
      for (const grant of access.table) {
        fn.role.addToPolicy(
          new iam.PolicyStatement({
            actions: [...grant.actions],
            resources: [grantResourceArn(this.table.tableArn, grant)],
            conditions: {
              'ForAllValues:StringLike': {
                'dynamodb:LeadingKeys': grant.keyPrefixes.map((prefix) => `${prefix}*`),
              },
            },
          }),
        );
      }
      if (access.readsQuartzClientSecrets) {
        this.quartzClientSecrets.live.grantRead(fn);
        this.quartzClientSecrets.test.grantRead(fn);
      }
      if (access.signsPageKeys) this.pageKeySecret.grantRead(fn);

      const method = this.api.root
        .resourceForPath(route.path)
        .addMethod(route.method, new apigateway.LambdaIntegration(fn.function));
      Validations.of(method).acknowledge(
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'Callers authenticate with the X-Api-Key header, which the function checks against its stored API keys (the contract); there is no API Gateway authorizer.',
        },
        {
          id: 'AwsSolutions-COG4',
          reason:
            'Callers are API clients holding an X-Api-Key, not Cognito users; the function authenticates the key itself.',
        },
      );
      functions[route.id] = fn;
    }
    this.functions = functions;

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Bodies are validated by the function with zod so that every 400 carries the contract error body naming the field; an API Gateway validator would answer in its own shape.',
    });
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'A WAF web ACL is a deployment choice (shared, per account or organisation, and priced); stage throttling limits request rates here.',
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role API Gateway needs to write access and execution logs; AWS maintains this policy for exactly that purpose.',
      });
    }

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL of the API (stage included)',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'QuartzLiveClientSecretArn', {
      value: this.quartzClientSecrets.live.secretArn,
      description: 'Put the live Quartz client secret here (aws secretsmanager put-secret-value)',
    });
    new CfnOutput(this, 'QuartzTestClientSecretArn', {
      value: this.quartzClientSecrets.test.secretArn,
      description: 'Put the sandbox Quartz client secret here (aws secretsmanager put-secret-value)',
    });
  }

  private quartzClientSecret(id: string, environment: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, id, {
      description: `Quartz ${environment} OAuth client secret. Created with a random placeholder: put the client secret Quartz issued into it with "aws secretsmanager put-secret-value --secret-id <this secret's ARN> --secret-string <secret>".`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Quartz issues this client secret at client registration; it is rotated at Quartz and then put here, so Secrets Manager rotation cannot change it.',
    });
    return secret;
  }
}
