// What a first deploy to a real account would meet (issue "ready for a real AWS account"): topics
// CloudWatch and SES may publish to, an archive CloudFormation accepts everywhere, ARNs in the
// stack's partition, a teardown that runs after provision is gone, and the dashboard.
import { CfnDashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnArchive } from 'aws-cdk-lib/aws-events';
import { CfnTopicPolicy } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EncryptedTopic } from '#infra/constructs/topics.ts';
import { type StagecraftBuild, buildStagecraft } from './stagecraft-app.ts';

let built: StagecraftBuild;

beforeAll(() => {
  built = buildStagecraft({ stage: 'prod', sesSender: 'crm@example.org', 'aws:cdk:bundling-stacks': [] });
});

const arnOfStack = (service: string, ...rest: unknown[]) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ...rest]],
});

function topicStatements(encrypted: EncryptedTopic): Array<Record<string, unknown>> {
  const policies = built.cfnUnder(encrypted, CfnTopicPolicy);
  expect(policies).toHaveLength(1);
  return built.resourceOf(policies[0]!).Properties.PolicyDocument.Statement;
}

describe('the alarm topic', () => {
  it('lets CloudWatch publish for this account’s alarms, beside the TLS-only Deny', () => {
    const statements = topicStatements(built.stack.monitoring.alarms);

    expect(statements).toContainEqual({
      Sid: 'AllowPublisher0',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: built.ref(built.stack.monitoring.alarms.topic),
      Condition: {
        ArnLike: { 'aws:SourceArn': arnOfStack('cloudwatch', ':alarm:*') },
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      },
    });
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });
});

