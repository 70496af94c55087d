// The exceptions list: normalised e-mails and phones that must never be stored on a
// contact or lead, nor mailed. Record writes check it inside their own transaction.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Actor } from '#shared/domain/actors.ts';
import type { ContactPointKind } from '#shared/domain/contact-points.ts';
import type { Clock, TableRef } from '#shared/ports.ts';
import { decodeCursor, encodeCursor, fromCursor, type Page } from './cursor.ts';
import { EXCEPTIONS_INDEX_KEY, exceptionKey } from './keys.ts';

export interface ExceptionEntry {
  value: string;
  kind: ContactPointKind;
  reason?: string;
  addedAt: string;
  addedBy: Actor;
}

const toEntry = (item: Record<string, unknown>): ExceptionEntry => ({
  value: item.value as string,
  kind: item.valueKind as ContactPointKind,
  ...(item.reason ? { reason: item.reason as string } : {}),
  addedAt: item.addedAt as string,
  addedBy: item.addedBy as Actor,
});

export function createExceptions(table: TableRef, clock: Clock) {
  const { client, tableName } = table;

  /** Adds a value; adding one that is there already changes nothing and says so. */
  async function add(
    point: { kind: ContactPointKind; value: string },
    reason: string | undefined,
    actor: Actor,
  ): Promise<{ entry: ExceptionEntry; created: boolean }> {
    const item = {
      ...exceptionKey(point.value),
      itemKind: 'exception',
      value: point.value,
      valueKind: point.kind,
      ...(reason ? { reason } : {}),
      addedAt: clock.now().toISOString(),
      addedBy: actor,
      gsi1pk: EXCEPTIONS_INDEX_KEY,
      gsi1sk: point.value,
    };
    try {
      await client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return { entry: toEntry(item), created: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await get(point.value);
      return { entry: existing ?? toEntry(item), created: false };
    }
  }

  async function get(value: string): Promise<ExceptionEntry | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: exceptionKey(value), ConsistentRead: true }));
    return result.Item ? toEntry(result.Item) : undefined;
  }

  async function remove(value: string): Promise<boolean> {
    const result = await client.send(new DeleteCommand({ TableName: tableName, Key: exceptionKey(value), ReturnValues: 'ALL_OLD' }));
    return result.Attributes !== undefined;
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

  return { add, get, remove, list, excepted };
}

export type Exceptions = ReturnType<typeof createExceptions>;
