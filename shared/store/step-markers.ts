// Once-only side effects of automation steps that create no record (a mail): the step
// claims its marker before acting and releases it if the act failed, so a retried
// step neither repeats a sent mail nor loses one that was never sent.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Clock, TableRef } from '#shared/ports.ts';
import { stepMarkerKey } from './keys.ts';
import { ttlAttribute } from './table.ts';

/** Markers outlive any retry of their step. */
const MARKER_DAYS = 30;

export function createStepMarkers(table: TableRef, clock: Clock) {
  const { client, tableName } = table;

  /**
   * Claims the step's marker: `first` when no earlier attempt holds it, and this one may act. `sent` — what this
   * attempt is about to send, as the run log keeps it — stays on the marker, so a retry after a lost answer reports
   * what went out rather than what it renders now (a record changed between the attempts renders differently).
   */
  async function claim(runId: string, step: number, sent?: Record<string, unknown>): Promise<{ first: true } | { first: false; sent?: Record<string, unknown> }> {
    const now = clock.now();
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...stepMarkerKey(runId, step),
            itemKind: 'stepMarker',
            at: now.toISOString(),
            ...(sent ? { sent } : {}),
            [ttlAttribute]: Math.floor(now.getTime() / 1000) + MARKER_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          // The earlier attempt's marker comes back with the refusal: no read of its own.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { first: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const held = error.Item ? unmarshall(error.Item) : undefined;
      return { first: false, ...(held?.sent ? { sent: held.sent as Record<string, unknown> } : {}) };
    }
  }

  async function release(runId: string, step: number): Promise<void> {
    await client.send(new DeleteCommand({ TableName: tableName, Key: stepMarkerKey(runId, step) }));
  }

  return { claim, release };
}

export type StepMarkers = ReturnType<typeof createStepMarkers>;
