// Run records, and their one owner (docs/ARCHITECTURE.md §7): the small item that indexes each automation run
// (a Step Functions execution) for filtering. This module builds their keys, lists the status changes a run
// may make, and writes both kinds of update: the SDK updates run-log.ts sends (run-action, its last action's close,
// track-runs, redrive) and the ASL fragments with which the compiled state machine enrolls and closes a run (compile-asl.ts).
//   run   pk `run#<automationId>#<runId>`, sk `run`
//         gsi1 `runs#<automationId>` / `<startedAt>#<runId>`                  — runs of an automation in a date range
//         gsi2 `runs#entity#<type>#<id>` / `<startedAt>#<automationId>#<runId>` — runs for a record
//         gsi3 `runs#<automationId>#<STATUS>` / `<startedAt>#<runId>`         — the same, one status (e.g. FAILED for a redrive)
//         gsi4 `runs` / `<startedAt>#<automationId>#<runId>`                   — every run in a date range (GET /runs)
//   step  pk `run#<automationId>#<runId>`, sk `step#<order>`  — what each step did (the run log kept in the table)
//         (the first step's entry also keeps the trigger event a redrive starts again from)
// A run id is the id of the event that triggered it, so a duplicate delivery meets the same key.
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Key } from './keys.ts';
import { keyAttributes } from './table.ts';

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

// ---------------------------------------------------------------------------------------------------------
// Status changes, written once

/**
 * Every change of a run's status after Enroll put it RUNNING, with the statuses it may come from. A change
 * from any other status is a late or repeated delivery and changes nothing. That holds for the state machine's
 * own outcome states (`close`) too: their update is conditional on `close.from`, and a refused close (the run
 * was closed already: cancelled meanwhile, or this close retried after a lost response) ends the execution
 * without writing (compile-asl.ts sends DynamoDB.ConditionalCheckFailedException to "Closed already").
 */
export const runTransitions = {
  /** Plan wait: the run waits until its due time; a continuation past a year waits again. */
  wait: { from: ['RUNNING', 'WAITING'], to: 'WAITING' },
  /** Check conditions after a wait: under way again. */
  resume: { from: ['WAITING'], to: 'RUNNING' },
  /** A redrive of a failed run, in a new execution. */
  redrive: { from: ['FAILED'], to: 'RUNNING' },
  /** A run stopped before its end: its record left the stage, its automation stopped, its execution aborted. */
  cancel: { from: ['WAITING', 'RUNNING'], to: 'CANCELLED' },
  /** An execution that ended outside its own Catch (track-runs): a timeout, a failure. */
  endOutside: { from: ['WAITING', 'RUNNING'], to: 'FAILED' },
  /** The state machine's outcome states: Record success, Skip, Cancel, Record failure. */
  close: { from: ['RUNNING', 'WAITING'], to: ['SUCCEEDED', 'SKIPPED', 'CANCELLED', 'FAILED'] },
} as const satisfies Record<string, { from: readonly RunStatus[]; to: RunStatus | readonly RunStatus[] }>;

type Transition = (typeof runTransitions)[keyof typeof runTransitions];

// ---------------------------------------------------------------------------------------------------------
// SDK updates (run-log.ts sends them)

/** A status change with the attributes that come with it, conditional on the transition's `from`. */
export function runStatusUpdate(
  tableName: string,
  run: { automationId: string; runId: string },
  transition: Exclude<Transition, typeof runTransitions.close>,
  fields: Record<string, string>,
  status: RunStatus = transition.to,
): UpdateCommandInput {
  const from: readonly RunStatus[] = transition.from;
  const names: Record<string, string> = { '#status': runAttributes.status, '#byStatus': runAttributes.byStatus.pk };
  const values: Record<string, unknown> = {
    ':status': status,
    ':byStatus': automationRunsByStatusKey(run.automationId, status),
    ...Object.fromEntries(from.map((value, index) => [`:from${index}`, value])),
  };
  const sets = ['#status = :status', '#byStatus = :byStatus'];
  Object.entries(fields).forEach(([field, value], index) => {
    names[`#f${index}`] = field;
    values[`:f${index}`] = value;
    sets.push(`#f${index} = :f${index}`);
  });
  return {
    TableName: tableName,
    Key: runKey(run.automationId, run.runId),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: `attribute_exists(pk) AND #status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * A redrive: FAILED → RUNNING, the old failure cleared, the redrive appended to the run's list (and the
 * automation version it runs with noted).
 */
export function runRedriveUpdate(
  tableName: string,
  run: { automationId: string; runId: string },
  redrive: { at: string; fromStep: string; automationVersion?: number },
): UpdateCommandInput {
  const { from, to } = runTransitions.redrive;
  const version = redrive.automationVersion === undefined ? '' : ', #version = :version';
  return {
    TableName: tableName,
    Key: runKey(run.automationId, run.runId),
    UpdateExpression: `SET #status = :running, #byStatus = :byStatus, #redrives = list_append(if_not_exists(#redrives, :none), :redrive)${version} REMOVE #error, #errorCause, #endedAt`,
    ConditionExpression: '#status = :failed',
    ExpressionAttributeNames: {
      '#status': runAttributes.status,
      '#byStatus': runAttributes.byStatus.pk,
      '#error': runAttributes.error,
      '#errorCause': runAttributes.errorCause,
      '#endedAt': runAttributes.endedAt,
      '#redrives': runAttributes.redrives,
      ...(redrive.automationVersion === undefined ? {} : { '#version': runAttributes.automationVersion }),
    },
    ExpressionAttributeValues: {
      ':running': to,
      ':failed': from[0],
      ':byStatus': automationRunsByStatusKey(run.automationId, to),
      ':none': [],
      ':redrive': [redrive],
      ...(redrive.automationVersion === undefined ? {} : { ':version': redrive.automationVersion }),
    },
  };
}

