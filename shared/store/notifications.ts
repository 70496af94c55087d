// In-app notifications (the `notify` action): a user's inbox, newest first.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, TableRef } from '#shared/ports.ts';
import { decodeCursor, encodeCursor, fromCursor, type Page } from './cursor.ts';
import { notificationKey, notificationPartition } from './keys.ts';

export interface Notification {
  id: string;
  userId: string;
  message: string;
  at: string;
  from: { automationId?: string; runId?: string };
}

export function createNotifications(table: TableRef, clock: Clock) {
  const { client, tableName } = table;

  /** Idempotent by id: a retried step leaves one notification. */
  async function add(notification: Omit<Notification, 'at'>): Promise<{ notification: Notification; created: boolean }> {
    const item = { ...notification, at: clock.now().toISOString() };
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...notificationKey(notification.userId, notification.id), itemKind: 'notification', ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { notification: item, created: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { notification: item, created: false };
      throw error;
    }
  }

  async function list(userId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<Notification>> {
    const result = await fromCursor(options.cursor, () =>
      client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': notificationPartition(userId) },
        ScanIndexForward: false,
        Limit: options.limit ?? 50,
        ExclusiveStartKey: decodeCursor(options.cursor),
      }),
      ),
    );
    const items = (result.Items ?? []).map(({ pk: _pk, sk: _sk, itemKind: _kind, ...rest }) => rest as Notification);
    return { items, cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  return { add, list };
}

export type Notifications = ReturnType<typeof createNotifications>;
