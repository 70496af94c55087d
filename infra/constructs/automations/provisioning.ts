// Provisioning: `Automation Created|Updated|Deleted` → the provision function, which compiles the automation
// and puts (or switches, or removes) its state machine and rule; with the role those rules start executions
// with and the queue of events they could not deliver.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { provisionRule } from '#shared/events/system-rules.ts';
import type { Data } from '../data.ts';
import { DeadLetterQueue } from '../dead-letters.ts';
import type { Events } from '../events.ts';
import { StagecraftFunction, projectRoot } from '../functions.ts';
import { type automationArns, passRoleTo, prefixReason, wildcardFinding } from './names.ts';
import { ENV } from '#shared/aws/env.ts';

export interface ProvisioningProps {
  readonly stage: string;
  readonly namePrefix: string;
  readonly arns: ReturnType<typeof automationArns>;
  readonly data: Data;
  readonly events: Events;
  readonly logRetention: logs.RetentionDays;
  /** ACCOUNT_ID, PARTITION, AUTOMATION_NAME_PREFIX. */
  readonly automationEnv: Record<string, string>;
  readonly executionRole: iam.IRole;
  readonly runAction: StagecraftFunction;
  /** @default 2048 */
  readonly eventPatternMaxLength?: number;
}

/**
 * A fingerprint of the code a deployed automation is made of (its compiler and everything the compiled states
 * rely on: all of shared/). It changes with any release that changes that code, and then the reconcile resource
 * compiles every automation again; a deployment that changes only the stack leaves the automations alone.
 */
export function compilerFingerprint(root = join(projectRoot, 'shared')): string {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort();
  const hash = createHash('sha256');
  // Line endings as git stores them, so that a checkout with CRLF gives the same fingerprint.
  for (const file of files) hash.update(file.split('\\').join('/')).update('\0').update(readFileSync(join(root, file), 'utf8').replaceAll('\r\n', '\n')).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** Built in the scope it is given (the Automations construct), so the logical IDs stay as deployed. */
export class Provisioning {
  readonly function: StagecraftFunction;
  readonly rule: events.Rule;
  /** The role EventBridge starts executions with, for the automations' rules. */
  readonly eventsRole: iam.Role;
  /** Events the automations' rules could not deliver to their state machines. */
  readonly rulesDeadLetters: DeadLetterQueue;
  /** Compiles every automation again on a deployment that changes the code they are made of. */
  readonly reconcile: CustomResource;

  constructor(scope: Construct, props: ProvisioningProps) {
    const { arns, namePrefix } = props;
    const bus = props.events.bus;

    // The role the automations' rules start executions with.
    this.eventsRole = new iam.Role(scope, 'EventsRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
          ArnLike: { 'aws:SourceArn': arns.rules(bus.eventBusName) },
        },
      }),
      description: `Lets the Stagecraft ${props.stage} automation rules start their state machines (${namePrefix}*)`,
    });
    this.eventsRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'StartRuns', actions: ['states:StartExecution'], resources: [arns.stateMachines] }),
    );
    Validations.of(this.eventsRole).acknowledge({
      id: wildcardFinding(scope, arns.stateMachines),
      reason:
        `states:StartExecution on the state machines named ${namePrefix}*, which the provisioner creates at run time ` +
        '(one per automation): the name prefix is the scope.',
    });

    this.rulesDeadLetters = new DeadLetterQueue(scope, 'RulesDeadLetters', {
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
    const provision = new StagecraftFunction(scope, 'Provision', {
      name: 'provision',
      description: 'Compiles a saved automation into its state machine and rule, switches or removes them',
      logRetention: props.logRetention,
      memorySize: 512,
      // Stopping an automation cancels its waiting runs a few StopExecutions at a time; a deployment's reconcile
      // compiles every automation again (it stops in time to answer CloudFormation, and says how far it got).
      timeout: Duration.minutes(5),
      environment: {
        ...props.data.environment,
        ...props.automationEnv,
        [ENV.eventBusName]: bus.eventBusName,
        [ENV.executionRoleArn]: props.executionRole.roleArn,
        [ENV.eventsRoleArn]: this.eventsRole.roleArn,
        [ENV.rulesDlqArn]: this.rulesDeadLetters.queueArn,
        [ENV.runActionFunctionArn]: props.runAction.functionArn,
        [ENV.stage]: props.stage,
        [ENV.eventPatternMaxLength]: String(props.eventPatternMaxLength ?? 2048),
      },
    });
    this.function = provision;
    props.data.grantReadWriteData(provision);
    provision.addToRolePolicy(
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
    provision.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'CancelWaitingRuns', actions: ['states:StopExecution'], resources: [arns.executions] }),
    );
    provision.addToRolePolicy(
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
    provision.addToRolePolicy(passRoleTo(props.executionRole, 'states.amazonaws.com'));
    provision.addToRolePolicy(passRoleTo(this.eventsRole, 'events.amazonaws.com'));
    Validations.of(provision.role!).acknowledge({
      id: wildcardFinding(scope, arns.stateMachines),
      reason: prefixReason(namePrefix, 'state machines it creates, updates, tags and deletes'),
    });
    Validations.of(provision.role!).acknowledge({
      id: wildcardFinding(scope, arns.stateMachineVersions),
      reason: prefixReason(namePrefix, 'state machine versions earlier releases published, which it lists and deletes'),
    });
    Validations.of(provision.role!).acknowledge({
      id: wildcardFinding(scope, arns.executions),
      reason: prefixReason(namePrefix, 'executions (waiting runs) it stops when an automation is stopped or deleted'),
    });
    Validations.of(provision.role!).acknowledge({
      id: wildcardFinding(scope, arns.rules(bus.eventBusName)),
      reason: prefixReason(namePrefix, 'EventBridge rules on the CRM bus it puts, targets, switches, tags and deletes'),
    });
    this.rule = props.events.addSystemRule(provisionRule, { handler: provision }).rule;
    // Invoked by CloudFormation with the deploying principal's rights, so no resource policy is needed. Its
    // properties are what a compiled automation is made of: the code, and what the compiler binds into it (the
    // run-action function, the table, the roles and queue its rule and state machine use, the pattern quota);
    // a change of any of them recompiles every automation, and those whose result differs from what is deployed
    // are deployed again (the provisioning record's digest). CloudFormation waits at most the service timeout.
    this.reconcile = new CustomResource(scope, 'ReconcileResource', {
      serviceToken: provision.functionArn,
      resourceType: 'Custom::StagecraftAutomationsReconcile',
      serviceTimeout: Duration.minutes(10),
      properties: {
        NamePrefix: namePrefix,
        Code: compilerFingerprint(),
        RunAction: props.runAction.functionArn,
        Table: props.data.table.tableName,
        ExecutionRole: props.executionRole.roleArn,
        EventsRole: this.eventsRole.roleArn,
        RulesDeadLetters: this.rulesDeadLetters.queueArn,
        EventPatternMaxLength: String(props.eventPatternMaxLength ?? 2048),
      },
    });
  }
}
