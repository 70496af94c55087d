// Run records: the small item that indexes each automation run (a Step Functions execution) for
// filtering. The only place that builds their keys; the compiled ASL writes them through these builders.
//   run   pk `run#<automationId>#<runId>`, sk `run`
//         gsi1 `runs#<automationId>` / `<startedAt>#<runId>`                  — runs of an automation in a date range
//         gsi2 `runs#entity#<type>#<id>` / `<startedAt>#<automationId>#<runId>` — runs for a record
//         gsi3 `runs#<automationId>#<STATUS>` / `<startedAt>#<runId>`         — the same, one status (e.g. FAILED for a redrive)
//         gsi4 `runs` / `<startedAt>#<automationId>#<runId>`                   — every run in a date range (GET /runs)
//   step  pk `run#<automationId>#<runId>`, sk `step#<order>`  — what each step did (the run log kept in the table)
//         (the first step's entry also keeps the trigger event a redrive starts again from)
// A run id is the id of the event that triggered it, so a duplicate delivery meets the same key.
import type { Key } from './keys.ts';

export const runStatuses = ['RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED', 'LOOP_STOPPED'] as const;
export type RunStatus = (typeof runStatuses)[number];

export const RUN_SK = 'run';
export const RUN_ITEM_KIND = 'run';

export const runKey = (automationId: string, runId: string): Key => ({ pk: `run#${automationId}#${runId}`, sk: RUN_SK });

/** gsi1 partition: every run of one automation. */
export const automationRunsKey = (automationId: string) => `runs#${automationId}`;
/** gsi3 partition: the runs of one automation in one status; rewritten on every status change. */
export const automationRunsByStatusKey = (automationId: string, status: string) => `runs#${automationId}#${status}`;
/** gsi1 and gsi3 sort key: start time first, so a date range is a key condition. */
export const runSortKey = (startedAt: string, runId: string) => `${startedAt}#${runId}`;
/** gsi2 partition: every run whose subject is this record. */
export const entityRunsKey = (entityType: string, entityId: string) => `runs#entity#${entityType}#${entityId}`;
export const entityRunSortKey = (startedAt: string, automationId: string, runId: string) => `${startedAt}#${automationId}#${runId}`;
/** gsi4 partition: every run of every automation, by start time (the same sort key as gsi2). */
export const ALL_RUNS_KEY = 'runs';

/** A step's entry in the run log: ordered Plan wait, Check conditions, then the actions. */
export const STEP_PREFIX = 'step#';
export const stepOrder = { planWait: 0, checkConditions: 1, action: (index: number) => 2 + index } as const;
export const runStepKey = (automationId: string, runId: string, order: number): Key => ({
  pk: runKey(automationId, runId).pk,
  sk: `${STEP_PREFIX}${String(order).padStart(3, '0')}`,
});

/** Attribute names of a run item, as the compiled state machine writes them and the API reads them. */
export const runAttributes = {
  kind: 'itemKind',
  automationId: 'automationId',
  automationVersion: 'automationVersion',
  runId: 'runId',
  triggerEventId: 'triggerEventId',
  trigger: 'trigger',
  executionId: 'executionId',
  entityType: 'entityType',
  entityId: 'entityId',
  status: 'status',
  startedAt: 'startedAt',
  endedAt: 'endedAt',
  dueAt: 'dueAt',
  actionsCompleted: 'actionsCompleted',
  actionsTotal: 'actionsTotal',
  /** Why a run was skipped or cancelled: the Cause of the error that ended it (see causeMessage). */
  reason: 'reason',
  error: 'error',
  errorCause: 'errorCause',
  failedStep: 'failedStep',
  byAutomation: { pk: 'gsi1pk', sk: 'gsi1sk' },
  byEntity: { pk: 'gsi2pk', sk: 'gsi2sk' },
  byStatus: { pk: 'gsi3pk', sk: 'gsi3sk' },
  all: { pk: 'gsi4pk', sk: 'gsi4sk' },
  /** One line per completed action, in order: the run's summary is made of them. */
  summaries: 'summaries',
  /** Each redrive: when, from which step, with which automation version. */
  redrives: 'redrives',
} as const;

/** A run record as stored, without its key and index attributes. */
export interface RunRecord {
  automationId: string;
  automationVersion?: number;
  runId: string;
  triggerEventId: string;
  trigger: string;
  executionId: string;
  entityType: string;
  entityId: string;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  dueAt?: string;
  actionsCompleted: number;
  actionsTotal: number;
  reason?: string;
  error?: string;
  errorCause?: string;
  failedStep?: string;
  summaries?: string[];
  redrives?: Array<{ at: string; fromStep: string; automationVersion?: number; executionId?: string }>;
  redriveExecutionId?: string;
}
