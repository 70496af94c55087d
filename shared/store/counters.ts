// Atomic counters and once-only choices for automation steps: a round-robin takes the next number with one
// UpdateItem ADD (never read-then-write, so concurrent runs each get their own), and a retried step finds the
// choice it made the first time instead of taking another number.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, TableRef } from '#shared/ports.ts';
import { counterKey, stepChoiceKey } from './keys.ts';
import { ttlAttribute } from './table.ts';

/** Choices outlive any retry of their step. */
const CHOICE_DAYS = 30;

export function createCounters(table: TableRef, clock: Clock) {
  const { client, tableName } = table;

  /** The counter's next value: 1 the first time. */
  async function next(name: string): Promise<number> {
    const result = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: counterKey(name),
        UpdateExpression: 'ADD #value :one SET itemKind = :kind',
        ExpressionAttributeNames: { '#value': 'value' },
        ExpressionAttributeValues: { ':one': 1, ':kind': 'counter' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.value);
  }

  /** The value this run's step chose before, or the one `choose` gives now, kept for the step's retries. */
  async function chooseOnce(runId: string, step: number, choose: () => Promise<string>): Promise<{ value: string; first: boolean }> {
    const key = stepChoiceKey(runId, step);
    const existing = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    if (typeof existing.Item?.value === 'string') return { value: existing.Item.value, first: false };
    const value = await choose();
    const now = clock.now();
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key, itemKind: 'stepChoice', value, at: now.toISOString(), [ttlAttribute]: Math.floor(now.getTime() / 1000) + CHOICE_DAYS * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { value, first: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const raced = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      return { value: String(raced.Item?.value), first: false };
    }
  }

  return { next, chooseOnce };
}

export type Counters = ReturnType<typeof createCounters>;
