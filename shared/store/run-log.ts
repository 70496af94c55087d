// The run log's index: run records by automation and date range (optionally one
// status), by record, and one by id; plus the progress run-action notes on them. The
// compiled state machine creates and closes run records (shared/automation/compile.ts).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '#shared/ports.ts';
import { fillPage, type Page } from './cursor.ts';
import {
  type RunRecord,
  type RunStatus,
  automationRunsByStatusKey,
  automationRunsKey,
  entityRunsKey,
  runAttributes,
  runKey,
} from './runs.ts';
import { itemOnlyAttributes } from './keys.ts';

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
    const to = query.to ? `${query.to}` : '9999';
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

  /** Plan wait: the run now waits until `dueAt`. Only a RUNNING run becomes WAITING (a retry changes nothing). */
  async function markWaiting(automationId: string, runId: string, dueAt: string, executionId: string): Promise<void> {
    // A wait past a year goes on in a new execution: the record follows it.
    await setStatus(automationId, runId, 'WAITING', ['RUNNING', 'WAITING'], { [runAttributes.dueAt]: dueAt, [runAttributes.executionId]: executionId });
  }

  /**
   * A redriven run: FAILED → RUNNING, the old failure cleared, the new execution noted as
   * `redriveExecutionId` (not `executionId`, which Enroll compares to tell a retry of its own put).
   */
  async function markRedriven(automationId: string, runId: string): Promise<boolean> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: runKey(automationId, runId),
          UpdateExpression: 'SET #status = :running, #byStatus = :byStatus REMOVE #error, #errorCause, #endedAt',
          ConditionExpression: '#status = :failed',
          ExpressionAttributeNames: {
            '#status': runAttributes.status,
            '#byStatus': runAttributes.byStatus.pk,
            '#error': runAttributes.error,
            '#errorCause': runAttributes.errorCause,
            '#endedAt': runAttributes.endedAt,
          },
          ExpressionAttributeValues: {
            ':running': 'RUNNING',
            ':failed': 'FAILED',
            ':byStatus': automationRunsByStatusKey(automationId, 'RUNNING'),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Check conditions after a wait: the run is under way again. */
  async function markResumed(automationId: string, runId: string): Promise<void> {
    await setStatus(automationId, runId, 'RUNNING', ['WAITING'], {});
  }

  /** A cancelled waiting run (its record left the stage, or its automation stopped). */
  async function markCancelled(automationId: string, runId: string, reason: string, endedAt: string): Promise<void> {
    await setStatus(automationId, runId, 'CANCELLED', ['WAITING', 'RUNNING'], { [runAttributes.reason]: reason, [runAttributes.endedAt]: endedAt });
  }

  /** An execution that ended without its state machine closing the record (timeout, abort). */
  async function markEnded(automationId: string, runId: string, status: RunStatus, fields: Record<string, string>): Promise<void> {
    await setStatus(automationId, runId, status, ['WAITING', 'RUNNING'], fields);
  }

  async function setStatus(automationId: string, runId: string, status: RunStatus, from: RunStatus[], fields: Record<string, string>): Promise<void> {
    const names: Record<string, string> = { '#status': runAttributes.status, '#byStatus': runAttributes.byStatus.pk };
    const values: Record<string, unknown> = {
      ':status': status,
      ':byStatus': automationRunsByStatusKey(automationId, status),
      ...Object.fromEntries(from.map((value, index) => [`:from${index}`, value])),
    };
    const sets = ['#status = :status', '#byStatus = :byStatus'];
    Object.entries(fields).forEach(([field, value], index) => {
      names[`#f${index}`] = field;
      values[`:f${index}`] = value;
      sets.push(`#f${index} = :f${index}`);
    });
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: runKey(automationId, runId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      // The run moved on already (or another delivery did this): nothing to change.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The execution a redrive started; the run's steps are read from it. */
  async function noteRedriveExecution(automationId: string, runId: string, executionId: string): Promise<void> {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: runKey(automationId, runId),
        UpdateExpression: 'SET redriveExecutionId = :executionId',
        ExpressionAttributeValues: { ':executionId': executionId },
      }),
    );
  }

  /** Notes that actions up to `completed` are done; never lowers the count, so a retried step counts once. */
  async function countActions(automationId: string, runId: string, completed: number): Promise<void> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: runKey(automationId, runId),
          UpdateExpression: 'SET #done = :done',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#done) OR #done < :done)',
          ExpressionAttributeNames: { '#done': runAttributes.actionsCompleted },
          ExpressionAttributeValues: { ':done': completed },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  return { get, list, markWaiting, markRedriven, noteRedriveExecution, markResumed, markCancelled, markEnded, countActions };
}

function indexName(partitionAttribute: string): string {
  return partitionAttribute.replace(/pk$/, '');
}

export type RunLog = ReturnType<typeof createRunLog>;
