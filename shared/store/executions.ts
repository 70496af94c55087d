// Local mode's state machines, executions and durable waits, kept in the table so a
// restart loses no run and a six-month wait survives it (DESIGN §9). On AWS, Step
// Functions keeps all of this itself.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '#shared/ports.ts';
import { WAITS_INDEX_KEY, executionKey, stateMachinePartition, stateMachineVersionKey, waitKey } from './keys.ts';

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
          Item: { ...executionKey(record.executionId), itemKind: 'execution', ...record },
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
    if (!result.Item) return undefined;
    const { pk: _pk, sk: _sk, itemKind: _kind, ...record } = result.Item;
    return record as ExecutionRecord;
  }

  async function save(record: ExecutionRecord): Promise<void> {
    const steps = record.steps.length > MAX_STEPS ? record.steps.slice(-MAX_STEPS) : record.steps;
    await client.send(
      new PutCommand({ TableName: tableName, Item: { ...executionKey(record.executionId), itemKind: 'execution', ...record, steps } }),
    );
  }

  async function checkpoint(executionId: string, state: string, input: unknown): Promise<void> {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: executionKey(executionId),
        UpdateExpression: 'SET #checkpoint = :checkpoint',
        ExpressionAttributeNames: { '#checkpoint': 'checkpoint' },
        ExpressionAttributeValues: { ':checkpoint': { state, input } },
      }),
    );
  }

  async function putWait(wait: WaitRecord): Promise<void> {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...waitKey(wait.executionId), itemKind: 'wait', ...wait, gsi1pk: WAITS_INDEX_KEY, gsi1sk: `${wait.dueAt}#${wait.executionId}` },
      }),
    );
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

  return { publishVersion, latestVersion, definitionAt, create, get, save, checkpoint, putWait, claimWait, dueWaits };
}

export type Executions = ReturnType<typeof createExecutions>;
