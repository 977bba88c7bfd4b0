import { Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ROUTES, type Route } from '../functions/routes';
import { addContractGatewayResponses } from './contract-gateway-responses';
import { acknowledgeGuardRule, GUARD_RULES } from './policy-checks';
import type { QuartzSettings } from './quartz-settings';
import { routeAccess, tablePolicyStatements } from './route-access';
import { LOG_RETENTION, ServiceFunction } from './service-function';
import type { ServiceState } from './service-state';
import { StackPart } from './stack-part';

/** Declared only in a SAM-local synth; never part of a deployed function's configuration. */
export const SAM_LOCAL_VARIABLES = [
  'AWS_ENDPOINT_URL_DYNAMODB',
  'QUARTZ_LIVE_CLIENT_SECRET',
  'QUARTZ_TEST_CLIENT_SECRET',
  'PAGE_KEY_SECRET',
];

export const STAGE_NAME = 'v1';

export interface ServiceApiProps {
  state: ServiceState;
  /** The two Quartz client registrations; their client secrets live in the state's secrets. */
  quartz: QuartzSettings;
  /**
   * For `sam local invoke` only (context `samLocal=true`): declares, empty, the variables a local
   * run fills through `--env-vars` (SAM overrides only variables the template declares).
   */
  samLocal?: boolean;
}

/** One route of the route table as deployed: its function and its API Gateway method. */
export interface RouteEndpoint {
  route: Route;
  function: ServiceFunction;
  method: apigateway.Method;
}

/**
 * What serves requests, all replaceable: one function per route of functions/routes.ts, each with
 * only the access its route needs, behind one REST API with the contract's gateway responses.
 */
export class ServiceApi extends StackPart {
  readonly api: apigateway.RestApi;
  readonly endpoints: readonly RouteEndpoint[];

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    const { state } = props;

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: LOG_RETENTION,
      encryptionKey: state.encryptionKey,
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
        // Per-method metrics: the alarms and the dashboard read each route's own.
        metricsEnabled: true,
        tracingEnabled: true,
      },
    });
    // RestApi adds an `Endpoint` output of its own; ApiUrl is the one the stack documents.
    this.api.node.tryRemoveChild('Endpoint');
    addContractGatewayResponses(this.api);

    const environment = {
      TABLE_NAME: state.table.tableName,
      QUARTZ_LIVE_ISSUER: props.quartz.live.issuer,
      QUARTZ_LIVE_CLIENT_ID: props.quartz.live.clientId,
      QUARTZ_LIVE_REDIRECT_URI: props.quartz.live.redirectUri,
      QUARTZ_TEST_ISSUER: props.quartz.test.issuer,
      QUARTZ_TEST_CLIENT_ID: props.quartz.test.clientId,
      QUARTZ_TEST_REDIRECT_URI: props.quartz.test.redirectUri,
      ...(props.samLocal ? Object.fromEntries(SAM_LOCAL_VARIABLES.map((name) => [name, ''])) : {}),
    };
    this.endpoints = ROUTES.map((route) => this.addRoute(route, state, environment));

    this.acknowledgeApiFindings();
  }

  private addRoute(route: Route, state: ServiceState, environment: Record<string, string>): RouteEndpoint {
    const access = routeAccess(route);
    const { live, test } = state.quartzClientSecrets;
    const fn = new ServiceFunction(this, `${route.id}Function`, {
      handlerDir: route.handlerDir,
      description: `${route.method} ${route.path}`,
      environment: {
        ...environment,
        ...(access.readsQuartzClientSecrets
          ? { QUARTZ_LIVE_CLIENT_SECRET_ARN: live.secretArn, QUARTZ_TEST_CLIENT_SECRET_ARN: test.secretArn }
          : {}),
        ...(access.signsPageKeys ? { PAGE_KEY_SECRET_ARN: state.pageKeySecret.secretArn } : {}),
      },
      logEncryptionKey: state.encryptionKey,
      role: 'api',
    });
    for (const statement of tablePolicyStatements(state.table.tableArn, access.table)) {
      fn.role.addToPolicy(statement);
    }
    if (access.readsQuartzClientSecrets) {
      live.grantRead(fn);
      test.grantRead(fn);
    }
    if (access.signsPageKeys) state.pageKeySecret.grantRead(fn);

    const method = this.api.root.resourceForPath(route.path).addMethod(
      route.method,
      // No permission for the console's test invocations: the deployed stage is the only caller.
      new apigateway.LambdaIntegration(fn.function, { allowTestInvoke: false }),
    );
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
    for (const permission of method.node.children.filter((child) => child instanceof lambda.CfnPermission)) {
      acknowledgeGuardRule(
        permission,
        GUARD_RULES.lambdaPermissionSource,
        "A false positive: the permission lets apigateway.amazonaws.com invoke the function only through this API's stage, method and path (its SourceArn), but CDK builds that ARN with Fn::Join from the API's id, and the control accepts only a literal string or a Ref/GetAtt.",
      );
    }
    return { route, function: fn, method };
  }

  private acknowledgeApiFindings(): void {
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
  }
}
