// Local mode's state machines, executions and durable waits, kept in the table so a
// restart loses no run and a six-month wait survives it (docs/ARCHITECTURE.md §9). On AWS, Step
// Functions keeps all of this itself.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '#shared/ports.ts';
import { RUNNING_EXECUTIONS_INDEX_KEY, WAITS_INDEX_KEY, executionKey, stateMachinePartition, stateMachineVersionKey, waitKey } from './keys.ts';

export type ExecutionStatus = 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface ExecutionStep {
  name: string;
  type: string;
  status: 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT';
  startedAt: string;
  endedAt?: string;
  retries?: number;
  error?: string;
  cause?: string;
  dueAt?: string;
}

export interface ExecutionRecord {
  executionId: string;
  stateMachine: string;
  version: number;
  name: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startedAt: string;
  stoppedAt?: string;
  steps: ExecutionStep[];
  /** The last Task entered and its input: where a redrive or a resume after a crash starts. */
  checkpoint?: { state: string; input: unknown };
}

export interface WaitRecord {
  executionId: string;
  nextState: string;
  input: unknown;
  dueAt: string;
}

/** Execution items stay small: the oldest steps give way past this many. */
const MAX_STEPS = 400;

/** Statuses an execution can go on from (a resume, a wait's end, a redrive): only those keep their checkpoint. */
const RESUMABLE: ReadonlySet<ExecutionStatus> = new Set(['RUNNING', 'WAITING', 'FAILED']);

/**
 * The execution item; a RUNNING one is listed in the running index until it stops or pauses. Its JSON payloads
 * (input, output, steps, checkpoint) are stored as JSON text, one string attribute each: DynamoDB Local parses,
 * stores and streams a map attribute by attribute (~150 of them in a one-action run's item, the event three
 * times), a string as one value (docs/local-performance.md). A run that ended and cannot be redriven keeps no
 * checkpoint.
 */
function executionItem(record: ExecutionRecord): Record<string, unknown> {
  const { input, output, steps: allSteps, checkpoint, ...scalars } = record;
  const steps = allSteps.length > MAX_STEPS ? allSteps.slice(-MAX_STEPS) : allSteps;
  const running = record.status === 'RUNNING' ? { gsi1pk: RUNNING_EXECUTIONS_INDEX_KEY, gsi1sk: `${record.startedAt}#${record.executionId}` } : {};
  return {
    ...executionKey(record.executionId),
    itemKind: 'execution',
    ...scalars,
    ...(input === undefined ? {} : { inputJson: JSON.stringify(input) }),
    ...(output === undefined ? {} : { outputJson: JSON.stringify(output) }),
    stepsJson: JSON.stringify(steps),
    ...(checkpoint && RESUMABLE.has(record.status) ? { checkpointJson: JSON.stringify(checkpoint) } : {}),
    ...running,
  };
}

/** The record an execution item holds; an item written before the payloads were JSON text has them as maps. */
function recordOf(item: Record<string, unknown>): ExecutionRecord {
  const { pk: _pk, sk: _sk, itemKind: _kind, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, inputJson, outputJson, stepsJson, checkpointJson, ...record } = item;
  const parsed = (text: unknown) => JSON.parse(text as string) as unknown;
  return {
    ...record,
    ...(inputJson === undefined ? {} : { input: parsed(inputJson) }),
    ...(outputJson === undefined ? {} : { output: parsed(outputJson) }),
    ...(stepsJson === undefined ? {} : { steps: parsed(stepsJson) }),
    ...(checkpointJson === undefined ? {} : { checkpoint: parsed(checkpointJson) }),
  } as ExecutionRecord;
}

function waitItem(wait: WaitRecord): Record<string, unknown> {
  return { ...waitKey(wait.executionId), itemKind: 'wait', ...wait, gsi1pk: WAITS_INDEX_KEY, gsi1sk: `${wait.dueAt}#${wait.executionId}` };
}

