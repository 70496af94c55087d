// The run log's index: run records by automation and date range (optionally one
// status), by record, and one by id; plus the progress run-action notes on them. The
// compiled state machine creates and closes run records with runs.ts's fragments; every status change here is
// one of runs.ts's runTransitions, sent as runs.ts builds it.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '#shared/domain/actors.ts';
import type { Entity } from '#shared/domain/entities.ts';
import type { TableRef } from '#shared/ports.ts';
import { fillPage, type Page } from './cursor.ts';
import {
  ALL_RUNS_KEY,
  RUN_ITEM_KIND,
  STEP_PREFIX,
  type RunRecord,
  type RunStatus,
  automationRunsByStatusKey,
  automationRunsKey,
  entityRunSortKey,
  entityRunsKey,
  runAttributes,
  runKey,
  runRedriveUpdate,
  runSortKey,
  runStatusUpdate,
  runStepKey,
  runTransitions,
  stepOrder,
  type RunClose,
  runCloseUpdate,
} from './runs.ts';
import { itemOnlyAttributes } from './keys.ts';
import type { WrittenAlongside } from './records.ts';

export interface RunQuery {
  from?: string;
  to?: string;
  status?: RunStatus;
  entityId?: string;
  /** With entityId: the record types the automation's runs can be about (from its trigger). */
  entityTypes?: string[];
  limit?: number;
  cursor?: string;
}

/** Across automations (GET /runs): by automation, by record, or every run; each in a date range, one status optionally. */
export interface AllRunsQuery {
  automationId?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
  status?: RunStatus;
  limit?: number;
  cursor?: string;
}

/** What one step of a run did, as run-action records it (docs/ARCHITECTURE.md §6: the run log is kept in the table). */
export interface StepRecord {
  order: number;
  name: string;
  status: 'SUCCEEDED' | 'FAILED' | 'CAUGHT';
  startedAt: string;
  endedAt?: string;
  attempts: number;
  executionId?: string;
  automationVersion?: number;
  error?: string;
  cause?: string;
  outcome?: Record<string, unknown>;
  /** Who an action step acted as: the Butler, or while it is off the automation's author (with `via`). */
  actor?: Actor;
}

/** What a step attempt writes (recordStep, stepAlongside). */
export interface StepWrite {
  order: number;
  name: string;
  status: StepRecord['status'];
  startedAt: string;
  endedAt: string;
  executionId: string;
  automationVersion?: number;
  outcome?: Record<string, unknown>;
  error?: string;
  cause?: string;
  actor?: Actor;
  /** The run's trigger event (the first step keeps it, once). */
  input?: unknown;
  /** Check conditions' line, written by the run's first action with its own (`$.run.checked`). */
  checked?: CheckedStep;
}

/** Check conditions' successful attempt as it answers it (`$.run.checked`) for the first action to write. */
export interface CheckedStep {
  name: string;
  startedAt: string;
  endedAt: string;
  executionId: string;
  automationVersion?: number;
  outcome: Record<string, unknown>;
}

/** The step's success was recorded by this execution already: the transaction carrying it again was refused. */
export class StepRecordedAlready extends Error {
  override readonly name = 'Stagecraft.StepRecordedAlready';
}

/** The run is not RUNNING or WAITING (cancelled meanwhile, or closed by an earlier attempt): it cannot be closed. */
export class RunNotOpen extends Error {
  override readonly name = 'Stagecraft.RunNotOpen';
}

/** A run the loop guard stopped before it started (docs/ARCHITECTURE.md §5): recorded as the run it would have been. */
export interface LoopStoppedRun {
  automationId: string;
  automationVersion?: number;
  runId: string;
  trigger: string;
  entityType: string;
  entityId: string;
  at: string;
  reason: string;
  depth: number;
  causedBy: string;
}

/** The executions a run is on: the one that enrolled it (or continued its wait), and a redrive's. */
export interface RunExecutions {
  executionId: string;
  redriveExecutionId?: string;
}

