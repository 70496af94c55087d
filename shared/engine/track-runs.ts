// Keeps run records honest when an execution ends without its state machine closing
// the record: a timeout, an abort (a cancelled run), a failure outside any Catch.
// On AWS it follows "Step Functions Execution Status Change" events; locally, the runner.
import { causeMessage } from '#shared/automation/causes.ts';
import type { Clock, Logger } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';

export interface ExecutionEnded {
  /** The automation id: the state machine is named after it (after the name prefix on AWS). */
  automationId: string;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | string;
  /** The execution's input: a CRM event whose detail.eventId is the run id. */
  input: unknown;
  error?: string;
  cause?: string;
}

function runIdOf(input: unknown): string | undefined {
  const detail = (input as { detail?: { eventId?: unknown } } | undefined)?.detail;
  return typeof detail?.eventId === 'string' ? detail.eventId : undefined;
}

export function createTrackRuns({ store, clock, logger }: { store: Store; clock: Clock; logger: Logger }) {
  return async function trackExecution(ended: ExecutionEnded): Promise<void> {
    // Only an execution that ended badly can leave its run open; the others closed it themselves.
    if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(ended.status)) return;
    const runId = runIdOf(ended.input);
    if (!runId) return;
    const endedAt = clock.now().toISOString();
    // Only a run still open is changed: a run the state machine closed keeps what it wrote.
    if (ended.status === 'ABORTED') {
      await store.runLog.markCancelled(ended.automationId, runId, causeMessage(ended.cause) || 'the execution was stopped', endedAt);
    } else {
      await store.runLog.markEnded(ended.automationId, runId, 'FAILED', {
        endedAt,
        error: ended.error ?? (ended.status === 'TIMED_OUT' ? 'States.Timeout' : 'States.Runtime'),
        errorCause: causeMessage(ended.cause) || `the execution ended ${ended.status}`,
      });
    }
    logger.info('run closed after its execution ended', { automationId: ended.automationId, runId, status: ended.status });
  };
}

export type TrackRuns = ReturnType<typeof createTrackRuns>;

/** An execution's status change, as Step Functions reports it on the default bus or the local runner reports it. */
export interface StatusChange {
  /** The state machine's ARN (AWS) or name (local mode). */
  stateMachine: string;
  status: string;
  /** The execution's input: JSON text on AWS, the value itself locally. */
  input?: unknown;
  error?: string | null;
  cause?: string | null;
}

/**
 * track-runs fed by status changes: only state machines named with the automations' prefix (none locally) are
 * automations, and the rest of the name is the automation id.
 */
export function createTrackStatusChanges(deps: { store: Store; clock: Clock; logger: Logger; namePrefix: string }) {
  const trackRuns = createTrackRuns(deps);
  return async function onStatusChange(change: StatusChange): Promise<void> {
    const name = change.stateMachine.split(':stateMachine:').pop() ?? '';
    if (!name.startsWith(deps.namePrefix)) return;
    await trackRuns({
      automationId: name.slice(deps.namePrefix.length),
      status: change.status,
      input: typeof change.input === 'string' ? (change.input ? JSON.parse(change.input) : undefined) : change.input,
      ...(change.error ? { error: change.error } : {}),
      ...(change.cause ? { cause: change.cause } : {}),
    });
  };
}
