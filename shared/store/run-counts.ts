// How many runs of an automation started in a window, per status: the counts above the run log.
// One COUNT query per status on the automation's by-status index, so no run item leaves the table.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '#shared/ports.ts';
import { type RunStatus, automationRunsByStatusKey, runAttributes, runStatuses } from './runs.ts';

export type RunCounts = Record<RunStatus, number>;

export function createRunCounts(table: TableRef) {
  const { client, tableName } = table;
  const index = runAttributes.byStatus;

  async function countOne(automationId: string, status: RunStatus, from: string, to: string): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.pk.replace(/pk$/, ''),
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': index.pk, '#sk': index.sk },
          ExpressionAttributeValues: { ':pk': automationRunsByStatusKey(automationId, status), ':from': from, ':to': to },
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      count += result.Count ?? 0;
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  /** Counts per status of the runs that started between `from` and `to` (either open). */
  async function count(automationId: string, window: { from?: string; to?: string }): Promise<RunCounts> {
    const from = window.from ?? '0000';
    const to = window.to ?? '9999';
    const counts = await Promise.all(runStatuses.map((status) => countOne(automationId, status, from, to)));
    return Object.fromEntries(runStatuses.map((status, position) => [status, counts[position] ?? 0])) as RunCounts;
  }

  return { count };
}