/**
 * One redrive of a run: when, from which step, with which automation version, and the failure it followed as the
 * run showed it (the run's own error, cause and failed step are cleared for the new attempt).
 */
export interface RedriveEntry {
  at: string;
  fromStep: string;
  automationVersion?: number;
  failedStep?: string;
  error?: string;
  cause?: string;
}

/** The run attribute naming the execution a redrive started. */
const REDRIVE_EXECUTION = 'redriveExecutionId';

/** The attribute of a run's first step item that keeps the run's trigger event (as JSON text). */
const RUN_INPUT = 'runInput';
/** The attribute of a first action's step item that keeps Check conditions' line (CheckedStep). */
const CHECKED = 'checkedStep';

function stepRecordOf(item: Record<string, unknown>): StepRecord & { checked?: CheckedStep } {
  const { pk: _pk, sk: _sk, itemKind: _kind, [RUN_INPUT]: _input, [CHECKED]: checked, ...step } = item;
  return { ...step, attempts: Number(step.attempts ?? 1), ...(checked ? { checked: checked as CheckedStep } : {}) } as StepRecord & { checked?: CheckedStep };
}

function toRun(item: Record<string, unknown>): RunRecord {
  const run: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!itemOnlyAttributes.has(key)) run[key] = value;
  run.actionsCompleted = Number(run.actionsCompleted ?? 0);
  run.actionsTotal = Number(run.actionsTotal ?? 0);
  return run as unknown as RunRecord;
}

