import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { ROUTES } from '../../../functions/routes';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../../functions/shared/observability/metrics';
import {
  actionsOf,
  isRefTo,
  logicalIdOf,
  type PolicyStatement,
  QUARTZ,
  resource,
  SYNTH_TIMEOUT_MS,
  statementsOfFunction,
  synthesizeIntentsStack,
} from './intents-stack-template';

let template: Template;
let assembly: CloudAssembly;
beforeAll(() => {
  ({ template, assembly } = synthesizeIntentsStack());
}, SYNTH_TIMEOUT_MS);

const functionIdOf = (routeId: string) =>
  logicalIdOf(template, 'AWS::Lambda::Function', `${routeId}Function`);
const tableId = () => logicalIdOf(template, 'AWS::DynamoDB::Table', 'Table');
const secretId = (environment: 'Live' | 'Test') =>
  logicalIdOf(template, 'AWS::SecretsManager::Secret', `Quartz${environment}ClientSecret`);
const pageKeySecretId = () => logicalIdOf(template, 'AWS::SecretsManager::Secret', 'PageKeySecret');
const keyId = () => logicalIdOf(template, 'AWS::KMS::Key', 'EncryptionKey');

describe('table', () => {
  it('is one on-demand table keyed by string pk and sk, with point-in-time recovery', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
        { AttributeName: 'gsi2pk', AttributeType: 'S' },
        { AttributeName: 'gsi2sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it("has two indexes: an account's intents in time order (every attribute), and intents by expiry (keys only)", () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });

  it('is retained when the stack is deleted or the table replaced', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('functions', () => {
  it('are exactly one per route, the expiry sweeper and the publisher of events, on Node.js 24 and arm64', () => {
    // The sweeper: test/unit/stack/intent-expiry.test.ts; the publisher: test/unit/stack/event-publishing.test.ts.
    template.resourceCountIs('AWS::Lambda::Function', ROUTES.length + 2);
    expect(ROUTES).toHaveLength(6);
    for (const route of ROUTES) {
      expect(resource(template, functionIdOf(route.id)).Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        // A caller waits on it: lib/service-function.ts says why this size.
        MemorySize: 1024,
        Handler: 'index.handler',
        Timeout: 20,
        TracingConfig: { Mode: 'Active' },
        Description: `${route.method} ${route.path}`,
      });
    }
  });

  it('log JSON into their own log group, encrypted, which keeps its events a year', () => {
    for (const route of ROUTES) {
      const { LoggingConfig } = resource(template, functionIdOf(route.id)).Properties as {
        LoggingConfig: { LogFormat: string; LogGroup: { Ref: string } };
      };

      expect(LoggingConfig.LogFormat).toBe('JSON');
      const logGroup = resource(template, LoggingConfig.LogGroup.Ref);
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties).toMatchObject({
        RetentionInDays: 365,
        KmsKeyId: { 'Fn::GetAtt': [keyId(), 'Arn'] },
      });
    }
  });

  it('ship an ESM bundle of their own handler, with the AWS SDK inside', () => {
    const assetDirectories = new Map<string, string>();
    for (const route of ROUTES) {
      const metadata = template.toJSON().Resources[functionIdOf(route.id)].Metadata as Record<string, string>;
      assetDirectories.set(route.id, path.join(assembly.directory, metadata['aws:asset:path'] as string));
    }

    expect(new Set(assetDirectories.values()).size).toBe(ROUTES.length);
    for (const [routeId, directory] of assetDirectories) {
      const bundle = readFileSync(path.join(directory, 'index.mjs'), 'utf8');
      expect(bundle.startsWith("import { createRequire } from 'module';")).toBe(true);
      expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      expect(bundle).toContain(`${routeId.charAt(0).toLowerCase()}${routeId.slice(1)}Action`);
      // Its own route entry only: the others' schemas and texts stay out of its bundle.
      for (const route of ROUTES) {
        if (route.id === routeId) expect(bundle).toContain(`id:"${route.id}"`);
        else expect(bundle).not.toContain(`id:"${route.id}"`);
      }
      expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
      // Names kept, no source map (lib/bundling-options.ts says why).
      expect(bundle).toContain('function apiHandler(');
      expect(existsSync(path.join(directory, 'index.mjs.map'))).toBe(false);
      // The bank's OAuth client only where the function calls the bank (function-bundles.test.ts
      // checks every function by package; this checks the very files the stack deploys).
      expect(bundle.includes('oauth4webapi/v')).toBe(['CreateIntent', 'AuthorizeIntent'].includes(routeId));
    }
  });

  it('ship the expiry sweeper as a bundle of its own, with the AWS SDK inside', () => {
    const metadata = template.toJSON().Resources.ExpireIntentsFunction.Metadata as Record<string, string>;
    const directory = path.join(assembly.directory, metadata['aws:asset:path'] as string);

    const bundle = readFileSync(path.join(directory, 'index.mjs'), 'utf8');
    expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(bundle).toContain('expiry sweep');
    expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
  });

  it('read the table name and the Quartz settings from the stack props', () => {
    const shared = {
      TABLE_NAME: { Ref: tableId() },
      QUARTZ_LIVE_ISSUER: QUARTZ.live.issuer,
      QUARTZ_LIVE_CLIENT_ID: QUARTZ.live.clientId,
      QUARTZ_LIVE_REDIRECT_URI: QUARTZ.live.redirectUri,
      QUARTZ_TEST_ISSUER: QUARTZ.test.issuer,
      QUARTZ_TEST_CLIENT_ID: QUARTZ.test.clientId,
      QUARTZ_TEST_REDIRECT_URI: QUARTZ.test.redirectUri,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };

    const clientSecrets = {
      QUARTZ_LIVE_CLIENT_SECRET_ARN: { Ref: secretId('Live') },
      QUARTZ_TEST_CLIENT_SECRET_ARN: { Ref: secretId('Test') },
    };
    expect(resource(template, functionIdOf('CreateIntent')).Properties.Environment).toEqual({
      // Only create gives an intent its lifetime (an hour unless the stack is told otherwise); it
      // authenticates as the client for a decoupled intent's backchannel request.
      Variables: { ...shared, ...clientSecrets, INTENT_LIFETIME_SECONDS: '3600' },
    });
    expect(resource(template, functionIdOf('AuthorizeIntent')).Properties.Environment).toEqual({
      Variables: { ...shared, ...clientSecrets },
    });
    for (const routeId of ['GetIntent', 'GetBankAccount', 'ListBankAccounts']) {
      expect(resource(template, functionIdOf(routeId)).Properties.Environment).toEqual({ Variables: shared });
    }
    expect(resource(template, functionIdOf('ListIntents')).Properties.Environment).toEqual({
      Variables: { ...shared, PAGE_KEY_SECRET_ARN: { Ref: pageKeySecretId() } },
    });
  });
});

describe('permissions', () => {
  const dynamoActions = (routeId: string) =>
    statementsOfFunction(template, routeId)
      .flatMap(actionsOf)
      .filter((action) => action.startsWith('dynamodb:'))
      .sort();

  it('let create get and put items and update (the rate-limit counter), and nothing else on the table', () => {
    expect(dynamoActions('CreateIntent')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });

  it('let authorize get, put and update items', () => {
    expect(dynamoActions('AuthorizeIntent')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });

  it('let the read routes get items, query (the lists) and update the rate-limit counter only', () => {
    expect(dynamoActions('GetIntent')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(dynamoActions('GetBankAccount')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(dynamoActions('ListIntents')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(dynamoActions('ListBankAccounts')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  it('limit each DynamoDB action to the kinds of item the route works with', () => {
    const leadingKeys = (routeId: string, action: string) =>
      statementsOfFunction(template, routeId)
        .filter((statement) => actionsOf(statement).includes(action))
        .flatMap(
          (statement) =>
            statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? ['(unconditioned)'],
        )
        .sort();

    expect(leadingKeys('CreateIntent', 'dynamodb:GetItem')).toEqual([
      'API_KEY#*',
      'BANK_ACCOUNT#*',
      'IDEMPOTENCY#*',
      'INTENT#*',
    ]);
    expect(leadingKeys('CreateIntent', 'dynamodb:PutItem')).toEqual(['IDEMPOTENCY#*', 'INTENT#*']);
    expect(leadingKeys('CreateIntent', 'dynamodb:UpdateItem')).toEqual(['IDEMPOTENCY#*', 'RATE_LIMIT#*']);
    expect(leadingKeys('AuthorizeIntent', 'dynamodb:GetItem')).toEqual([
      'ACCOUNT#*',
      'API_KEY#*',
      'BANK_ACCOUNT#*',
      'INTENT#*',
    ]);
    expect(leadingKeys('AuthorizeIntent', 'dynamodb:PutItem')).toEqual(['ACCOUNT#*', 'BANK_ACCOUNT#*']);
    expect(leadingKeys('AuthorizeIntent', 'dynamodb:UpdateItem')).toEqual([
      'BANK_ACCOUNT#*',
      'INTENT#*',
      'RATE_LIMIT#*',
    ]);
    expect(leadingKeys('GetIntent', 'dynamodb:GetItem')).toEqual(['API_KEY#*', 'INTENT#*']);
    expect(leadingKeys('GetBankAccount', 'dynamodb:GetItem')).toEqual(['API_KEY#*', 'BANK_ACCOUNT#*']);
    expect(leadingKeys('ListIntents', 'dynamodb:GetItem')).toEqual(['API_KEY#*']);
    expect(leadingKeys('ListIntents', 'dynamodb:Query')).toEqual(['ACCOUNT#*']);
    expect(leadingKeys('ListBankAccounts', 'dynamodb:GetItem')).toEqual(['API_KEY#*']);
    expect(leadingKeys('ListBankAccounts', 'dynamodb:BatchGetItem')).toEqual(['BANK_ACCOUNT#*']);
    expect(leadingKeys('ListBankAccounts', 'dynamodb:Query')).toEqual(['ACCOUNT#*']);
    for (const route of ROUTES) {
      expect(leadingKeys(route.id, 'dynamodb:UpdateItem')).toContain('RATE_LIMIT#*');
    }
  });

  it('scope every DynamoDB statement to the table ARN alone, but the query of intents to the index', () => {
    const indexArn = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId(), 'Arn'] }, '/index/gsi1']] };
    for (const route of ROUTES) {
      const statements = statementsOfFunction(template, route.id).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
      );

      expect(statements).not.toHaveLength(0);
      for (const statement of statements) {
        const queriesIndex = route.table.query?.some((query) => query.index !== undefined) === true;
        const onIndex = queriesIndex && actionsOf(statement).includes('dynamodb:Query');
        expect(statement.Resource).toEqual(onIndex ? indexArn : { 'Fn::GetAtt': [tableId(), 'Arn'] });
      }
    }
  });

  it('let only the list of intents read the page-key secret', () => {
    for (const route of ROUTES) {
      const reads = statementsOfFunction(template, route.id)
        .filter((statement) => actionsOf(statement).includes('secretsmanager:GetSecretValue'))
        .flatMap((statement) =>
          Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource],
        );

      const readsPageKeySecret = reads.some((resourceRef) => isRefTo(resourceRef, pageKeySecretId()));
      expect(readsPageKeySecret).toBe(route.signsPageKeys);
      expect(readsPageKeySecret).toBe(route.id === 'ListIntents');
    }
  });

  it.each(['CreateIntent', 'AuthorizeIntent'])(
    'let %s read both Quartz client secrets, and nothing else of Secrets Manager',
    (routeId) => {
      const statements = statementsOfFunction(template, routeId);
      const reads = statements.filter((statement) =>
        actionsOf(statement).includes('secretsmanager:GetSecretValue'),
      );
      expect(
        new Set(statements.flatMap(actionsOf).filter((action) => action.startsWith('secretsmanager:'))),
      ).toEqual(new Set(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']));

      const resources = reads.flatMap((statement) =>
        Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource],
      );
      expect(resources).toEqual(
        expect.arrayContaining([{ Ref: secretId('Live') }, { Ref: secretId('Test') }]),
      );
      expect(resources).toHaveLength(2);
    },
  );

  it('use no wildcard action anywhere, and Resource * only for X-Ray and the listing of streams', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );

    const actions = statements.flatMap((statement) =>
      Array.isArray(statement.Action) ? statement.Action : [statement.Action],
    );
    expect(actions.filter((action) => action.endsWith('*'))).toEqual([]);
    const anyResource = statements
      .filter((statement) => statement.Resource === '*')
      .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
    expect(anyResource.length).toBeGreaterThan(0);
    // dynamodb:ListStreams: the event publisher's, checked in test/unit/stack/event-publishing.test.ts.
    expect(
      anyResource.every((action) => action.startsWith('xray:') || action === 'dynamodb:ListStreams'),
    ).toBe(true);
  });

  it('do not use the broad AWSLambdaBasicExecutionRole managed policy', () => {
    for (const route of ROUTES) {
      const functionProperties = resource(template, functionIdOf(route.id)).Properties;
      const roleId = (functionProperties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

      expect(resource(template, roleId).Properties.ManagedPolicyArns).toBeUndefined();
      expect(statementsOfFunction(template, route.id)).toContainEqual(
        expect.objectContaining({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: {
            'Fn::GetAtt': [
              (functionProperties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref,
              'Arn',
            ],
          },
        }),
      );
    }
  });
});

describe('secrets', () => {
  it('are the two Quartz client secrets and the page-key secret', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 3);
    expect(pageKeySecretId()).toEqual(expect.any(String));
  });

  it('keep the Quartz client secrets when the stack is deleted, and tell the operator how to set them', () => {
    for (const environment of ['Live', 'Test'] as const) {
      const secret = template.toJSON().Resources[secretId(environment)];

      expect(secret.DeletionPolicy).toBe('Retain');
      expect(secret.Properties.Description).toContain('aws secretsmanager put-secret-value');
    }
  });
});

describe('page-key secret', () => {
  it('is generated at deployment, 64 characters without punctuation', () => {
    expect(resource(template, pageKeySecretId()).Properties.GenerateSecretString).toEqual({
      PasswordLength: 64,
      ExcludePunctuation: true,
    });
  });
});

describe('REST API', () => {
  /** `/a/b` for a resource, by walking its parents up to the API root. */
  const resourcePath = (resourceId: unknown): string => {
    if (typeof resourceId === 'object' && resourceId !== null && 'Fn::GetAtt' in resourceId) return '';
    const { Properties } = resource(template, (resourceId as { Ref: string }).Ref);
    return `${resourcePath(Properties.ParentId)}/${Properties.PathPart as string}`;
  };

  it('is regional', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('has exactly the methods of the route table, each a proxy to its own function', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map(
      ({ Properties }) => ({
        httpMethod: Properties.HttpMethod,
        path: resourcePath(Properties.ResourceId),
        integration: Properties.Integration,
      }),
    );

    expect(methods.map(({ httpMethod, path: methodPath }) => `${httpMethod} ${methodPath}`).sort()).toEqual(
      ROUTES.map((route) => `${route.method} ${route.path}`).sort(),
    );
    for (const route of ROUTES) {
      const method = methods.find(
        (candidate) => candidate.path === route.path && candidate.httpMethod === route.method,
      );
      expect(method?.integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(method?.integration.Uri)).toContain(`"${functionIdOf(route.id)}","Arn"`);
    }
  });

  it('deploys stage v1 with throttling, metrics, tracing and error-only execution logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 500,
          ThrottlingBurstLimit: 1000,
          MetricsEnabled: true,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        },
      ],
    });
  });

  it('writes JSON access logs to an encrypted log group that keeps them a year', () => {
    const stage = resource(template, logicalIdOf(template, 'AWS::ApiGateway::Stage', 'Api'));
    const { DestinationArn, Format } = stage.Properties.AccessLogSetting as {
      DestinationArn: { 'Fn::GetAtt': [string, string] };
      Format: string;
    };

    const logGroup = resource(template, DestinationArn['Fn::GetAtt'][0]);
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties).toMatchObject({
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [keyId(), 'Arn'] },
    });
    expect(JSON.parse(Format)).toMatchObject({
      requestId: '$context.requestId',
      httpMethod: '$context.httpMethod',
      resourcePath: '$context.resourcePath',
      status: '$context.status',
    });
  });
});

