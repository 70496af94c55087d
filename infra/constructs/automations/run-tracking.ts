// Run records closed or written from outside the state machines: track-runs for executions that ended
// without their own Catch (failed, timed out, aborted), loop-guard for events too deep for any rule.
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { loopGuardRule, trackRunsRules } from '#shared/events/system-rules.ts';
import type { Data } from '../data.ts';
import type { Events } from '../events.ts';
import { StagecraftFunction } from '../functions.ts';
import type { automationArns } from './names.ts';

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
    // Step Functions reports status changes on the account's default bus; why two rules: trackRunsRules.
    const defaultBus = events.EventBus.fromEventBusName(scope, 'DefaultBus', 'default');
    const [failedRule, cancelledRule] = trackRunsRules(props.arns.stateMachineArnPrefix);
    const failed = props.events.addSystemRule(failedRule!, { eventBus: defaultBus, handler: this.trackRuns });
    const cancelled = props.events.addSystemRule(cancelledRule!, { eventBus: defaultBus, handler: this.trackRuns, deadLetters: failed.deadLetters });
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
    this.loopGuardRule = props.events.addSystemRule(loopGuardRule, { handler: this.loopGuard }).rule;
  }
}
