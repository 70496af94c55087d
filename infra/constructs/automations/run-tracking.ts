// Run records closed or written from outside the state machines: track-runs for executions that ended
// without their own Catch (failed, timed out, aborted), loop-guard for events too deep for any rule.
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { loopStoppedPattern } from '#shared/engine/loop-guard.ts';
import type { Data } from '../data.ts';
import type { Events } from '../events.ts';
import { StagecraftFunction } from '../functions.ts';
import type { automationArns } from './names.ts';

/**
 * The statuses of an execution that ended without its state machine closing the run:
 * failures (a failed run ends in its Fail state, after Record failure) and timeouts count as
 * failed runs; aborts are cancellations (a run stopped because its deal left the stage).
 */
const FAILED_STATUSES = ['FAILED', 'TIMED_OUT'];
const CANCELLED_STATUSES = ['ABORTED'];

export interface RunTrackingProps {
  readonly arns: ReturnType<typeof automationArns>;
  readonly data: Data;
  readonly events: Events;
  readonly logRetention: logs.RetentionDays;
  /** ACCOUNT_ID, PARTITION, AUTOMATION_NAME_PREFIX. */
  readonly automationEnv: Record<string, string>;
}

/** Built in the scope it is given (the Automations construct), so the logical IDs stay as deployed. */
export class RunTracking {
  readonly trackRuns: StagecraftFunction;
  /** FAILED and TIMED_OUT executions of automation state machines → track-runs. */
  readonly failedRunsRule: events.Rule;
  /** ABORTED executions (cancelled runs) → track-runs. */
  readonly cancelledRunsRule: events.Rule;
  readonly loopGuard: StagecraftFunction;
  readonly loopGuardRule: events.Rule;

  constructor(scope: Construct, props: RunTrackingProps) {
    // track-runs: executions that ended outside their state machine's own Catch.
    this.trackRuns = new StagecraftFunction(scope, 'TrackRuns', {
      name: 'track-runs',
      description: 'Closes the run records of automation executions that failed, timed out or were aborted',
      logRetention: props.logRetention,
      memorySize: 512,
      timeout: Duration.seconds(15),
      environment: { ...props.data.environment, ...props.automationEnv },
    });
    props.data.grantReadWriteData(this.trackRuns);
    // Step Functions reports status changes on the account's default bus. Two rules with one
    // target instead of one rule with three statuses: the first one's invocations count exactly
    // the failed runs, which the failed-runs alarm watches (see Automations.failedRunsMetric).
    const defaultBus = events.EventBus.fromEventBusName(scope, 'DefaultBus', 'default');
    const statusChange = (status: string[]): events.EventPattern => ({
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { stateMachineArn: [{ prefix: props.arns.stateMachineArnPrefix }], status },
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
    this.loopGuard = new StagecraftFunction(scope, 'LoopGuard', {
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
  }
}