describe('gateway responses', () => {
  const gatewayResponse = (responseType: string) => {
    const [found, ...others] = Object.values(
      template.findResources('AWS::ApiGateway::GatewayResponse'),
    ).filter(({ Properties }) => Properties.ResponseType === responseType);
    expect(others).toEqual([]);
    if (!found) throw new Error(`no gateway response for ${responseType}`);
    const { StatusCode, ResponseParameters, ResponseTemplates } = found.Properties as {
      StatusCode: string;
      ResponseParameters: Record<string, string>;
      ResponseTemplates: Record<string, string>;
    };
    return {
      statusCode: StatusCode,
      headers: ResponseParameters,
      body: JSON.parse(ResponseTemplates['application/json'] ?? 'null'),
    };
  };

  it.each([
    ['MISSING_AUTHENTICATION_TOKEN', 404, 'Not Found', 'Not Found'],
    ['THROTTLED', 429, 'Too Many Requests', 'RATE_LIMIT_EXCEEDED'],
    ['QUOTA_EXCEEDED', 429, 'Too Many Requests', 'RATE_LIMIT_EXCEEDED'],
    ['ACCESS_DENIED', 403, 'Forbidden', 'Forbidden'],
    ['WAF_FILTERED', 403, 'Forbidden', 'Forbidden'],
    ['DEFAULT_4XX', 400, 'Bad Request', 'Bad Request'],
    ['DEFAULT_5XX', 502, 'Bad Gateway', 'Bad Gateway'],
    ['INTEGRATION_TIMEOUT', 504, 'Gateway Timeout', 'Gateway Timeout'],
  ])('%s answers %i in the contract error shape', (responseType, statusCode, error, message) => {
    const response = gatewayResponse(responseType);

    expect(response.statusCode).toBe(String(statusCode));
    expect(response.body).toEqual({ statusCode, error, message, requestId: '$context.requestId' });
    expect(response.headers).toMatchObject({ 'gatewayresponse.header.Content-Type': "'application/json'" });
    // Only request values and static strings may be mapped into gateway response headers.
    for (const value of Object.values(response.headers)) expect(value).toMatch(/^'.*'$|^method\.request\./);
  });

  it.each(['THROTTLED', 'QUOTA_EXCEEDED'])('%s tells the client when to retry', (responseType) => {
    expect(gatewayResponse(responseType).headers['gatewayresponse.header.Retry-After']).toBe("'60'");
  });

  it('only the rate limit answers carry Retry-After', () => {
    const withRetryAfter = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'))
      .filter(({ Properties }) => 'gatewayresponse.header.Retry-After' in Properties.ResponseParameters)
      .map(({ Properties }) => Properties.ResponseType)
      .sort();

    expect(withRetryAfter).toEqual(['QUOTA_EXCEEDED', 'THROTTLED']);
  });
});