export function createExecutions(table: TableRef) {
  const { client, tableName } = table;

  async function publishVersion(name: string, definition: unknown): Promise<number> {
    const latest = await latestVersion(name);
    if (latest && JSON.stringify(latest.definition) === JSON.stringify(definition)) return latest.version;
    const version = (latest?.version ?? 0) + 1;
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...stateMachineVersionKey(name, version), itemKind: 'stateMachineVersion', name, version, definition: JSON.stringify(definition) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Another writer published the same number first; publish after it.
      if (error instanceof ConditionalCheckFailedException) return publishVersion(name, definition);
      throw error;
    }
    return version;
  }

  async function latestVersion(name: string): Promise<{ version: number; definition: unknown } | undefined> {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': stateMachinePartition(name) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = result.Items?.[0];
    return item ? { version: item.version as number, definition: JSON.parse(item.definition as string) } : undefined;
  }

  async function definitionAt(name: string, version: number): Promise<unknown | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: stateMachineVersionKey(name, version), ConsistentRead: true }));
    return result.Item ? JSON.parse(result.Item.definition as string) : undefined;
  }

  /** Creates the execution unless one of that id exists; returns the one that exists. */
  async function create(record: ExecutionRecord): Promise<{ record: ExecutionRecord; created: boolean }> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: executionItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { record, created: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await get(record.executionId);
      if (!existing) throw error;
      return { record: existing, created: false };
    }
  }

  async function get(executionId: string): Promise<ExecutionRecord | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: executionKey(executionId), ConsistentRead: true }));
    return result.Item ? recordOf(result.Item) : undefined;
  }

  async function save(record: ExecutionRecord): Promise<void> {
    await client.send(new PutCommand({ TableName: tableName, Item: executionItem(record) }));
  }

  /** The Task a run has entered, its input, and the steps so far: where a resume after a crash starts. */
  async function checkpoint(executionId: string, state: string, input: unknown, steps?: ExecutionStep[]): Promise<void> {
    const kept = steps && steps.length > MAX_STEPS ? steps.slice(-MAX_STEPS) : steps;
    // The maps an item written before the JSON text attributes may still hold go (they would shadow nothing, but weigh).
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: executionKey(executionId),
        UpdateExpression: `SET checkpointJson = :checkpoint${kept ? ', stepsJson = :steps' : ''} REMOVE #checkpoint${kept ? ', #steps' : ''}`,
        ExpressionAttributeNames: { '#checkpoint': 'checkpoint', ...(kept ? { '#steps': 'steps' } : {}) },
        ExpressionAttributeValues: { ':checkpoint': JSON.stringify({ state, input }), ...(kept ? { ':steps': JSON.stringify(kept) } : {}) },
      }),
    );
  }

  /** Records a run as WAITING and its timer in one transaction: neither exists without the other. */
  async function pause(record: ExecutionRecord, wait: WaitRecord): Promise<void> {
    await client.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: tableName, Item: executionItem(record) } }, { Put: { TableName: tableName, Item: waitItem(wait) } }],
      }),
    );
  }

  /**
   * Consumes a timer: the run, now RUNNING from its checkpoint after the wait, is recorded in the
   * same transaction that deletes the timer, so a crash leaves one or the other, never neither.
   * False when the run was no longer WAITING or its timer was taken already.
   */
  async function continueAfterWait(record: ExecutionRecord): Promise<boolean> {
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: executionItem(record),
                ConditionExpression: '#status = :waiting',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':waiting': 'WAITING' },
              },
            },
            { Delete: { TableName: tableName, Key: waitKey(record.executionId), ConditionExpression: 'attribute_exists(pk)' } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  /** Executions recorded as RUNNING, oldest first (all of them: a start resumes each). */
  async function running(): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': RUNNING_EXECUTIONS_INDEX_KEY },
          ProjectionExpression: 'executionId',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      ids.push(...(page.Items ?? []).map((item) => item.executionId as string));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  /** Takes a wait off the timer list; only the caller that removed it resumes the run. */
  async function claimWait(executionId: string): Promise<WaitRecord | undefined> {
    const result = await client.send(new DeleteCommand({ TableName: tableName, Key: waitKey(executionId), ReturnValues: 'ALL_OLD' }));
    if (!result.Attributes) return undefined;
    const { executionId: id, nextState, input, dueAt } = result.Attributes;
    return { executionId: id as string, nextState: nextState as string, input, dueAt: dueAt as string };
  }

  async function dueWaits(now: Date, limit = 50): Promise<WaitRecord[]> {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':pk': WAITS_INDEX_KEY, ':now': `${now.toISOString()}~` },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => ({
      executionId: item.executionId as string,
      nextState: item.nextState as string,
      input: item.input,
      dueAt: item.dueAt as string,
    }));
  }

  /** How many runs sit on a durable wait (counted on the index, nothing read). */
  async function waitingCount(): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': WAITS_INDEX_KEY },
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  return { publishVersion, latestVersion, definitionAt, create, get, save, checkpoint, pause, continueAfterWait, running, claimWait, dueWaits, waitingCount };
}

export type Executions = ReturnType<typeof createExecutions>;
