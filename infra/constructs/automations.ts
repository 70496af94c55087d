// Automations on AWS (docs/ARCHITECTURE.md §1, §6): the functions around them (provision, run-action,
// track-runs), the roles their state machines and rules run with, and the teardown of what the
// provisioner made at run time. Every state machine and rule is named `<prefix><automationId>`;
// the prefix is what each permission below is scoped to.
import { CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CRM_SOURCE, detailTypes } from '#shared/events/catalogue.ts';
import { loopStoppedPattern } from '#shared/engine/loop-guard.ts';
import type { Data } from './data.ts';
import { DeadLetterQueue } from './dead-letters.ts';
import type { Email } from './email.ts';
import type { Events } from './events.ts';
import { StagecraftFunction } from './functions.ts';
import { TRIGGER_LATENCY_METRIC } from '#shared/aws/metrics.ts';

/**
 * `stagecraft-<stage>-auto-`: the names of the stage's state machines and rules begin with it.
 * The `-auto-` keeps them apart from the stack's own resources (CloudFormation names those
 * `stagecraft-<stage>-<LogicalId>…`, never in lower case), so the teardown never meets one of them.
 */
export function automationNamePrefix(stage: string): string {
  return `stagecraft-${stage}-auto-`;
}

/** ARNs under the prefix, for IAM resources and conditions. */
export function automationArns(scope: Construct, namePrefix: string) {
  // The stack's partition (aws, aws-cn, aws-us-gov), never a literal `arn:aws:`.
  const { partition, region, account } = Stack.of(scope);
  const states = `arn:${partition}:states:${region}:${account}`;
  return {
    /** Every state machine of the prefix; the trailing `*` also covers its versions (`:<n>`). */
    stateMachines: `${states}:stateMachine:${namePrefix}*`,
    /** Published versions, named as IAM's resource type for them (`stateMachine:<name>:<version>`). */
    stateMachineVersions: `${states}:stateMachine:${namePrefix}*:*`,
    /** Executions: `execution:<stateMachineName>:<executionName>`. */
    executions: `${states}:execution:${namePrefix}*:*`,
    /** The prefix of a state machine ARN, for event patterns. */
    stateMachineArnPrefix: `${states}:stateMachine:${namePrefix}`,
    /** Rules of the prefix on a bus. */
    rules: (busName: string) => `arn:${partition}:events:${region}:${account}:rule/${busName}/${namePrefix}*`,
  };
}

/**
 * The statuses of an execution that ended without its state machine closing the run:
 * failures (a failed run ends in its Fail state, after Record failure) and timeouts count as
 * failed runs; aborts are cancellations (a run stopped because its deal left the stage).
 */
const FAILED_STATUSES = ['FAILED', 'TIMED_OUT'];
const CANCELLED_STATUSES = ['ABORTED'];

export interface AutomationsProps {
  /** Names the prefix `stagecraft-<stage>-auto-` and tags what the provisioner creates. */
  readonly stage: string;
  readonly data: Data;
  readonly events: Events;
  readonly email: Email;
  readonly logRetention: logs.RetentionDays;
  /**
   * How long run-action may take for one Task. Compiled Tasks time out at 60 s, so it must stay
   * below that: a Task that times out first would retry an action that is still running.
   * @default Duration.seconds(30)
   */
  readonly runActionTimeout?: Duration;
  /**
   * EventBridge's quota on a rule's pattern, in characters; raise it only with the account's quota.
   * @default 2048
   */
  readonly eventPatternMaxLength?: number;
  /**
   * Where the API is reached from outside: sendDocument's tracked links are `<base>/d/<token>`.
   * @default - the links' base is left empty: documents are then sent with links that do not open
   */
  readonly documentLinkBase?: string;
}

/**
 * What `cdk deploy` makes for automations. The state machines and their rules are not here: the
 * provisioner creates them at run time, one pair per automation, under the name prefix; the
 * teardown custom resource deletes them when the stack is deleted.
 */