describe('outputs', () => {
  it('are the API URL, the table name, the two secret ARNs, the event bus, its publisher and its dead letters, the alarm topic and the dashboard', () => {
    const outputs = template.findOutputs('*');

    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'ApiUrl',
        'DashboardName',
        'EventBusName',
        'EventsDeadLetterQueueUrl',
        'EventsPublisherFunctionName',
        'QuartzLiveClientSecretArn',
        'QuartzTestClientSecretArn',
        'TableName',
      ].sort(),
    );
    expect(outputs.TableName?.Value).toEqual({ Ref: tableId() });
    expect(isRefTo(outputs.QuartzLiveClientSecretArn?.Value, secretId('Live'))).toBe(true);
    expect(isRefTo(outputs.QuartzTestClientSecretArn?.Value, secretId('Test'))).toBe(true);
    const stageId = logicalIdOf(template, 'AWS::ApiGateway::Stage', 'Api');
    expect(resource(template, stageId).Properties.StageName).toBe('v1');
    expect(JSON.stringify(outputs.ApiUrl?.Value)).toContain(`{"Ref":"${stageId}"}`);
  });
});

describe('template', () => {
  it('names no path of the machine that synthesized it', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain(assembly.directory);
    expect(JSON.stringify(template.toJSON())).not.toContain(process.cwd());
  });

  it('matches the logical ids sam local invoke is given', () => {
    for (const route of ROUTES) {
      expect(functionIdOf(route.id)).toBe(`${route.id}Function`);
    }
  });

  it('keeps the logical ids of what a deployment must not replace, whatever part holds it', () => {
    // A new id replaces the resource: the retained table and secrets would be orphaned with their
    // data, the API would get a new URL, and its stage, paths and methods would clash with the old.
    const stable = [
      'TableCD117FA1',
      'QuartzLiveClientSecret94127F27',
      'QuartzTestClientSecret729B434F',
      'ApiF70053CD',
      'ApiDeploymentStagev102147F91',
      'ApiAccountA18C9B29',
      'ApiCloudWatchRole73EC6FC4',
      'ApiAccessLogsE9DF007D',
      'Apiapi0E601135',
      'ApiapibankaccountconnectionintentsE0FD3585',
      'ApiapibankaccountconnectionintentsPOSTBF6EB7AA',
      'ApiapibankaccountconnectionintentsbankAccountConnectionIntentIdA12CA4F9',
      'ApiapibankaccountconnectionintentsbankAccountConnectionIntentIdauthorizeDFB2C6D8',
      'ApiapibankaccountconnectionintentsbankAccountConnectionIntentIdauthorizePOSTF423CD66',
      'ApiMissingAuthenticationTokenResponseC3FB419F',
      'ApiThrottledResponse367810C1',
      'ApiDefault5xxResponse2F041347',
      'CreateIntentFunction',
      'CreateIntentFunctionLogGroup10DC8101',
      'CreateIntentFunctionRole483BCB4E',
      'AuthorizeIntentFunction',
      'AuthorizeIntentFunctionLogGroup481FA3F3',
      'AuthorizeIntentFunctionRole5479A788',
    ];

    expect(stable.filter((id) => !(id in template.toJSON().Resources))).toEqual([]);
  });
});

describe('encryption key', () => {
  const key = () => resource(template, keyId());
  const statements = () =>
    (key().Properties.KeyPolicy as { Statement: (PolicyStatement & { Principal: unknown })[] }).Statement;

  it('rotates, and is retained: the logs written with it stay readable only while it exists', () => {
    expect(key().Properties.EnableKeyRotation).toBe(true);
    expect(template.toJSON().Resources[keyId()]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it("lets CloudWatch Logs use it for this account's log groups in this region only", () => {
    const logs = statements().find((statement) => JSON.stringify(statement.Principal).includes('logs.'));

    expect(actionsOf(logs as PolicyStatement)).toEqual(
      expect.arrayContaining(['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*']),
    );
    expect(JSON.stringify(logs?.Condition)).toContain('kms:EncryptionContext:aws:logs:arn');
    expect(JSON.stringify(logs?.Condition)).toContain(':log-group:*');
  });

  it('allows grants only for AWS services acting for a resource', () => {
    expect(statements()).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'kms:CreateGrant',
        Condition: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
  });
});
