// Automations on AWS (docs/ARCHITECTURE.md §1, §6): the functions around them (provision, run-action,
// track-runs, loop-guard), the roles their state machines and rules run with, and the teardown of what the
// provisioner made at run time. Every state machine and rule is named `<prefix><automationId>`; the prefix is
// what each permission is scoped to. Each concern is a part in automations/; this construct puts them together.
import { type CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TRIGGER_LATENCY_METRIC } from '#shared/aws/metrics.ts';
import { automationArns, automationNamePrefix } from './automations/names.ts';
import { Provisioning } from './automations/provisioning.ts';
import { RunAction } from './automations/run-action.ts';
import { RunTracking } from './automations/run-tracking.ts';
import { Teardown } from './automations/teardown.ts';
import type { Data } from './data.ts';
import type { DeadLetterQueue } from './dead-letters.ts';
import type { Email } from './email.ts';
import type { Events } from './events.ts';
import type { StagecraftFunction } from './functions.ts';
import { ENV } from '#shared/aws/env.ts';

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
  /** Compiles every automation again on a deployment that changes the code they are made of. */
  readonly reconcileResource: CustomResource;
  /** Where run-action puts its metrics: `Stagecraft/<stack name>`. */
  readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: AutomationsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.namePrefix = automationNamePrefix(props.stage);
    this.metricsNamespace = `Stagecraft/${stack.stackName}`;
    const arns = automationArns(this, this.namePrefix);
    const automationEnv = { [ENV.accountId]: stack.account, [ENV.partition]: stack.partition, [ENV.automationNamePrefix]: this.namePrefix };
    const common = { stage: props.stage, namePrefix: this.namePrefix, arns, data: props.data, logRetention: props.logRetention };

    // The parts build in this construct's scope, in this order, so logical IDs and the template stay as deployed.
    const runAction = new RunAction(this, {
      ...common,
      email: props.email,
      metricsNamespace: this.metricsNamespace,
      ...(props.runActionTimeout ? { timeout: props.runActionTimeout } : {}),
      ...(props.documentLinkBase !== undefined ? { documentLinkBase: props.documentLinkBase } : {}),
    });
    this.runAction = runAction.function;
    this.executionRole = runAction.executionRole;

    const provisioning = new Provisioning(this, {
      ...common,
      events: props.events,
      automationEnv,
      executionRole: this.executionRole,
      runAction: this.runAction,
      ...(props.eventPatternMaxLength !== undefined ? { eventPatternMaxLength: props.eventPatternMaxLength } : {}),
    });
    this.eventsRole = provisioning.eventsRole;
    this.rulesDeadLetters = provisioning.rulesDeadLetters;
    this.provision = provisioning.function;
    this.provisionRule = provisioning.rule;
    this.reconcileResource = provisioning.reconcile;

    const tracking = new RunTracking(this, { ...common, events: props.events, automationEnv });
    this.trackRuns = tracking.trackRuns;
    this.failedRunsRule = tracking.failedRunsRule;
    this.cancelledRunsRule = tracking.cancelledRunsRule;
    this.loopGuard = tracking.loopGuard;
    this.loopGuardRule = tracking.loopGuardRule;

    const teardown = new Teardown(this, {
      ...common,
      events: props.events,
      usedByRuns: [this.executionRole, this.eventsRole, this.rulesDeadLetters, this.runAction],
      makesRules: [this.provision, this.provisionRule],
    });
    this.teardown = teardown.function;
    this.teardownResource = teardown.resource;
  }

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

  /** Failed runs: FAILED or TIMED_OUT executions of automation state machines, per 5 minutes. */
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
