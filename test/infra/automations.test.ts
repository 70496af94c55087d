// Automations on AWS (infra/constructs/automations.ts), resource by resource: the functions'
// configuration, every permission scoped to the name prefix, the rules that feed provision and
// track-runs, the reconcile and teardown custom resources and the failed-runs alarm.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { CfnEventInvokeConfig } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { Automations } from '#infra/constructs/automations.ts';
import { compilerFingerprint } from '#infra/constructs/automations/provisioning.ts';
import { MAX_TRIGGER_DEPTH } from '#shared/events/catalogue.ts';
import type { StagecraftFunction } from '#infra/constructs/functions.ts';
import { StagecraftStack, settingsFromContext } from '#infra/stack.ts';
import { type StagecraftBuild, buildStagecraft, cdkJsonContext } from './stagecraft-app.ts';

let built: StagecraftBuild;

beforeAll(() => {
  // No bundling: nothing here reads a bundle (stack.test.ts does), and it keeps the run short.
  built = buildStagecraft({ stage: 'prod', sesSender: 'crm@example.org', 'aws:cdk:bundling-stacks': [] });
});

const PREFIX = 'stagecraft-prod-auto-';

const automations = () => built.stack.automations;

/** `arn:<partition>:<service>:<region>:<account>:<rest…>`, as the template joins it (aws-cn is a target partition). */
const arn = (service: string, ...rest: unknown[]) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ...rest]],
});
const stateMachines = arn('states', `:stateMachine:${PREFIX}*`);
const stateMachineVersions = arn('states', `:stateMachine:${PREFIX}*:*`);
const executions = arn('states', `:execution:${PREFIX}*:*`);
const rules = () => arn('events', ':rule/', built.ref(built.stack.events.bus), `/${PREFIX}*`);

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The statements of the default policy of a role. */
function statementsOfRole(role: { node: { path: string } }): Statement[] {
  const policies = built.stack.node
    .findAll()
    .filter((candidate): candidate is CfnPolicy => candidate instanceof CfnPolicy && candidate.node.path.startsWith(`${role.node.path}/`));
  expect(policies).toHaveLength(1);
  return built.resourceOf(policies[0]!).Properties.PolicyDocument.Statement;
}
const statementsOf = (fn: StagecraftFunction) => statementsOfRole(fn.role!);
const statement = (statements: Statement[], sid: string) => {
  const found = statements.filter((candidate) => candidate.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const environmentOf = (fn: StagecraftFunction) => built.resourceOf(fn).Properties.Environment.Variables;

describe('run-action', () => {
  it('knows the table, the sender and the configuration set', () => {
    expect(environmentOf(automations().runAction)).toMatchObject({
      TABLE_NAME: built.ref(built.stack.data.table),
      MAIL_FROM: 'crm@example.org',
      SES_CONFIGURATION_SET: built.ref(built.stack.email.configurationSet),
    });
  });

  it('may text phone numbers through SNS, and is denied every topic', () => {
    const statements = statementsOf(automations().runAction);

    expect(statement(statements, 'SendSms')).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' });
    // Every topic in the stack's own partition (aws-cn, aws-us-gov too).
    expect(statement(statements, 'NoTopicPublish')).toMatchObject({
      Effect: 'Deny',
      Action: 'sns:Publish',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] },
    });
  });

  it('points tracked document links at the API endpoint', () => {
    expect(environmentOf(automations().runAction).DOCUMENT_LINK_BASE).toEqual(built.stack.resolve(built.stack.api.httpApi.apiEndpoint));
  });

  it('times out before the 60 s of the compiled Tasks', () => {
    expect(built.resourceOf(automations().runAction).Properties.Timeout).toBe(30);
  });

  it('refuses a timeout of 60 s or more', () => {
    // Construction only: bundling is skipped, nothing is synthesised.
    const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
    const stack = new StagecraftStack(app, 'slow', { settings: settingsFromContext(app) });

    expect(
      () =>
        new Automations(stack, 'Slow', {
          stage: 'slow',
          data: stack.data,
          events: stack.events,
          email: stack.email,
          logRetention: 30,
          runActionTimeout: Duration.seconds(60),
        }),
    ).toThrow(/below 60 seconds/);
  });

  it('may read and write the table and send mail as the sender only', () => {
    const statements = statementsOf(automations().runAction);

    expect(statements).toContainEqual(
      expect.objectContaining({ Action: expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query']), Resource: expect.arrayContaining([built.arnOf(built.stack.data.table)]) }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'ses:SendEmail', Condition: { StringEquals: { 'ses:FromAddress': 'crm@example.org' } } }),
    );
  });
});

describe('the execution role of the state machines', () => {
  it('is assumed by Step Functions of this account only', () => {
    expect(built.resourceOf(automations().executionRole).Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'states.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('may do exactly what compiled Tasks do: invoke run-action, write run records, continue in a new execution, trace', () => {
    expect(statementsOfRole(automations().executionRole)).toEqual([
      { Sid: 'InvokeRunAction', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: built.arnOf(automations().runAction) },
      { Sid: 'WriteRunRecords', Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: built.arnOf(built.stack.data.table) },
      { Sid: 'ContinueInNewExecution', Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachines },
      {
        Sid: 'Tracing',
        Effect: 'Allow',
        Action: ['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        Resource: '*',
      },
    ]);
  });
});

describe('the role of the automation rules', () => {
  it('is assumed by EventBridge for rules of the prefix on the CRM bus only', () => {
    expect(built.resourceOf(automations().eventsRole).Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': rules() } },
      },
    ]);
  });

  it('may only start executions of the state machines of the prefix', () => {
    expect(statementsOfRole(automations().eventsRole)).toEqual([
      { Sid: 'StartRuns', Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachines },
    ]);
  });
});

describe('the dead-letter queue of the automation rules', () => {
  it('accepts messages from EventBridge rules of the prefix only', () => {
    const policy = built.resourceOf(automations().rulesDeadLetters.node.findChild('Policy')).Properties.PolicyDocument.Statement;

    expect(policy).toContainEqual({
      Sid: 'AutomationRulesDeadLetters',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: built.arnOf(automations().rulesDeadLetters),
      Condition: { ArnLike: { 'aws:SourceArn': rules() } },
    });
  });
});

describe('provision', () => {
  it('knows the bus, the roles, the queue, run-action, the stage and the prefix', () => {
    expect(environmentOf(automations().provision)).toEqual({
      POWERTOOLS_SERVICE_NAME: 'provision',
      NODE_OPTIONS: '--enable-source-maps',
      TABLE_NAME: built.ref(built.stack.data.table),
      ACCOUNT_ID: { Ref: 'AWS::AccountId' },
      PARTITION: { Ref: 'AWS::Partition' },
      AUTOMATION_NAME_PREFIX: PREFIX,
      EVENT_BUS_NAME: built.ref(built.stack.events.bus),
      EXECUTION_ROLE_ARN: built.arnOf(automations().executionRole),
      EVENTS_ROLE_ARN: built.arnOf(automations().eventsRole),
      RULES_DLQ_ARN: built.arnOf(automations().rulesDeadLetters),
      RUN_ACTION_FUNCTION_ARN: built.arnOf(automations().runAction),
      STAGE: 'prod',
      EVENT_PATTERN_MAX_LENGTH: '2048',
    });
  });

  it('manages state machines and their versions of the prefix only', () => {
    expect(statement(statementsOf(automations().provision), 'StateMachinesOfThePrefix')).toEqual({
      Sid: 'StateMachinesOfThePrefix',
      Effect: 'Allow',
      Action: [
        'states:CreateStateMachine',
        'states:DeleteStateMachine',
        'states:DeleteStateMachineVersion',
        'states:DescribeStateMachine',
        'states:ListStateMachineVersions',
        'states:TagResource',
        'states:UpdateStateMachine',
      ],
      Resource: [stateMachines, stateMachineVersions],
    });
  });

  it('stops executions of the prefix only', () => {
    expect(statement(statementsOf(automations().provision), 'CancelWaitingRuns')).toEqual({
      Sid: 'CancelWaitingRuns',
      Effect: 'Allow',
      Action: 'states:StopExecution',
      Resource: executions,
    });
  });

  it('manages rules of the prefix on the CRM bus only', () => {
    expect(statement(statementsOf(automations().provision), 'RulesOfThePrefix')).toEqual({
      Sid: 'RulesOfThePrefix',
      Effect: 'Allow',
      Action: [
        'events:DeleteRule',
        'events:DescribeRule',
        'events:DisableRule',
        'events:EnableRule',
        'events:PutRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:TagResource',
      ],
      Resource: rules(),
    });
  });

  it('passes each role only to the service that uses it', () => {
    const passRole = statementsOf(automations().provision).filter((candidate) => candidate.Action === 'iam:PassRole');

    expect(passRole).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: built.arnOf(automations().executionRole),
        Condition: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
      },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: built.arnOf(automations().eventsRole),
        Condition: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } },
      },
    ]);
  });

  it('is granted no resource "*" but X-Ray', () => {
    const unscoped = statementsOf(automations().provision).filter((candidate) => JSON.stringify(candidate.Resource) === '"*"');

    expect(unscoped.map((candidate) => candidate.Action)).toEqual([['xray:PutTelemetryRecords', 'xray:PutTraceSegments']]);
  });

  it('follows Automation Created, Updated and Deleted on the CRM bus, with retries and a dead-letter queue', () => {
    const deadLetters = built.stack.events.node.findChild('ProvisionRuleDeadLetters');

    expect(built.resourceOf(automations().provisionRule).Properties).toMatchObject({
      EventBusName: built.ref(built.stack.events.bus),
      EventPattern: { source: ['stagecraft.crm'], 'detail-type': ['Automation Created', 'Automation Updated', 'Automation Deleted'] },
      Targets: [
        {
          Id: 'Target0',
          Arn: built.arnOf(automations().provision),
          RetryPolicy: { MaximumRetryAttempts: 50, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: built.arnOf(deadLetters) },
        },
      ],
    });
  });
});

