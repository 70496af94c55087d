// Reads that answer "who else has this e-mail or phone?" and "what did this actor do?"
// from the lookup and history items that record writes keep in step.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactPointKind } from '#shared/domain/contact-points.ts';
import type { EntityType } from '#shared/domain/entities.ts';
import type { TableRef } from '#shared/ports.ts';
import { actorIndexKey, contactPointPartition } from './keys.ts';
import type { HistoryAction } from './records.ts';

export type ActionCounts = Record<HistoryAction, number>;

export function createLookups(table: TableRef) {
  const { client, tableName } = table;

  /** Records carrying a normalised e-mail or phone (duplicate hints). */
  async function byContactPoint(kind: ContactPointKind, value: string): Promise<Array<{ type: EntityType; id: string }>> {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': contactPointPartition(kind, value) },
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((item) => ({ type: item.recordType as EntityType, id: item.recordId as string }));
  }

  /** How many records an actor created, updated, deleted and moved between stages in [from, to). */
  async function actionCounts(actorId: string, from: string, to: string): Promise<ActionCounts> {
    const counts: ActionCounts = { created: 0, updated: 0, deleted: 0, stageChanged: 0 };
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': actorIndexKey(actorId), ':from': from, ':to': to },
          ProjectionExpression: '#action, gsi1sk',
          ExpressionAttributeNames: { '#action': 'action' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        // BETWEEN is inclusive and sort keys are `<at>#<id>`; `to` itself is excluded.
        if (String(item.gsi1sk) >= to) continue;
        const action = item.action as HistoryAction;
        if (action in counts) counts[action] += 1;
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return counts;
  }

  return { byContactPoint, actionCounts };
}

export type Lookups = ReturnType<typeof createLookups>;
