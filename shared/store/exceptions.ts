// The exceptions list: normalised e-mails and phones that must never be stored on a
// contact or lead, nor mailed. Record writes check it inside their own transaction.
// Each addition and removal is logged beside the value, with who and why, in the same
// transaction as the change, and the log stays after the value is removed.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '#shared/domain/actors.ts';
import type { ContactPointKind } from '#shared/domain/contact-points.ts';
import type { Clock, Ids, TableRef } from '#shared/ports.ts';
import { decodeCursor, encodeCursor, fromCursor, type Page } from './cursor.ts';
import { EXCEPTIONS_INDEX_KEY, HISTORY_PREFIX, exceptionHistoryKey, exceptionKey, exceptionPartition } from './keys.ts';

export interface ExceptionEntry {
  value: string;
  kind: ContactPointKind;
  reason?: string;
  addedAt: string;
  addedBy: Actor;
}

export interface ExceptionChange {
  at: string;
  action: 'added' | 'removed';
  actor: Actor;
  reason?: string;
}

const toEntry = (item: Record<string, unknown>): ExceptionEntry => ({
  value: item.value as string,
  kind: item.valueKind as ContactPointKind,
  ...(item.reason ? { reason: item.reason as string } : {}),
  addedAt: item.addedAt as string,
  addedBy: item.addedBy as Actor,
});

const toChange = (item: Record<string, unknown>): ExceptionChange => ({
  at: item.at as string,
  action: item.action as ExceptionChange['action'],
  actor: item.actor as Actor,
  ...(item.reason ? { reason: item.reason as string } : {}),
});

const lostCondition = (error: unknown) =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';

export function createExceptions(table: TableRef, clock: Clock, ids: Ids) {
  const { client, tableName } = table;

  function logPut(value: string, change: ExceptionChange) {
    return {
      Put: {
        TableName: tableName,
        Item: { ...exceptionHistoryKey(value, ids.next()), itemKind: 'exceptionHistory', value, ...change },
      },
    };
  }

  /** Adds a value; adding one that is there already changes nothing, logs nothing, and says so. */
  async function add(
    point: { kind: ContactPointKind; value: string },
    reason: string | undefined,
    actor: Actor,
  ): Promise<{ entry: ExceptionEntry; created: boolean }> {
    const at = clock.now().toISOString();
    const item = {
      ...exceptionKey(point.value),
      itemKind: 'exception',
      value: point.value,
      valueKind: point.kind,
      ...(reason ? { reason } : {}),
      addedAt: at,
      addedBy: actor,
      gsi1pk: EXCEPTIONS_INDEX_KEY,
      gsi1sk: point.value,
    };
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            logPut(point.value, { at, action: 'added', actor, ...(reason ? { reason } : {}) }),
          ],
        }),
      );
      return { entry: toEntry(item), created: true };
    } catch (error) {
      if (!lostCondition(error)) throw error;
      const existing = await get(point.value);
      return { entry: existing ?? toEntry(item), created: false };
    }
  }

  async function get(value: string): Promise<ExceptionEntry | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: exceptionKey(value), ConsistentRead: true }));
    return result.Item ? toEntry(result.Item) : undefined;
  }

  /** Removes a value and logs who did and why; false when it was not on the list (nothing logged). */
  async function remove(value: string, actor: Actor, reason?: string): Promise<boolean> {
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: tableName, Key: exceptionKey(value), ConditionExpression: 'attribute_exists(pk)' } },
            logPut(value, { at: clock.now().toISOString(), action: 'removed', actor, ...(reason ? { reason } : {}) }),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (lostCondition(error)) return false;
      throw error;
    }
  }

  /** Additions and removals of one value, newest first; kept after the value left the list. */
  async function history(value: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<ExceptionChange>> {
    const result = await fromCursor(options.cursor, () =>
      client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': exceptionPartition(value), ':prefix': HISTORY_PREFIX },
          ScanIndexForward: false,
          Limit: options.limit ?? 50,
          ExclusiveStartKey: decodeCursor(options.cursor),
        }),
      ),
    );
    return { items: (result.Items ?? []).map(toChange), cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async function list(options: { limit?: number; cursor?: string } = {}): Promise<Page<ExceptionEntry>> {
    const result = await fromCursor(options.cursor, () =>
      client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': EXCEPTIONS_INDEX_KEY },
          Limit: options.limit ?? 50,
          ExclusiveStartKey: decodeCursor(options.cursor),
        }),
      ),
    );
    return { items: (result.Items ?? []).map(toEntry), cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /** The values of `values` that are on the list (SES never mails them). */
  async function excepted(values: string[]): Promise<string[]> {
    const found = await Promise.all(values.map(async (value) => ((await get(value)) ? value : undefined)));
    return found.filter((value): value is string => value !== undefined);
  }

  return { add, get, remove, history, list, excepted };
}

export type Exceptions = ReturnType<typeof createExceptions>;