describe('loop-guard', () => {
  it('follows CRM events deeper than any automation rule matches, on the CRM bus, with a dead-letter queue', () => {
    const deadLetters = built.stack.events.node.findChild('LoopGuardRuleDeadLetters');

    expect(built.resourceOf(automations().loopGuardRule).Properties).toMatchObject({
      EventBusName: built.ref(built.stack.events.bus),
      EventPattern: { source: ['stagecraft.crm'], detail: { cause: { depth: [{ numeric: ['>', MAX_TRIGGER_DEPTH] }] } } },
      Targets: [
        {
          Id: 'Target0',
          Arn: built.arnOf(automations().loopGuard),
          RetryPolicy: { MaximumRetryAttempts: 50, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: built.arnOf(deadLetters) },
        },
      ],
    });
  });

  it('knows the table', () => {
    expect(environmentOf(automations().loopGuard)).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'loop-guard', TABLE_NAME: built.ref(built.stack.data.table) });
  });
});

describe('track-runs', () => {
  const statusChange = (status: string[]) => ({
    source: ['aws.states'],
    'detail-type': ['Step Functions Execution Status Change'],
    detail: { stateMachineArn: [{ prefix: arn('states', `:stateMachine:${PREFIX}`) }], status },
  });

  it('knows the table, the account and the prefix', () => {
    expect(environmentOf(automations().trackRuns)).toEqual({
      POWERTOOLS_SERVICE_NAME: 'track-runs',
      NODE_OPTIONS: '--enable-source-maps',
      TABLE_NAME: built.ref(built.stack.data.table),
      ACCOUNT_ID: { Ref: 'AWS::AccountId' },
      PARTITION: { Ref: 'AWS::Partition' },
      AUTOMATION_NAME_PREFIX: PREFIX,
    });
  });

  it('follows FAILED and TIMED_OUT executions of the prefix on the default bus', () => {
    const deadLetters = built.stack.events.node.findChild('TrackFailedRunsRuleDeadLetters');

    expect(built.resourceOf(automations().failedRunsRule).Properties).toMatchObject({
      EventBusName: 'default',
      EventPattern: statusChange(['FAILED', 'TIMED_OUT']),
      Targets: [
        {
          Id: 'Target0',
          Arn: built.arnOf(automations().trackRuns),
          RetryPolicy: { MaximumRetryAttempts: 50, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: built.arnOf(deadLetters) },
        },
      ],
    });
  });

  it('follows ABORTED executions of the prefix on the default bus, into the same queue', () => {
    const deadLetters = built.stack.events.node.findChild('TrackFailedRunsRuleDeadLetters');

    expect(built.resourceOf(automations().cancelledRunsRule).Properties).toMatchObject({
      EventBusName: 'default',
      EventPattern: statusChange(['ABORTED']),
      Targets: [expect.objectContaining({ Arn: built.arnOf(automations().trackRuns), DeadLetterConfig: { Arn: built.arnOf(deadLetters) } })],
    });
  });

  it('sends invocations that still fail to the same queue, configured once', () => {
    const invokeConfigs = built.cfnUnder(automations().trackRuns, CfnEventInvokeConfig);
    expect(invokeConfigs).toHaveLength(1);

    expect(built.resourceOf(invokeConfigs[0]!).Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: built.arnOf(built.stack.events.node.findChild('TrackFailedRunsRuleDeadLetters')) },
    });
  });
});

