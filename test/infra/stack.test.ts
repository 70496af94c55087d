// The stack with cdk.json's defaults, resource by resource: exact properties of what makes it
// safe (retention, retries, dead letters, encryption, least privilege), never resource counts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AssetStaging, Stack } from 'aws-cdk-lib';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnEventSourceMapping, CfnEventInvokeConfig } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnSubscription } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueue } from '#infra/constructs/dead-letters.ts';
import { StagecraftFunction } from '#infra/constructs/functions.ts';
import { StagecraftStack, settingsFromContext } from '#infra/stack.ts';
import { indexes } from '#shared/store/table.ts';
import { nonEmpty } from '#test/support/non-empty.ts';
import { type StagecraftBuild, buildStagecraft, cdkJsonContext } from './stagecraft-app.ts';

let built: StagecraftBuild;

beforeAll(() => {
  // Construction without bundling: only the bundle test below reads a bundle, and it bundles one function itself.
  built = buildStagecraft({ 'aws:cdk:bundling-stacks': [] });
});

const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0]!;
};

/** The statements of a function's role policy, with the resources they apply to. */
function statementsOf(fn: StagecraftFunction): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  const policy = only(built.cfnUnder(fn.role!.node.scope!, CfnPolicy).filter((candidate) => candidate.node.path.startsWith(fn.role!.node.path)));
  return built.resourceOf(policy).Properties.PolicyDocument.Statement;
}

describe('data: the table', () => {
  it('is on demand, streams NEW_AND_OLD_IMAGES, keeps point-in-time recovery, refuses deletion and expires on expiresAt', () => {
    const { Properties } = built.resourceOf(built.stack.data.table);

    expect(Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('declares exactly the indexes of shared/store/table.ts', () => {
    const { Properties } = built.resourceOf(built.stack.data.table);

    expect(Properties.GlobalSecondaryIndexes).toEqual(
      indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.pk, KeyType: 'HASH' },
          { AttributeName: index.sk, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  it('is retained when the stack is deleted or the table replaced', () => {
    const resource = built.resourceOf(built.stack.data.table);

    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
  });

  it('is granted item by item on the table and its named indexes, never Scan', () => {
    const table = built.arnOf(built.stack.data.table);
    const dataStatement = only(statementsOf(built.stack.api.handler).filter((statement) => String(statement.Action).includes('dynamodb:')));

    expect(dataStatement.Resource).toEqual([
      table,
      ...indexes.map((index) => ({ 'Fn::Join': ['', [table, `/index/${index.name}`]] })),
    ]);
    expect(dataStatement.Action).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });
});

describe('events: the stream publisher', () => {
  const mapping = () => built.resourceOf(only(built.cfnUnder(built.stack.events.publisher, CfnEventSourceMapping)));

  it('reads the table stream from the oldest record, and reports the failed records of a batch', () => {
    expect(mapping().Properties).toMatchObject({
      EventSourceArn: built.arnOf(built.stack.data.table, 'StreamArn'),
      FunctionName: built.ref(built.stack.events.publisher),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('bisects a failing batch, retries it 10 times within 6 hours, then parks it in the failure queue', () => {
    expect(mapping().Properties).toMatchObject({
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: built.arnOf(built.stack.events.publisherFailures) } },
    });
  });

  it('is woken only by entity items: a new image or an old image of itemKind entity', () => {
    const filters = mapping().Properties.FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern));

    expect(filters).toEqual([
      { dynamodb: { NewImage: { itemKind: { S: ['entity'] } } } },
      { dynamodb: { OldImage: { itemKind: { S: ['entity'] } } } },
    ]);
  });

  it('puts events on the bus it names in EVENT_BUS_NAME, and nowhere else', () => {
    const { Properties } = built.resourceOf(built.stack.events.publisher);
    const putEvents = only(statementsOf(built.stack.events.publisher).filter((statement) => statement.Action === 'events:PutEvents'));

    expect(Properties.Environment.Variables.EVENT_BUS_NAME).toEqual(built.ref(built.stack.events.bus));
    expect(putEvents.Resource).toEqual(built.arnOf(built.stack.events.bus));
  });
});

describe('events: the bus, its archive and the system rule', () => {
  it('names the bus after the stage', () => {
    expect(built.resourceOf(built.stack.events.bus).Properties.Name).toBe('stagecraft-dev');
  });

  it('archives the CRM events of the bus for 30 days', () => {
    expect(built.resourceOf(built.stack.events.archive).Properties).toMatchObject({
      SourceArn: built.arnOf(built.stack.events.bus),
      EventPattern: { source: ['stagecraft.crm'] },
      RetentionDays: 30,
    });
  });

  it('sends Deal Stage Changed to complete-activities with a retry policy and a dead-letter queue', () => {
    const rule = built.stack.events.node.findChild('CompleteActivitiesRule');
    const deadLetters = built.stack.events.node.findChild('CompleteActivitiesRuleDeadLetters');
    const { Properties } = built.resourceOf(rule);

    expect(Properties.EventBusName).toEqual(built.ref(built.stack.events.bus));
    expect(Properties.EventPattern).toEqual({ source: ['stagecraft.crm'], 'detail-type': ['Deal Stage Changed'] });
    expect(Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: built.arnOf(built.stack.events.completeActivities),
        RetryPolicy: { MaximumRetryAttempts: 50, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: built.arnOf(deadLetters) },
      },
    ]);
  });

  it('sends Contact|Company|Lead|Deal Deleted to complete-activities, with its retry policy and dead letters', () => {
    const rule = built.stack.events.node.findChild('UnlinkDeletedRule');
    const deadLetters = built.stack.events.node.findChild('CompleteActivitiesRuleDeadLetters');
    const { Properties } = built.resourceOf(rule);

    expect(Properties.EventBusName).toEqual(built.ref(built.stack.events.bus));
    expect(Properties.EventPattern).toEqual({
      source: ['stagecraft.crm'],
      'detail-type': ['Contact Deleted', 'Company Deleted', 'Lead Deleted', 'Deal Deleted'],
    });
    expect(Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: built.arnOf(built.stack.events.completeActivities),
        RetryPolicy: { MaximumRetryAttempts: 50, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: built.arnOf(deadLetters) },
      },
    ]);
  });

  it('gives complete-activities two minutes, so a company with thousands of contacts is unlinked in one attempt', () => {
    expect(built.resourceOf(built.stack.events.completeActivities).Properties.Timeout).toBe(120);
  });

  it('sends complete-activities invocations that still fail after 2 retries to the same queue', () => {
    const deadLetters = built.stack.events.node.findChild('CompleteActivitiesRuleDeadLetters');
    const invokeConfig = only(built.cfnUnder(built.stack.events.completeActivities, CfnEventInvokeConfig));

    expect(built.resourceOf(invokeConfig).Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: built.arnOf(deadLetters) } },
    });
  });
});