describe('the SES feedback topic', () => {
  it('lets SES publish for the configuration set of the stage only', () => {
    const statements = topicStatements(built.stack.email.feedback);

    expect(statements).toContainEqual({
      Sid: 'AllowPublisher0',
      Effect: 'Allow',
      Principal: { Service: 'ses.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: built.ref(built.stack.email.feedback.topic),
      Condition: {
        ArnLike: { 'aws:SourceArn': arnOfStack('ses', ':configuration-set/', built.ref(built.stack.email.configurationSet)) },
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      },
    });
  });
});

describe('the event archive', () => {
  it('names no KMS key (an empty KmsKeyIdentifier fails in some regions)', () => {
    const archives = built.cfnUnder(built.stack.events, CfnArchive);
    expect(archives).toHaveLength(1);

    const { Properties } = built.resourceOf(archives[0]!);

    expect(Properties).not.toHaveProperty('KmsKeyIdentifier');
    expect(Properties).toMatchObject({ RetentionDays: 30, EventPattern: { source: ['stagecraft.crm'] } });
  });
});

describe('the partition', () => {
  it('comes from the stack for the functions that build ARNs at run time', () => {
    const functions = [built.stack.automations.provision, built.stack.automations.trackRuns, built.stack.api.handler];

    for (const fn of functions) {
      expect(built.resourceOf(fn).Properties.Environment.Variables).toMatchObject({ PARTITION: { Ref: 'AWS::Partition' } });
    }
  });

  it('is never written as a literal arn:aws: in a policy, a role or a function setting', () => {
    const kinds = new Set(['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy', 'AWS::Events::Rule']);
    const checked = Object.entries(built.resources).filter(([, resource]) => kinds.has(resource.Type));
    expect(checked.length).toBeGreaterThan(0);

    const literal = checked
      .filter(([, resource]) => /"arn:aws:(?!states:::)/.test(JSON.stringify(resource.Properties)))
      .map(([id]) => id);

    expect(literal).toEqual([]);
  });
});

describe('teardown order', () => {
  it('deletes provision and its rule before the teardown runs', () => {
    const teardown = built.logicalId(built.stack.automations.teardownResource);
    const provision = built.resourceOf(built.stack.automations.provision) as { DependsOn?: string[] };
    const provisionRule = built.resourceOf(built.stack.automations.provisionRule) as { DependsOn?: string[] };

    expect(provision.DependsOn).toContain(teardown);
    expect(provisionRule.DependsOn).toContain(teardown);
  });
});

/** The dashboard body with references named `<LogicalId>` (Fn::Join flattened), parsed. */
function dashboardBody(): { widgets: Array<{ properties: { title: string; metrics: unknown[][] } }> } {
  const dashboards = built.cfnUnder(built.stack.monitoring, CfnDashboard);
  expect(dashboards).toHaveLength(1);
  const body = built.resourceOf(dashboards[0]!).Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part).replace(/"/g, "'")}>`))
    .join('');
  return JSON.parse(text);
}

describe('the dashboard', () => {
  it('is named after the stage', () => {
    const dashboards = built.cfnUnder(built.stack.monitoring, CfnDashboard);
    expect(dashboards).toHaveLength(1);

    expect(built.resourceOf(dashboards[0]!).Properties.DashboardName).toBe('stagecraft-prod');
  });

  it('charts runs, trigger latency, dead letters, the API and mail', () => {
    const titles = dashboardBody().widgets.map((widget) => widget.properties.title);

    expect(titles).toEqual([
      'Runs started, per automation',
      'Runs succeeded, per automation',
      'Runs failed or timed out, per automation',
      'Trigger latency (ms): write → run enrolled',
      'Trigger latency, its parts (ms): stream, bus → run start',
      'Dead-letter queues: messages waiting',
      'API latency (ms)',
      'API errors',
      'SES sends, bounces and complaints',
      'SES reputation (account)',
    ]);
  });

  it('finds each automation’s runs by the name prefix', () => {
    const widget = dashboardBody().widgets.find((candidate) => candidate.properties.title === 'Runs failed or timed out, per automation');

    expect(widget?.properties.metrics).toEqual([
      [expect.objectContaining({ expression: `SEARCH('{AWS/States,StateMachineArn} MetricName="ExecutionsFailed" "stagecraft-prod-auto-"', 'Sum', 300)` })],
      [expect.objectContaining({ expression: `SEARCH('{AWS/States,StateMachineArn} MetricName="ExecutionsTimedOut" "stagecraft-prod-auto-"', 'Sum', 300)` })],
    ]);
  });

  it('draws a line for every dead-letter queue of the stack', () => {
    const widget = dashboardBody().widgets.find((candidate) => candidate.properties.title === 'Dead-letter queues: messages waiting');
    const queues = built.stack.node.findAll().filter((construct) => construct.constructor.name === 'DeadLetterQueue');
    expect(queues.length).toBeGreaterThan(0);

    expect(widget?.properties.metrics).toHaveLength(queues.length);
  });

  it('charts trigger latency, write → run enrolled, as run-action reports it: p50 and p99', () => {
    const widget = dashboardBody().widgets.find((candidate) => candidate.properties.title === 'Trigger latency (ms): write → run enrolled');

    expect(widget?.properties.metrics).toEqual([
      [`Stagecraft/${built.stack.stackName}`, 'TriggerLatency', 'service', 'run-action', expect.objectContaining({ stat: 'p50' })],
      [`Stagecraft/${built.stack.stackName}`, 'TriggerLatency', 'service', 'run-action', expect.objectContaining({ stat: 'p99' })],
    ]);
  });

  it('tells run-action to put its metrics in the namespace the dashboard reads', () => {
    const runAction = built.resourceOf(built.stack.automations.runAction);

    expect(runAction.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe(built.stack.automations.metricsNamespace);
    expect(built.stack.automations.metricsNamespace).toBe(`Stagecraft/${built.stack.stackName}`);
  });

  it('charts where trigger latency goes: the stream iterator age and the bus delivery latency', () => {
    const widget = dashboardBody().widgets.find((candidate) => candidate.properties.title.startsWith('Trigger latency, its parts'));

    expect(widget?.properties.metrics).toEqual([
      ['AWS/Lambda', 'IteratorAge', 'FunctionName', expect.any(String), expect.objectContaining({ stat: 'Maximum' })],
      ['AWS/Events', 'IngestionToInvocationStartLatency', 'EventBusName', expect.any(String), expect.objectContaining({ stat: 'p99' })],
    ]);
  });
});