export function createRunLog(table: TableRef) {
  const { client, tableName } = table;

  async function get(automationId: string, runId: string): Promise<RunRecord | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: runKey(automationId, runId), ConsistentRead: true }));
    return result.Item ? toRun(result.Item) : undefined;
  }

  /** Newest first. A date range and a status are key conditions; a record filter reads the record's own index. */
  async function list(automationId: string, query: RunQuery = {}): Promise<Page<RunRecord>> {
    const from = query.from ?? '0000';
    // Sort keys are `<startedAt>#…`: "~" sorts after them, so a run that started at `to` is in the range.
    const to = query.to ? `${query.to}~` : '9999';
    const byEntity = query.entityId !== undefined;
    const index = byEntity ? runAttributes.byEntity : query.status ? runAttributes.byStatus : runAttributes.byAutomation;
    const partition = query.status ? automationRunsByStatusKey(automationId, query.status) : automationRunsKey(automationId);
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':from': from, ':to': to };
    const names: Record<string, string> = { '#pk': index.pk, '#sk': index.sk };
    if (byEntity) {
      filters.push('#automationId = :automationId');
      names['#automationId'] = runAttributes.automationId;
      values[':automationId'] = automationId;
      if (query.status) {
        filters.push('#status = :status');
        names['#status'] = runAttributes.status;
        values[':status'] = query.status;
      }
    }
    values[':pk'] = partition;
    const limit = query.limit ?? 50;
    const input = {
      TableName: tableName,
      IndexName: indexName(index.pk),
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: names,
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ScanIndexForward: false,
    };
    if (!byEntity) {
      const page = await fillPage(client, { ...input, ExpressionAttributeValues: values }, limit, query.cursor);
      return { items: page.items.map(toRun), ...(page.cursor ? { cursor: page.cursor } : {}) };
    }
    // A record's runs are kept under its type; a document trigger's runs may be about any owner type.
    const types = query.entityTypes ?? [];
    if (types.length === 1) {
      const page = await fillPage(client, { ...input, ExpressionAttributeValues: { ...values, ':pk': entityRunsKey(types[0]!, query.entityId ?? '') } }, limit, query.cursor);
      return { items: page.items.map(toRun), ...(page.cursor ? { cursor: page.cursor } : {}) };
    }
    const items: Record<string, unknown>[] = [];
    for (const type of types) {
      const page = await fillPage(client, { ...input, ExpressionAttributeValues: { ...values, ':pk': entityRunsKey(type, query.entityId ?? '') } }, limit, undefined);
      items.push(...page.items);
    }
    items.sort((a, b) => String(b[index.sk]).localeCompare(String(a[index.sk])));
    return { items: items.slice(0, limit).map(toRun) };
  }

  /** Every run, by automation, record or date (newest first). A status is a filter within the range. */
  async function listAll(query: AllRunsQuery): Promise<Page<RunRecord>> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':from': query.from ?? '0000', ':to': query.to ? `${query.to}~` : '9999' };
    const filters: string[] = [];
    let index: { pk: string; sk: string };
    if (query.entityType !== undefined && query.entityId !== undefined) {
      index = runAttributes.byEntity;
      values[':pk'] = entityRunsKey(query.entityType, query.entityId);
      if (query.automationId !== undefined) {
        filters.push('#automationId = :automationId');
        names['#automationId'] = runAttributes.automationId;
        values[':automationId'] = query.automationId;
      }
    } else if (query.automationId !== undefined) {
      index = query.status ? runAttributes.byStatus : runAttributes.byAutomation;
      values[':pk'] = query.status ? automationRunsByStatusKey(query.automationId, query.status) : automationRunsKey(query.automationId);
    } else {
      index = runAttributes.all;
      values[':pk'] = ALL_RUNS_KEY;
    }
    const statusIsKey = index === runAttributes.byStatus;
    if (query.status && !statusIsKey) {
      filters.push('#status = :status');
      names['#status'] = runAttributes.status;
      values[':status'] = query.status;
    }
    names['#pk'] = index.pk;
    names['#sk'] = index.sk;
    const page = await fillPage(
      client,
      {
        TableName: tableName,
        IndexName: indexName(index.pk),
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ScanIndexForward: false,
      },
      query.limit ?? 50,
      query.cursor,
    );
    return { items: page.items.map(toRun), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /**
   * A step attempt ended: with what it did, or with the error that ended it. One write per attempt (attempts are
   * counted); an attempt that never reports (a timeout, a crash) is told by the run record's failed step.
   * A success is written once per execution: a retried Task (its answer was lost) or a replayed execution finds
   * its step done and keeps what the first attempt did (only the attempt is counted); `recordStep` then answers
   * that earlier entry, undefined when it wrote this one.
   */
  async function recordStep(automationId: string, runId: string, step: StepWrite): Promise<StepRecord | undefined> {
    try {
      await client.send(new UpdateCommand(stepUpdate(automationId, runId, step)));
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return countAttempt(automationId, runId, step.order);
    }
  }

  /** An attempt of a step recorded already (a retried Task): counted, and the step as recorded answered. */
  async function countAttempt(automationId: string, runId: string, order: number): Promise<StepRecord> {
    const counted = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: runStepKey(automationId, runId, order),
        UpdateExpression: 'ADD attempts :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const { checked: _checked, ...earlier } = stepRecordOf(counted.Attributes ?? {});
    return earlier;
  }

  /**
   * The step's log line in the same transaction as the record change it describes (an action's update or
   * create), and for the run's last action the run's close: the change, its line and the close are written
   * together or not at all. The line (and the close's summary) is built from the record as written. When this
   * execution recorded the step already (a retried Task), the transaction is refused whole and the write throws
   * StepRecordedAlready: the change is not made twice, and countAttempt tells what the step did. When the run is
   * closed already (cancelled meanwhile), it throws RunNotOpen and nothing is written.
   */
  function stepAlongside(
    automationId: string,
    runId: string,
    lineOf: (record: Entity) => { step: StepWrite; close?: RunClose },
    onWritten: () => void,
  ): WrittenAlongside {
    return {
      items: (record) => {
        const { step, close } = lineOf(record);
        return [{ Update: stepUpdate(automationId, runId, step) }, ...(close ? [{ Update: runCloseUpdate(tableName, { automationId, runId }, close) }] : [])];
      },
      refused: (index) =>
        index === 0 ? new StepRecordedAlready(`a step of run ${runId} was recorded by this execution already`) : new RunNotOpen(`run ${runId} is closed already`),
      written: onWritten,
    };
  }

  /** The last action closes its run (runs.ts runCloseUpdate); RunNotOpen when the run was closed already. */
  async function closeRun(automationId: string, runId: string, close: RunClose): Promise<void> {
    try {
      await client.send(new UpdateCommand(runCloseUpdate(tableName, { automationId, runId }, close)));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new RunNotOpen(`run ${runId} is closed already`);
      throw error;
    }
  }

  /** The update that writes a step attempt; a success only if this execution has not recorded one (see recordStep). */
  function stepUpdate(automationId: string, runId: string, step: StepWrite) {
    const names: Record<string, string> = { '#order': 'order', '#name': 'name', '#status': 'status' };
    const values: Record<string, unknown> = {
      ':kind': 'runStep',
      ':order': step.order,
      ':name': step.name,
      ':status': step.status,
      ':startedAt': step.startedAt,
      ':endedAt': step.endedAt,
      ':executionId': step.executionId,
      ':one': 1,
    };
    const sets = [
      'itemKind = :kind',
      '#order = :order',
      '#name = :name',
      '#status = :status',
      // The first attempt's start: a retried step started then.
      'startedAt = if_not_exists(startedAt, :startedAt)',
      'endedAt = :endedAt',
      'executionId = :executionId',
    ];
    const removes: string[] = [];
    if (step.automationVersion !== undefined) {
      sets.push('automationVersion = :version');
      values[':version'] = step.automationVersion;
    }
    if (step.input !== undefined) {
      sets.push(`${RUN_INPUT} = if_not_exists(${RUN_INPUT}, :input)`);
      values[':input'] = JSON.stringify(step.input);
    }
    // Check conditions' line, when its first action writes it: set, never removed (a redrive that starts at
    // this action keeps the line its run had).
    if (step.checked !== undefined) {
      names['#checked'] = CHECKED;
      sets.push('#checked = :checked');
      values[':checked'] = step.checked;
    }
    for (const field of ['outcome', 'error', 'cause', 'actor'] as const) {
      names[`#${field}`] = field;
      if (step[field] === undefined) {
        removes.push(`#${field}`);
        continue;
      }
      values[`:${field}`] = step[field];
      sets.push(`#${field} = :${field}`);
    }
    const once = step.status === 'SUCCEEDED';
    if (once) values[':succeeded'] = 'SUCCEEDED';
    return {
      TableName: tableName,
      Key: runStepKey(automationId, runId, step.order),
      UpdateExpression: `SET ${sets.join(', ')} ADD attempts :one${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ...(once ? { ConditionExpression: 'attribute_not_exists(#status) OR #status <> :succeeded OR executionId <> :executionId' } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  /** The run's steps as run-action recorded them, in order. */
  async function steps(automationId: string, runId: string): Promise<StepRecord[]> {
    const recorded = (await stepItems(automationId, runId)).map(stepRecordOf);
    // Check conditions' line kept on its first action's item is a step of its own; attempts it wrote itself (its
    // failures before, or an attempt of a later execution) count with it, and the later one says how it ended.
    for (const { checked } of recorded.filter((entry) => entry.checked)) {
      if (!checked) continue;
      const line: StepRecord = { ...checked, order: stepOrder.checkConditions, status: 'SUCCEEDED', attempts: 1 };
      const index = recorded.findIndex((entry) => entry.order === stepOrder.checkConditions);
      const own = recorded[index];
      if (!own) recorded.push(line);
      else if ((own.endedAt ?? '') <= checked.endedAt) recorded[index] = { ...line, startedAt: own.startedAt, attempts: own.attempts + 1 };
      else own.attempts += 1;
    }
    return recorded.map(({ checked: _checked, ...step }) => step).sort((a, b) => a.order - b.order);
  }

  async function stepItems(automationId: string, runId: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': runKey(automationId, runId).pk, ':prefix': STEP_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** The trigger event a run started from, kept with its first step: a redrive starts from it after the execution's history is gone. */
  async function input(automationId: string, runId: string): Promise<unknown | undefined> {
    const kept = (await stepItems(automationId, runId)).find((item) => typeof item[RUN_INPUT] === 'string');
    return kept ? JSON.parse(kept[RUN_INPUT] as string) : undefined;
  }

  /** The loop guard kept a run from starting: recorded once per automation and event, with its reason. */
  async function recordLoopStopped(run: LoopStoppedRun): Promise<boolean> {
    const startedAt = run.at;
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...runKey(run.automationId, run.runId),
            [runAttributes.kind]: RUN_ITEM_KIND,
            automationId: run.automationId,
            ...(run.automationVersion === undefined ? {} : { automationVersion: run.automationVersion }),
            runId: run.runId,
            triggerEventId: run.runId,
            trigger: run.trigger,
            executionId: '',
            entityType: run.entityType,
            entityId: run.entityId,
            status: 'LOOP_STOPPED',
            startedAt,
            endedAt: startedAt,
            actionsCompleted: 0,
            actionsTotal: 0,
            reason: run.reason,
            loopDepth: run.depth,
            causedBy: run.causedBy,
            [runAttributes.byAutomation.pk]: automationRunsKey(run.automationId),
            [runAttributes.byAutomation.sk]: runSortKey(startedAt, run.runId),
            [runAttributes.byEntity.pk]: entityRunsKey(run.entityType, run.entityId),
            [runAttributes.byEntity.sk]: entityRunSortKey(startedAt, run.automationId, run.runId),
            [runAttributes.byStatus.pk]: automationRunsByStatusKey(run.automationId, 'LOOP_STOPPED'),
            [runAttributes.byStatus.sk]: runSortKey(startedAt, run.runId),
            [runAttributes.all.pk]: ALL_RUNS_KEY,
            [runAttributes.all.sk]: entityRunSortKey(startedAt, run.automationId, run.runId),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Plan wait: the run now waits until `dueAt`. Only a RUNNING run becomes WAITING (a retry changes nothing). */
  async function markWaiting(automationId: string, runId: string, dueAt: string, executionId: string): Promise<void> {
    // A wait past a year goes on in a new execution: the record follows it.
    await change(runStatusUpdate(tableName, { automationId, runId }, runTransitions.wait, { [runAttributes.dueAt]: dueAt, [runAttributes.executionId]: executionId }));
  }

  /**
   * A redriven run: FAILED → RUNNING, the old failure cleared from the run and kept in its redrive entry, the new
   * execution noted as `redriveExecutionId` (not `executionId`, which Enroll compares to tell a retry of its own put).
   */
  async function markRedriven(automationId: string, runId: string, redrive: RedriveEntry): Promise<boolean> {
    return change(runRedriveUpdate(tableName, { automationId, runId }, redrive));
  }

  /**
   * A redrive runs the failed step again in a new execution: its line starts over (the redrive's time, no attempts
   * counted), so it tells the new attempt's start and attempts, not the failed execution's. The failure itself is
   * kept in the run's `redrives[]`. Only a line still FAILED changes.
   */
  async function restartStep(automationId: string, runId: string, order: number, at: string): Promise<void> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: runStepKey(automationId, runId, order),
          UpdateExpression: 'SET startedAt = :at, attempts = :none REMOVE endedAt',
          ConditionExpression: '#status = :failed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': at, ':none': 0, ':failed': 'FAILED' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Check conditions after a wait: the run is under way again. */
  async function markResumed(automationId: string, runId: string): Promise<void> {
    await change(runStatusUpdate(tableName, { automationId, runId }, runTransitions.resume, {}));
  }

  /**
   * A cancelled run (its record left the stage, its automation stopped, an admin cancelled it); false when it was
   * not open. With `on`, only while the run is still on the executions that were stopped: a run that moved to
   * another (a wait continued past a year, a redrive started meanwhile) is refused, to be stopped there too.
   */
  async function markCancelled(automationId: string, runId: string, reason: string, endedAt: string, on?: RunExecutions): Promise<boolean> {
    const update = runStatusUpdate(tableName, { automationId, runId }, runTransitions.cancel, { [runAttributes.reason]: reason, [runAttributes.endedAt]: endedAt });
    if (!on) return change(update);
    const redrive = on.redriveExecutionId === undefined ? 'attribute_not_exists(#onRedrive)' : '#onRedrive = :onRedrive';
    return change({
      ...update,
      ConditionExpression: `${update.ConditionExpression} AND #onExecution = :onExecution AND ${redrive}`,
      ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#onExecution': runAttributes.executionId, '#onRedrive': REDRIVE_EXECUTION },
      ExpressionAttributeValues: {
        ...update.ExpressionAttributeValues,
        ':onExecution': on.executionId,
        ...(on.redriveExecutionId === undefined ? {} : { ':onRedrive': on.redriveExecutionId }),
      },
    });
  }

  /** An execution that ended without its state machine closing the record (timeout, failure outside a Catch). */
  async function markEnded(automationId: string, runId: string, status: 'FAILED', fields: Record<string, string>): Promise<void> {
    await change(runStatusUpdate(tableName, { automationId, runId }, runTransitions.endOutside, fields, status));
  }

  /** Sends a conditional status change; false when the run was not in a status it may change from. */
  async function change(update: UpdateCommandInput): Promise<boolean> {
    try {
      await client.send(new UpdateCommand(update));
      return true;
    } catch (error) {
      // The run moved on already (or another delivery did this): nothing to change.
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * The execution a redrive started; the run's steps are read from it. Answers the run as it is then: one cancelled
   * between the redrive's mark and this note was cancelled before its new execution was known, which is stopped next.
   */
  async function noteRedriveExecution(automationId: string, runId: string, executionId: string): Promise<RunRecord | undefined> {
    const noted = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: runKey(automationId, runId),
        UpdateExpression: 'SET #redriveExecution = :executionId',
        ExpressionAttributeNames: { '#redriveExecution': REDRIVE_EXECUTION },
        ExpressionAttributeValues: { ':executionId': executionId },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return noted.Attributes ? toRun(noted.Attributes) : undefined;
  }

  /**
   * Notes that actions up to `completed` are done, with what the last one did in a line; never lowers the count,
   * so a retried step counts (and is summarised) once.
   */
  async function countActions(automationId: string, runId: string, completed: number, summary?: string): Promise<void> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: runKey(automationId, runId),
          UpdateExpression: `SET #done = :done${summary === undefined ? '' : ', #summaries = list_append(if_not_exists(#summaries, :none), :summary)'}`,
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#done) OR #done < :done)',
          ExpressionAttributeNames: { '#done': runAttributes.actionsCompleted, ...(summary === undefined ? {} : { '#summaries': runAttributes.summaries }) },
          ExpressionAttributeValues: { ':done': completed, ...(summary === undefined ? {} : { ':none': [], ':summary': [summary] }) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  return {
    get,
    list,
    listAll,
    markWaiting,
    markRedriven,
    restartStep,
    noteRedriveExecution,
    markResumed,
    markCancelled,
    markEnded,
    countActions,
    recordStep,
    countAttempt,
    closeRun,
    stepAlongside,
    steps,
    input,
    recordLoopStopped,
  };
}

function indexName(partitionAttribute: string): string {
  return partitionAttribute.replace(/pk$/, '');
}

export type RunLog = ReturnType<typeof createRunLog>;