describe('the api function', () => {
  it('knows the account and the prefix', () => {
    expect(environmentOf(built.stack.api.handler)).toMatchObject({ ACCOUNT_ID: { Ref: 'AWS::AccountId' }, AUTOMATION_NAME_PREFIX: PREFIX });
  });

  it('starts, reads, redrives and stops runs of the prefix only', () => {
    const statements = statementsOf(built.stack.api.handler);

    expect(statement(statements, 'StartManualRuns')).toEqual({
      Sid: 'StartManualRuns',
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: stateMachines,
    });
    expect(statement(statements, 'ReadRedriveAndStopRuns')).toEqual({
      Sid: 'ReadRedriveAndStopRuns',
      Effect: 'Allow',
      Action: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:RedriveExecution', 'states:StopExecution'],
      Resource: executions,
    });
  });
});

describe('reconcile at deploy', () => {
  it('is a custom resource of the provision function, keyed on what a compiled automation is made of', () => {
    const resource = built.resourceOf(automations().reconcileResource);

    expect(resource.Type).toBe('Custom::StagecraftAutomationsReconcile');
    expect(resource.Properties).toEqual({
      ServiceToken: built.arnOf(automations().provision),
      ServiceTimeout: '600',
      NamePrefix: PREFIX,
      Code: compilerFingerprint(),
      RunAction: built.arnOf(automations().runAction),
      Table: built.ref(built.stack.data.table),
      ExecutionRole: built.arnOf(automations().executionRole),
      EventsRole: built.arnOf(automations().eventsRole),
      RulesDeadLetters: built.arnOf(automations().rulesDeadLetters),
      EventPatternMaxLength: '2048',
    });
  });

  it('gives provision the time to compile many automations', () => {
    expect(built.resourceOf(automations().provision).Properties.Timeout).toBe(300);
  });
});