export class Automations extends Construct {
  /** `stagecraft-<stage>-auto-`. */
  readonly namePrefix: string;
  readonly runAction: StagecraftFunction;
  readonly provision: StagecraftFunction;
  readonly trackRuns: StagecraftFunction;
  /** Events too deep for any automation rule → a LOOP_STOPPED run for each automation that would have run. */
  readonly loopGuard: StagecraftFunction;
  readonly loopGuardRule: events.Rule;
  readonly teardown: StagecraftFunction;
  /** The role compiled state machines run with. */
  readonly executionRole: iam.Role;
  /** The role EventBridge starts executions with, for the automations' rules. */
  readonly eventsRole: iam.Role;
  /** Events the automations' rules could not deliver to their state machines. */
  readonly rulesDeadLetters: DeadLetterQueue;
  readonly provisionRule: events.Rule;
  /** FAILED and TIMED_OUT executions of automation state machines → track-runs. */
  readonly failedRunsRule: events.Rule;
  /** ABORTED executions (cancelled runs) → track-runs. */
  readonly cancelledRunsRule: events.Rule;
  /** Deletes every state machine and rule under the prefix when the stack is deleted. */
  readonly teardownResource: CustomResource;
  /** Where run-action puts its metrics: `Stagecraft/<stack name>`. */
  readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: AutomationsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.namePrefix = automationNamePrefix(props.stage);
    this.metricsNamespace = `Stagecraft/${stack.stackName}`;
    const arns = automationArns(this, this.namePrefix);
    const bus = props.events.bus;
    const automationEnv = { ACCOUNT_ID: stack.account, PARTITION: stack.partition, AUTOMATION_NAME_PREFIX: this.namePrefix };

