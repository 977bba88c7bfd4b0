import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLE_KEY_SCHEMA, TIME_TO_LIVE_ATTRIBUTE } from '../functions/shared/repository/table-keys';
import { pageKeySecret } from './page-key-secret';
import { StackPart } from './stack-part';
import { addTableIndexes } from './table-indexes';

/**
 * What the service keeps, all retained when the stack is deleted: the table, the two Quartz client
 * secrets, and the key its logs and alarm notifications are encrypted with. Nothing here is
 * replaced by a deployment: each keeps its logical id (IntentsStack leaves the parts out of ids).
 */
export class ServiceState extends StackPart {
  readonly table: dynamodb.Table;
  readonly quartzClientSecrets: { live: secretsmanager.Secret; test: secretsmanager.Secret };
  /** Signs the page keys of the list operations; read only by the functions that answer by page. */
  readonly pageKeySecret: secretsmanager.Secret;
  /** Encrypts the log groups (CloudWatch Logs may use it for this account's log groups only). */
  readonly encryptionKey: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEY_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEY_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Rate-limit counters expire on their own; no other item carries this attribute.
      timeToLiveAttribute: TIME_TO_LIVE_ATTRIBUTE,
      // Every write, for the publisher of the intents' events (lib/event-publishing.ts): the images
      // before and after tell whether a write changed an intent's status.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
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

    this.encryptionKey = new kms.Key(this, 'EncryptionKey', {
      description: 'Encrypts the logs and the alarm notifications of the Bank Account Connection Intents API',
      enableKeyRotation: true,
      // Logs written with it stay readable only while it exists.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.allowLogsToUseKey();
    this.limitGrantsToAwsServices();
  }

  /**
   * Nobody may create a grant on the key except for an AWS service acting for a resource (Control
   * Tower's CT.KMS.PR.3): a grant would give its holder the key outside this policy. The services
   * that use the key here do so through this policy and need none.
   */
  private limitGrantsToAwsServices(): void {
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GrantsOnlyForAwsServices',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
  }

  /**
   * CloudWatch Logs encrypts and decrypts a log group's events with the key itself, so the key
   * policy must let the service use it; the encryption context limits that to this account's log
   * groups in this region.
   */
  private allowLogsToUseKey(): void {
    const stack = Stack.of(this);
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
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