describe('api: HTTP API, stage and user pool', () => {
  it('sends every path to the api function through one $default route, without an authorizer', () => {
    const route = built.resourceOf(built.stack.api.httpApi.node.findChild('DefaultRoute'));

    expect(route.Properties).toMatchObject({ RouteKey: '$default', AuthorizationType: 'NONE' });
    expect(route.Properties).not.toHaveProperty('AuthorizerId');
  });

  it('throttles the stage and writes JSON access logs without headers', () => {
    const { Properties } = built.resourceOf(built.stack.api.stage);

    expect(Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: { DestinationArn: built.arnOf(built.stack.api.accessLogs) },
    });
    const format = JSON.parse(Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', path: '$context.path' });
    expect(JSON.stringify(format)).not.toMatch(/header/i);
    expect(built.resourceOf(built.stack.api.accessLogs).Properties.RetentionInDays).toBe(30);
  });

  it('has no CORS configuration when no origin is allowed', () => {
    expect(built.resourceOf(built.stack.api.httpApi).Properties).not.toHaveProperty('CorsConfiguration');
  });

  it('admits people only by an admin, with a strong password, TOTP MFA and threat protection', () => {
    const { Properties } = built.resourceOf(built.stack.api.userPool);

    expect(Properties).toMatchObject({
      UserPoolName: 'stagecraft-dev',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
          PasswordHistorySize: 5,
        },
      },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('defines custom:userId, immutable once the login is made', () => {
    const { Properties } = built.resourceOf(built.stack.api.userPool);

    expect(Properties.Schema).toContainEqual({
      Name: 'userId',
      AttributeDataType: 'String',
      Mutable: false,
      StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
    });
    expect(built.resourceOf(built.stack.api.userPool).DeletionPolicy).toBe('Retain');
  });

  it('gives the app client ID tokens with custom:userId, which the client can never write', () => {
    const { Properties } = built.resourceOf(built.stack.api.userPoolClient);

    expect(Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      IdTokenValidity: 60,
      ReadAttributes: ['custom:userId', 'email', 'email_verified'],
      WriteAttributes: ['email'],
    });
  });

  it('tells the api function where the table and the user pool are', () => {
    expect(built.resourceOf(built.stack.api.handler).Properties.Environment.Variables).toMatchObject({
      TABLE_NAME: built.ref(built.stack.data.table),
      USER_POOL_ID: built.ref(built.stack.api.userPool),
      USER_POOL_CLIENT_ID: built.ref(built.stack.api.userPoolClient),
    });
  });
});

describe('email: SES configuration set and feedback', () => {
  it('publishes reputation metrics and suppresses bounces and complaints', () => {
    expect(built.resourceOf(built.stack.email.configurationSet).Properties).toEqual({
      Name: 'stagecraft-dev',
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      Tags: [{ Key: 'stagecraft:stage', Value: 'dev' }],
    });
  });

  it('sends bounces and complaints to the feedback topic', () => {
    const destination = built.stack.email.configurationSet.node.findChild('FeedbackDestination');

    expect(built.resourceOf(destination).Properties).toEqual({
      ConfigurationSetName: built.ref(built.stack.email.configurationSet),
      EventDestination: { Enabled: true, MatchingEventTypes: ['bounce', 'complaint'], SnsDestination: { TopicARN: built.ref(built.stack.email.feedback.topic) } },
    });
  });

  it('encrypts the feedback topic with a rotated key that SES may use', () => {
    const key = built.resourceOf(built.stack.email.feedback.key);

    expect(built.resourceOf(built.stack.email.feedback.topic).Properties.KmsMasterKeyId).toEqual(built.arnOf(built.stack.email.feedback.key));
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'AllowPublishingServicesToEncrypt',
      Effect: 'Allow',
      Principal: { Service: 'ses.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    });
  });

  it('delivers the topic to ses-feedback, with undeliverable messages and failed invocations in one queue', () => {
    const subscription = only(built.cfnUnder(built.stack.email, CfnSubscription));
    const invokeConfig = only(built.cfnUnder(built.stack.email.feedbackHandler, CfnEventInvokeConfig));
    const deadLetters = built.arnOf(built.stack.email.feedbackDeadLetters);

    expect(built.resourceOf(subscription).Properties).toEqual({
      Protocol: 'lambda',
      TopicArn: built.ref(built.stack.email.feedback.topic),
      Endpoint: built.arnOf(built.stack.email.feedbackHandler),
      RedrivePolicy: { deadLetterTargetArn: deadLetters },
    });
    expect(built.resourceOf(invokeConfig).Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: deadLetters } },
    });
  });
});

