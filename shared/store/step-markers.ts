// Once-only side effects of automation steps that create no record (a mail): the step
// claims its marker before acting and releases it if the act failed, so a retried
// step neither repeats a sent mail nor loses one that was never sent.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, TableRef } from '#shared/ports.ts';
import { stepMarkerKey } from './keys.ts';
import { ttlAttribute } from './table.ts';

/** Markers outlive any retry of their step. */
const MARKER_DAYS = 30;

export function createStepMarkers(table: TableRef, clock: Clock) {
  const { client, tableName } = table;

  async function claim(runId: string, step: number): Promise<boolean> {
    const now = clock.now();
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...stepMarkerKey(runId, step), itemKind: 'stepMarker', at: now.toISOString(), [ttlAttribute]: Math.floor(now.getTime() / 1000) + MARKER_DAYS * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async function release(runId: string, step: number): Promise<void> {
    await client.send(new DeleteCommand({ TableName: tableName, Key: stepMarkerKey(runId, step) }));
  }

  return { claim, release };
}

export type StepMarkers = ReturnType<typeof createStepMarkers>;