/** What the last action of a run writes when it closes the run itself (runCloseUpdate). */
export interface RunClose {
  endedAt: string;
  actionsCompleted: number;
  /** With branches the total is the path's length, known only now. */
  actionsTotal?: number;
  /** The last action's summary line, appended to the run's. */
  summary: string;
}

/**
 * The last action's close (runTransitions.close, to SUCCEEDED): what Record success writes, sent by run-action
 * with the action's own write. Only from a status the run may close from.
 */
export function runCloseUpdate(tableName: string, run: { automationId: string; runId: string }, close: RunClose): UpdateCommandInput & { UpdateExpression: string } {
  const from: readonly RunStatus[] = runTransitions.close.from;
  const total = close.actionsTotal === undefined ? '' : ', #total = :total';
  return {
    TableName: tableName,
    Key: runKey(run.automationId, run.runId),
    UpdateExpression: `SET #status = :status, #byStatus = :byStatus, #endedAt = :endedAt, #done = :done${total}, #summaries = list_append(if_not_exists(#summaries, :none), :summary) REMOVE #error, #errorCause, #failedStep`,
    ConditionExpression: `#status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
    ExpressionAttributeNames: {
      '#status': runAttributes.status,
      '#byStatus': runAttributes.byStatus.pk,
      '#endedAt': runAttributes.endedAt,
      '#done': runAttributes.actionsCompleted,
      '#summaries': runAttributes.summaries,
      '#error': runAttributes.error,
      '#errorCause': runAttributes.errorCause,
      '#failedStep': runAttributes.failedStep,
      ...(close.actionsTotal === undefined ? {} : { '#total': runAttributes.actionsTotal }),
    },
    ExpressionAttributeValues: {
      ':status': 'SUCCEEDED',
      ':byStatus': automationRunsByStatusKey(run.automationId, 'SUCCEEDED'),
      ':endedAt': close.endedAt,
      ':done': close.actionsCompleted,
      ':none': [],
      ':summary': [close.summary],
      ...(close.actionsTotal === undefined ? {} : { ':total': close.actionsTotal }),
      ...Object.fromEntries(from.map((value, index) => [`:from${index}`, value])),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// ASL fragments (JSONPath): what the compiled state machine writes to enroll and close a run

/** A DynamoDB attribute value in a Task's Parameters: literal, or read from a path (`.$`). */
export type AslAttributeValue = { S: string } | { 'S.$': string } | { N: string } | { 'N.$': string };
/** A list read from the state data: an array of DynamoDB values (`[{S: …}]`). */
export type AslListValue = { 'L.$': string };

// States.Format treats these characters in its template as syntax.
const formatLiteral = (text: string) => text.replace(/[\\'{}]/g, (char) => `\\${char}`);
const format = (template: string, ...paths: string[]) => `States.Format('${template}', ${paths.join(', ')})`;

/** Which run a fragment writes: the automation, and the path of the run id (the trigger event's id) in the state data. */
export interface AslRun {
  automationId: string;
  tableName: string;
  runIdPath: string;
}

function aslRunKey(run: AslRun) {
  const { pk, sk } = runKey(formatLiteral(run.automationId), '{}');
  return { [keyAttributes.pk]: { 'S.$': format(pk, run.runIdPath) }, [keyAttributes.sk]: { S: sk } };
}

/**
 * Enroll's putItem Parameters: the run record, RUNNING, with every index key. Put once per automation and
 * trigger event: the same execution may put again (a retry after a lost response); any other finds the run
 * taken (ConditionalCheckFailed), which is how a second delivery of an event ends.
 */
export function enrollRunParameters(
  run: AslRun & {
    automationVersion?: number;
    trigger: string;
    /** Paths of the run's subject in the state data. */
    subject: { type: string; id: string };
    actionsTotal: number;
  },
) {
  const startedAt = '$$.Execution.StartTime';
  const runId = run.runIdPath;
  const aid = formatLiteral(run.automationId);
  const item: Record<string, AslAttributeValue> = {
    ...aslRunKey(run),
    [runAttributes.kind]: { S: RUN_ITEM_KIND },
    [runAttributes.automationId]: { S: run.automationId },
    ...(run.automationVersion === undefined ? {} : { [runAttributes.automationVersion]: { N: String(run.automationVersion) } }),
    [runAttributes.runId]: { 'S.$': runId },
    [runAttributes.triggerEventId]: { 'S.$': runId },
    [runAttributes.trigger]: { S: run.trigger },
    [runAttributes.executionId]: { 'S.$': '$$.Execution.Id' },
    [runAttributes.entityType]: { 'S.$': run.subject.type },
    [runAttributes.entityId]: { 'S.$': run.subject.id },
    [runAttributes.status]: { S: 'RUNNING' },
    [runAttributes.startedAt]: { 'S.$': startedAt },
    [runAttributes.actionsCompleted]: { N: '0' },
    [runAttributes.actionsTotal]: { N: String(run.actionsTotal) },
    [runAttributes.byAutomation.pk]: { S: automationRunsKey(run.automationId) },
    [runAttributes.byAutomation.sk]: { 'S.$': format(runSortKey('{}', '{}'), startedAt, runId) },
    [runAttributes.byEntity.pk]: { 'S.$': format(entityRunsKey('{}', '{}'), run.subject.type, run.subject.id) },
    [runAttributes.byEntity.sk]: { 'S.$': format(entityRunSortKey('{}', aid, '{}'), startedAt, runId) },
    [runAttributes.byStatus.pk]: { S: automationRunsByStatusKey(run.automationId, 'RUNNING') },
    [runAttributes.byStatus.sk]: { 'S.$': format(runSortKey('{}', '{}'), startedAt, runId) },
    [runAttributes.all.pk]: { S: ALL_RUNS_KEY },
    [runAttributes.all.sk]: { 'S.$': format(entityRunSortKey('{}', aid, '{}'), startedAt, runId) },
  };
  return {
    TableName: run.tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#pk) OR #executionId = :executionId',
    ExpressionAttributeNames: { '#pk': keyAttributes.pk, '#executionId': runAttributes.executionId },
    ExpressionAttributeValues: { ':executionId': { 'S.$': '$$.Execution.Id' } },
  };
}

/**
 * An outcome state's updateItem Parameters (runTransitions.close): the new status (and its status-index key),
 * the end time, plus the given attributes, minus the removed ones; only from a status the run may close from,
 * so a late or replayed close never overwrites an ended run (it fails with ConditionalCheckFailed instead).
 */
export function closeRunParameters(
  run: AslRun,
  status: (typeof runTransitions.close.to)[number],
  attributes: Array<[string, AslAttributeValue]>,
  removed: string[] = [],
  /** Lists whose elements are appended to the attribute's (summary lines). */
  appended: Array<[string, AslListValue]> = [],
) {
  const all: Array<[string, AslAttributeValue]> = [
    [runAttributes.status, { S: status }],
    [runAttributes.byStatus.pk, { S: automationRunsByStatusKey(run.automationId, status) }],
    [runAttributes.endedAt, { 'S.$': '$$.State.EnteredTime' }],
    ...attributes,
  ];
  const names: Record<string, string> = {};
  const values: Record<string, AslAttributeValue | AslListValue | { L: [] }> = {};
  // Every attribute goes through a name placeholder: status, error and trigger are DynamoDB reserved words.
  const assignments = all.map(([attribute, value]) => {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    return `#${attribute} = :${attribute}`;
  });
  for (const [attribute, value] of appended) {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    values[':none'] = { L: [] };
    assignments.push(`#${attribute} = list_append(if_not_exists(#${attribute}, :none), :${attribute})`);
  }
  for (const attribute of removed) names[`#${attribute}`] = attribute;
  const removal = removed.length > 0 ? ` REMOVE ${removed.map((attribute) => `#${attribute}`).join(', ')}` : '';
  const from: readonly RunStatus[] = runTransitions.close.from;
  from.forEach((value, index) => (values[`:from${index}`] = { S: value }));
  return {
    TableName: run.tableName,
    Key: aslRunKey(run),
    UpdateExpression: `SET ${assignments.join(', ')}${removal}`,
    // A missing run has no status, so it is refused too (the update would otherwise create a stub).
    ConditionExpression: from.map((_, index) => `#${runAttributes.status} = :from${index}`).join(' OR '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