describe('the compiler fingerprint', () => {
  it('is the same for a checkout with CRLF line endings', () => {
    // Prepare
    const [lf, crlf] = ['\n', '\r\n'].map((ending) => {
      const root = mkdtempSync(join(tmpdir(), 'fingerprint-'));
      writeFileSync(join(root, 'compile.ts'), ['export const a = 1;', 'export const b = 2;', ''].join(ending));
      return root;
    });

    // Act
    const [fromLf, fromCrlf] = [lf!, crlf!].map((root) => compilerFingerprint(root));

    // Assess
    expect(fromCrlf).toBe(fromLf);
    for (const root of [lf!, crlf!]) rmSync(root, { recursive: true, force: true });
  });

  it('changes when a source file changes, and only then', () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'fingerprint-'));
    mkdirSync(join(root, 'automation'));
    writeFileSync(join(root, 'automation', 'compile.ts'), 'export const depth = 5;');
    writeFileSync(join(root, 'README.md'), 'not code');
    const before = compilerFingerprint(root);

    // Act
    writeFileSync(join(root, 'README.md'), 'still not code');
    const afterReadme = compilerFingerprint(root);
    writeFileSync(join(root, 'automation', 'compile.ts'), 'export const depth = 6;');
    const afterCode = compilerFingerprint(root);

    // Assess
    expect(afterReadme).toBe(before);
    expect(afterCode).not.toBe(before);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('teardown', () => {
  it('is a custom resource naming the bus and the prefix, deleted before the bus and the roles', () => {
    const resource = built.resourceOf(automations().teardownResource) as ReturnType<StagecraftBuild['resourceOf']> & { DependsOn: string[] };

    expect(resource.Type).toBe('Custom::StagecraftAutomationsTeardown');
    expect(resource.Properties).toEqual({
      ServiceToken: built.arnOf(automations().teardown),
      EventBusName: built.ref(built.stack.events.bus),
      NamePrefix: PREFIX,
    });
    expect(resource.DependsOn).toEqual(
      expect.arrayContaining([
        built.logicalId(automations().executionRole),
        built.logicalId(automations().eventsRole),
        built.logicalId(automations().rulesDeadLetters),
        built.logicalId(automations().runAction),
      ]),
    );
  });

  it('may list rules and state machines, and delete those of the prefix only', () => {
    const statements = statementsOf(automations().teardown);

    expect(statement(statements, 'List')).toEqual({ Sid: 'List', Effect: 'Allow', Action: ['events:ListRules', 'states:ListStateMachines'], Resource: '*' });
    expect(statement(statements, 'RulesOfThePrefix')).toEqual({
      Sid: 'RulesOfThePrefix',
      Effect: 'Allow',
      Action: ['events:DeleteRule', 'events:ListTargetsByRule', 'events:RemoveTargets'],
      Resource: rules(),
    });
    expect(statement(statements, 'StateMachinesOfThePrefix')).toEqual({
      Sid: 'StateMachinesOfThePrefix',
      Effect: 'Allow',
      Action: 'states:DeleteStateMachine',
      Resource: stateMachines,
    });
  });

  it('has time to page through many automations', () => {
    expect(built.resourceOf(automations().teardown).Properties.Timeout).toBe(600);
  });
});

describe('monitoring of automations', () => {
  it('alarms on the first failed or timed-out run, counted by the failed-runs rule', () => {
    const alarm = built.resourceOf(built.stack.monitoring.node.findChild('FailedAutomationRuns')).Properties;

    expect(alarm).toMatchObject({
      Namespace: 'AWS/Events',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'RuleName', Value: built.ref(automations().failedRunsRule) }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [built.ref(built.stack.monitoring.alarms.topic)],
    });
  });

  it('watches the depth of the automation rules dead-letter queue', () => {
    const alarm = built.resourceOf(built.stack.monitoring.node.findChild('AutomationsRulesDeadLettersDepth')).Properties;

    expect(alarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: built.arnOf(automations().rulesDeadLetters, 'QueueName') }],
      Threshold: 1,
    });
  });
});