describe('email: what senders are granted', () => {
  it('lets a function send only as the sender (any identity: the sandbox also authorizes recipients), through the configuration set', () => {
    // Construction only: bundling is skipped, nothing is synthesised.
    const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [], sesSender: 'crm@example.org' } });
    const stack = new StagecraftStack(app, 'sender', { settings: settingsFromContext(app) });
    const sender = new Role(stack, 'Sender', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });

    const grant = stack.email.grantSend(sender);

    const arn = (...resource: unknown[]) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ...resource]],
    });
    const configurationSet = stack.resolve(stack.email.configurationSet.configurationSetName);
    expect(stack.resolve(grant.principalStatements.map((statement) => statement.toStatementJson()))).toEqual([
      {
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: [arn(':identity/*'), arn(':configuration-set/', configurationSet)],
        Condition: { StringEquals: { 'ses:FromAddress': 'crm@example.org' } },
      },
    ]);
    expect(stack.resolve(stack.email.environment)).toEqual({ MAIL_FROM: 'crm@example.org', SES_CONFIGURATION_SET: configurationSet });
  });
});

describe('functions: every StagecraftFunction', () => {
  const functions = () => nonEmpty(built.stack.node.findAll().filter((construct) => construct instanceof StagecraftFunction), 'the functions');

  it('are the nine of the stack', () => {
    expect(functions().map((fn) => built.resourceOf(fn).Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual([
      'api',
      'complete-activities',
      'loop-guard',
      'provision',
      'publish-changes',
      'run-action',
      'ses-feedback',
      'teardown-automations',
      'track-runs',
    ]);
  });

  it('run Node.js 22 on arm64, traced, with explicit memory and timeout and source maps', () => {
    for (const fn of functions()) {
      expect(built.resourceOf(fn).Properties, fn.node.path).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        MemorySize: expect.any(Number),
        Timeout: expect.any(Number),
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
  });

  it('log JSON to a log group of their own, kept 30 days', () => {
    for (const fn of functions()) {
      const logGroup = fn.node.scope!.node.findChild(`${fn.node.id}Logs`);

      expect(built.resourceOf(fn).Properties.LoggingConfig, fn.node.path).toEqual({
        LogFormat: 'JSON',
        LogGroup: built.ref(logGroup),
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'INFO',
      });
      expect(built.resourceOf(logGroup).Properties.RetentionInDays).toBe(30);
    }
  });

  it('have a role without managed policies that may write only to their own log group', () => {
    for (const fn of functions()) {
      const logGroup = fn.node.scope!.node.findChild(`${fn.node.id}Logs`);

      expect(built.resourceOf(fn.role!).Properties, fn.node.path).not.toHaveProperty('ManagedPolicyArns');
      expect(statementsOf(fn)).toContainEqual({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: built.arnOf(logGroup),
      });
    }
  });

  it('are bundled with the english-only zod locales of npm run build, as ESM with the createRequire banner', () => {
    // Every function is bundled by the same StagecraftFunction options: the api's bundle, made for real, stands for all.
    const app = new App({ context: cdkJsonContext });
    const handler = new StagecraftFunction(new Stack(app, 'bundled'), 'Api', { name: 'api', logRetention: RetentionDays.ONE_MONTH });
    const staging = handler.node.findChild('Code').node.findChild('Stage') as AssetStaging;
    const bundle = readFileSync(join(staging.absoluteStagedPath, 'index.mjs'), 'utf8');

    // "zu haben" is zod's German size message; with every locale bundled it would be there.
    expect(bundle).not.toContain('zu haben');
    expect(bundle.startsWith("import { createRequire } from 'node:module'")).toBe(true);
    expect(readFileSync(join(staging.absoluteStagedPath, 'index.mjs.map'), 'utf8')).toContain('"sources"');
  });
});

describe('dead-letter queues', () => {
  const queues = () => nonEmpty(built.stack.node.findAll().filter(DeadLetterQueue.isDeadLetterQueue), 'the dead-letter queues');

  it('are encrypted, TLS-only and keep messages 14 days', () => {
    for (const queue of queues()) {
      expect(built.resourceOf(queue).Properties, queue.node.path).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
      expect(built.resourceOf(queue.node.findChild('Policy')).Properties.PolicyDocument.Statement, queue.node.path).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('monitoring', () => {
  const alarm = (id: string) => built.resourceOf(built.stack.monitoring.node.findChild(id)).Properties;
  const alarmAction = () => [built.ref(built.stack.monitoring.alarms.topic)];

  it('alarms on the depth of every dead-letter queue, from the first message', () => {
    const alarms = built.cfnUnder(built.stack.monitoring, CfnAlarm).map((candidate) => built.resourceOf(candidate).Properties);

    for (const queue of nonEmpty(built.stack.node.findAll().filter(DeadLetterQueue.isDeadLetterQueue), 'the dead-letter queues')) {
      expect(alarms, queue.node.path).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: built.arnOf(queue, 'QueueName') }],
          Statistic: 'Maximum',
          Period: 60,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: alarmAction(),
        }),
      );
    }
  });

  it('alarms when the publisher is more than a minute behind the stream for 5 minutes', () => {
    expect(alarm('StreamIteratorAge')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: built.ref(built.stack.events.publisher) }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Threshold: 60000,
      AlarmActions: alarmAction(),
    });
  });

  it('alarms on any error of the publisher', () => {
    expect(alarm('PublishChangesErrors')).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: built.ref(built.stack.events.publisher) }],
      Statistic: 'Sum',
      Threshold: 1,
      AlarmActions: alarmAction(),
    });
  });

  it('alarms on 5 API 5xx in 5 minutes', () => {
    expect(alarm('ApiServerErrors')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: built.ref(built.stack.api.httpApi) }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 5,
      AlarmActions: alarmAction(),
    });
  });

  it('alarms before SES reviews the account for bounces or complaints', () => {
    expect(alarm('SesBounceRate')).toMatchObject({ Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Threshold: 0.04, AlarmActions: alarmAction() });
    expect(alarm('SesComplaintRate')).toMatchObject({ Namespace: 'AWS/SES', MetricName: 'Reputation.ComplaintRate', Threshold: 0.0008, AlarmActions: alarmAction() });
  });

  it('treats missing data as fine: no traffic is no failure', () => {
    for (const candidate of nonEmpty(built.cfnUnder(built.stack.monitoring, CfnAlarm), 'the alarms')) {
      expect(built.resourceOf(candidate).Properties.TreatMissingData, candidate.node.path).toBe('notBreaching');
    }
  });

  it('publishes to a topic encrypted with a rotated key that CloudWatch may use', () => {
    const { key, topic } = built.stack.monitoring.alarms;

    expect(built.resourceOf(topic).Properties.KmsMasterKeyId).toEqual(built.arnOf(key));
    expect(built.resourceOf(key).Properties.EnableKeyRotation).toBe(true);
    expect(built.resourceOf(key).Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
  });

  it('refuses a dead-letter queue created after it, which would go unwatched', () => {
    // Construction only: bundling is skipped, nothing is synthesised.
    const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
    const stack = new StagecraftStack(app, 'late-queue', { settings: settingsFromContext(app) });

    new DeadLetterQueue(stack, 'AddedLate', { purpose: 'a test' });

    expect(stack.monitoring.node.validate()).toEqual([
      'late-queue/AddedLate has no depth alarm: create it before Monitoring, or call watchDeadLetters on it.',
    ]);
  });
});
