// Run records as the compiled state machine leaves them, written straight to the table: a run log of
// any size without running thousands of executions (the run log tests and the bench read them).
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '#shared/ports.ts';
import {
  type RunRecord,
  automationRunsByStatusKey,
  automationRunsKey,
  entityRunSortKey,
  entityRunsKey,
  runKey,
  runSortKey,
} from '#shared/store/runs.ts';

export const aRun = (overrides: Partial<RunRecord> & Pick<RunRecord, 'automationId' | 'runId' | 'startedAt'>): RunRecord => ({
  triggerEventId: overrides.runId,
  trigger: 'stageEntered',
  executionId: `local:${overrides.automationId}:${overrides.runId}`,
  entityType: 'deal',
  entityId: 'D1',
  status: 'SUCCEEDED',
  actionsCompleted: 1,
  actionsTotal: 1,
  ...overrides,
});

export function runItem(run: RunRecord): Record<string, unknown> {
  return {
    ...runKey(run.automationId, run.runId),
    itemKind: 'run',
    ...run,
    gsi1pk: automationRunsKey(run.automationId),
    gsi1sk: runSortKey(run.startedAt, run.runId),
    gsi2pk: entityRunsKey(run.entityType, run.entityId),
    gsi2sk: entityRunSortKey(run.startedAt, run.automationId, run.runId),
    gsi3pk: automationRunsByStatusKey(run.automationId, run.status),
    gsi3sk: runSortKey(run.startedAt, run.runId),
  };
}

export async function putRuns(table: TableRef, runs: RunRecord[], concurrency = 1): Promise<void> {
  const batches: RunRecord[][] = [];
  for (let start = 0; start < runs.length; start += 25) batches.push(runs.slice(start, start + 25));
  const writer = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let requests: Record<string, unknown>[] | undefined = batch.map((run) => ({ PutRequest: { Item: runItem(run) } }));
      while (requests && requests.length > 0) {
        const result = await table.client.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: requests as never } }));
        requests = result.UnprocessedItems?.[table.tableName] as Record<string, unknown>[] | undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
}