    // run-action: every Task of a compiled automation invokes it, synchronously.
    const runActionTimeout = props.runActionTimeout ?? Duration.seconds(30);
    if (runActionTimeout.toSeconds() >= 60) {
      throw new Error('Automations runActionTimeout must be below 60 seconds, the TimeoutSeconds of compiled Tasks');
    }
    this.runAction = new StagecraftFunction(this, 'RunAction', {
      name: 'run-action',
      description: 'Runs one step of an automation (plan a wait, check conditions, one action) as the Butler',
      logRetention: props.logRetention,
      memorySize: 1024,
      timeout: runActionTimeout,
      environment: {
        ...props.data.environment,
        ...props.email.environment,
        DOCUMENT_LINK_BASE: props.documentLinkBase ?? '',
        // Trigger latency (write → run enrolled) goes to CloudWatch in this stack's own namespace.
        POWERTOOLS_METRICS_NAMESPACE: this.metricsNamespace,
      },
      unscopedActions: ['sns:Publish to phone numbers (sendDocument by SMS), which have no ARN; publishing to topics is denied'],
    });
    props.data.grantReadWriteData(this.runAction);
    props.email.grantSend(this.runAction);
    Validations.of(this.runAction.role!).acknowledge({
      id: wildcardFinding(this, props.email.anyIdentityArn),
      reason:
        `ses:SendEmail on every SES identity, bound by ses:FromAddress to ${props.email.sender}: in the SES sandbox SES also ` +
        'authorizes the send against each verified recipient identity, which the sender cannot name in advance.',
    });
    // SMS straight to phone numbers: Publish takes no resource for them, so allow "*" and deny every topic.
    this.runAction.addToRolePolicy(new iam.PolicyStatement({ sid: 'SendSms', actions: ['sns:Publish'], resources: ['*'] }));
    this.runAction.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'NoTopicPublish', effect: iam.Effect.DENY, actions: ['sns:Publish'], resources: [`arn:${stack.partition}:sns:*:*:*`] }),
    );
    Validations.of(this.runAction).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions (lambda:invoke Tasks) only: the state machine gets the error, retries it ' +
        'and catches it into Record failure; an asynchronous dead-letter queue would never receive anything.',
    });

    // The role of the compiled state machines: exactly the Task resources of shared/automation/compile.ts.
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Runs the Stagecraft ${props.stage} automation state machines (${this.namePrefix}*)`,
    });
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'InvokeRunAction', actions: ['lambda:InvokeFunction'], resources: [this.runAction.functionArn] }),
    );
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteRunRecords',
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [props.data.table.tableArn],
      }),
    );
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ContinueInNewExecution',
        actions: ['states:StartExecution'],
        resources: [arns.stateMachines],
      }),
    );
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'Tracing',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        resources: ['*'],
      }),
    );
    Validations.of(this.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" only for the X-Ray actions of active tracing (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, ' +
        'GetSamplingTargets), which support no resource-level permissions.',
    });
    Validations.of(this.executionRole).acknowledge({
      id: wildcardFinding(this, arns.stateMachines),
      reason:
        `states:StartExecution on the state machines named ${this.namePrefix}*: a run waiting longer than a year continues in ` +
        'a new execution of its own state machine, which is created at run time, so only its name prefix is known here.',
    });

    // The role the automations' rules start executions with.
    this.eventsRole = new iam.Role(this, 'EventsRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': arns.rules(bus.eventBusName) },
        },
      }),
      description: `Lets the Stagecraft ${props.stage} automation rules start their state machines (${this.namePrefix}*)`,
    });
    this.eventsRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'StartRuns', actions: ['states:StartExecution'], resources: [arns.stateMachines] }),
    );
    Validations.of(this.eventsRole).acknowledge({
      id: wildcardFinding(this, arns.stateMachines),
      reason:
        `states:StartExecution on the state machines named ${this.namePrefix}*, which the provisioner creates at run time ` +
        '(one per automation): the name prefix is the scope.',
    });

    this.rulesDeadLetters = new DeadLetterQueue(this, 'RulesDeadLetters', {
      purpose: 'CRM events the automation rules could not deliver to their state machines (a run that never started)',
    });
    this.rulesDeadLetters.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AutomationRulesDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.rulesDeadLetters.queueArn],
        conditions: { ArnLike: { 'aws:SourceArn': arns.rules(bus.eventBusName) } },
      }),
    );

    // provision: automation changes in, state machines and rules out.
    this.provision = new StagecraftFunction(this, 'Provision', {
      name: 'provision',
      description: 'Compiles a saved automation into its state machine and rule, switches or removes them',
      logRetention: props.logRetention,
      memorySize: 512,
      // Stopping an automation cancels its waiting runs one StopExecution at a time.
      timeout: Duration.seconds(60),
      environment: {
        ...props.data.environment,
        ...automationEnv,
        EVENT_BUS_NAME: bus.eventBusName,
        EXECUTION_ROLE_ARN: this.executionRole.roleArn,
        EVENTS_ROLE_ARN: this.eventsRole.roleArn,
        RULES_DLQ_ARN: this.rulesDeadLetters.queueArn,
        RUN_ACTION_FUNCTION_ARN: this.runAction.functionArn,
        STAGE: props.stage,
        EVENT_PATTERN_MAX_LENGTH: String(props.eventPatternMaxLength ?? 2048),
      },
    });
    props.data.grantReadWriteData(this.provision);
    this.provision.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StateMachinesOfThePrefix',
        actions: [
          'states:CreateStateMachine',
          'states:UpdateStateMachine',
          'states:DeleteStateMachine',
          'states:DescribeStateMachine',
          'states:TagResource',
          'states:ListStateMachineVersions',
          'states:DeleteStateMachineVersion',
        ],
        resources: [arns.stateMachines, arns.stateMachineVersions],
      }),
    );
    this.provision.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'CancelWaitingRuns', actions: ['states:StopExecution'], resources: [arns.executions] }),
    );
    this.provision.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RulesOfThePrefix',
        actions: [
          'events:PutRule',
          'events:PutTargets',
          'events:RemoveTargets',
          'events:DeleteRule',
          'events:EnableRule',
          'events:DisableRule',
          'events:DescribeRule',
          'events:TagResource',
        ],
        resources: [arns.rules(bus.eventBusName)],
      }),
    );
    this.provision.addToRolePolicy(passRoleTo(this.executionRole, 'states.amazonaws.com'));
    this.provision.addToRolePolicy(passRoleTo(this.eventsRole, 'events.amazonaws.com'));
    Validations.of(this.provision.role!).acknowledge({
      id: wildcardFinding(this, arns.stateMachines),
      reason: prefixReason(this.namePrefix, 'state machines it creates, updates, tags and deletes'),
    });
    Validations.of(this.provision.role!).acknowledge({
      id: wildcardFinding(this, arns.stateMachineVersions),
      reason: prefixReason(this.namePrefix, 'state machine versions earlier releases published, which it lists and deletes'),
    });
    Validations.of(this.provision.role!).acknowledge({
      id: wildcardFinding(this, arns.executions),
      reason: prefixReason(this.namePrefix, 'executions (waiting runs) it stops when an automation is stopped or deleted'),
    });
    Validations.of(this.provision.role!).acknowledge({
      id: wildcardFinding(this, arns.rules(bus.eventBusName)),
      reason: prefixReason(this.namePrefix, 'EventBridge rules on the CRM bus it puts, targets, switches, tags and deletes'),
    });
    props.events.addSystemRule('ProvisionRule', {
      description: 'Automation Created|Updated|Deleted → provision',
      eventPattern: {
        source: [CRM_SOURCE],
        detailType: (['Created', 'Updated', 'Deleted'] as const).map((verb) => detailTypes.lifecycle('automation', verb)),
      },
      handler: this.provision,
    });
    this.provisionRule = props.events.node.findChild('ProvisionRule') as events.Rule;

    // track-runs: executions that ended outside their state machine's own Catch.
    this.trackRuns = new StagecraftFunction(this, 'TrackRuns', {
      name: 'track-runs',
      description: 'Closes the run records of automation executions that failed, timed out or were aborted',
      logRetention: props.logRetention,
      memorySize: 512,
      timeout: Duration.seconds(15),
      environment: { ...props.data.environment, ...automationEnv },
    });
    props.data.grantReadWriteData(this.trackRuns);
    // Step Functions reports status changes on the account's default bus. Two rules with one
    // target instead of one rule with three statuses: the first one's invocations count exactly
    // the failed runs, which the failed-runs alarm watches (see failedRunsMetric).
    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    const statusChange = (status: string[]): events.EventPattern => ({
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { stateMachineArn: [{ prefix: arns.stateMachineArnPrefix }], status },
    });
    const failed = props.events.addSystemRule('TrackFailedRunsRule', {
      description: 'Automation executions FAILED|TIMED_OUT → track-runs',
      eventBus: defaultBus,
      eventPattern: statusChange(FAILED_STATUSES),
      handler: this.trackRuns,
    });
    const cancelled = props.events.addSystemRule('TrackCancelledRunsRule', {
      description: 'Automation executions ABORTED → track-runs',
      eventBus: defaultBus,
      eventPattern: statusChange(CANCELLED_STATUSES),
      handler: this.trackRuns,
      deadLetters: failed.deadLetters,
    });
    this.failedRunsRule = failed.rule;
    this.cancelledRunsRule = cancelled.rule;

    // loop-guard: a chain of automation writes stopped by the depth guard is recorded, not silently dropped.
    this.loopGuard = new StagecraftFunction(this, 'LoopGuard', {
      name: 'loop-guard',
      description: 'Records a LOOP_STOPPED run for each automation a too-deep CRM event would have started, and notifies admins',
      logRetention: props.logRetention,
      memorySize: 512,
      timeout: Duration.seconds(30),
      environment: { ...props.data.environment },
    });
    props.data.grantReadWriteData(this.loopGuard);
    this.loopGuardRule = props.events.addSystemRule('LoopGuardRule', {
      description: 'CRM events deeper than any automation rule matches → loop-guard',
      eventPattern: { source: loopStoppedPattern.source, detail: loopStoppedPattern.detail },
      handler: this.loopGuard,
    }).rule;

    // Teardown: `cdk destroy` deletes the bus, which EventBridge refuses while rules remain on it.
    this.teardown = new StagecraftFunction(this, 'Teardown', {
      name: 'teardown-automations',
      description: 'On stack deletion, deletes the automation state machines and rules the provisioner created',
      logRetention: props.logRetention,
      memorySize: 256,
      timeout: Duration.minutes(10),
      unscopedActions: [
        'events:ListRules (listing rules by name prefix)',
        'states:ListStateMachines (listing state machines to find those of the prefix)',
      ],
    });
    this.teardown.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'List', actions: ['events:ListRules', 'states:ListStateMachines'], resources: ['*'] }),
    );
    this.teardown.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RulesOfThePrefix',
        actions: ['events:ListTargetsByRule', 'events:RemoveTargets', 'events:DeleteRule'],
        resources: [arns.rules(bus.eventBusName)],
      }),
    );
    this.teardown.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StateMachinesOfThePrefix',
        actions: ['states:DeleteStateMachine'],
        resources: [arns.stateMachines],
      }),
    );
    Validations.of(this.teardown.role!).acknowledge({
      id: wildcardFinding(this, arns.stateMachines),
      reason: prefixReason(this.namePrefix, 'state machines it deletes when the stack is deleted'),
    });
    Validations.of(this.teardown.role!).acknowledge({
      id: wildcardFinding(this, arns.rules(bus.eventBusName)),
      reason: prefixReason(this.namePrefix, 'EventBridge rules on the CRM bus it empties and deletes when the stack is deleted'),
    });
    Validations.of(this.teardown).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked by CloudFormation as a custom resource only: it answers CloudFormation through the response URL, ' +
        'and a failed deletion shows in the stack events; nothing would ever reach an asynchronous dead-letter queue.',
    });
    this.teardownResource = new CustomResource(this, 'TeardownResource', {
      serviceToken: this.teardown.functionArn,
      resourceType: 'Custom::StagecraftAutomationsTeardown',
      properties: { EventBusName: bus.eventBusName, NamePrefix: this.namePrefix },
    });
    // Deleted before the bus (the property refers to it) and before the roles and queue the
    // state machines and rules use, so nothing is left half-working while they are removed.
    for (const dependency of [this.executionRole, this.eventsRole, this.rulesDeadLetters, this.runAction]) {
      this.teardownResource.node.addDependency(dependency);
    }
    // And after provision and the rule that feeds it: an automation change during `cdk destroy` could
    // otherwise make provision put a rule again once the teardown has run, and the bus could not go.
    // (Created after the teardown, deleted before it.)
    this.provision.node.addDependency(this.teardownResource);
    this.provisionRule.node.addDependency(this.teardownResource);
  }

  /** Failed runs: FAILED or TIMED_OUT executions of automation state machines, per 5 minutes. */
  /**
   * Trigger latency: how long after the triggering write each run enrolled (its first Task began), as
   * run-action reports it (shared/aws/metrics.ts). One figure for the whole path: stream, publish-changes,
   * the bus and the rule's delivery, the state machine's start.
   */
  triggerLatencyMetric(statistic: string): cloudwatch.IMetric {
    return new cloudwatch.Metric({
      namespace: this.metricsNamespace,
      metricName: TRIGGER_LATENCY_METRIC,
      dimensionsMap: { service: 'run-action' },
      statistic,
      period: Duration.minutes(1),
      label: `write → run enrolled (${statistic})`,
    });
  }

  failedRunsMetric(): cloudwatch.IMetric {
    // AWS/States metrics have one dimension per state machine, and state machines are created at
    // run time; a SEARCH expression would find them, but an alarm cannot use SEARCH. The
    // failed-runs rule's target invocations count the same executions, with a fixed dimension.
    // (A rule of the default bus has the RuleName dimension only.)
    return new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'Invocations',
      dimensionsMap: { RuleName: this.failedRunsRule.ruleName },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }
}

/**
 * The id cdk-nag gives a wildcard resource of IAM5: the resource with its intrinsics flattened
 * (`<AWS::Region>`, `<LogicalId>`), so the acknowledgement names exactly that resource.
 */
export function wildcardFinding(scope: Construct, resource: string): string {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const value = node as Record<string, unknown>;
    if (Array.isArray(value['Fn::Join'])) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (value.Ref !== undefined) return `<${String(value.Ref)}>`;
    if (Array.isArray(value['Fn::GetAtt'])) return `<${(value['Fn::GetAtt'] as string[]).join('.')}>`;
    return JSON.stringify(node);
  };
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

function passRoleTo(role: iam.IRole, service: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': service } },
  });
}

function prefixReason(namePrefix: string, what: string): string {
  return (
    `Scoped by name prefix (${namePrefix}*), which is the point: the ${what} are created at run time, one per automation, ` +
    'so their names are not known at deploy time; nothing outside the prefix is reachable.'
  );
}
