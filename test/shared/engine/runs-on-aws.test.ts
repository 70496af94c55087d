// On AWS, Step Functions drops an execution's history 90 days after it ends: a run's details and its redrive
// must not need it (issue 10, defect 4). The API runs with the Step Functions adapter; the SFN client answers
// as it does for such an execution, and the test asserts what the API asked it.
import { DescribeExecutionCommand, ExecutionDoesNotExist, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { automationRunsByStatusKey, automationRunsKey, runKey, runSortKey, stepOrder } from '#shared/store/runs.ts';
import { awsApp } from '#test/support/aws-app.ts';
import { manualClock } from '#test/support/table.ts';

const sfn = mockClient(SFNClient);
const clock = manualClock('2026-01-01T10:00:00.000Z');
let app: Awaited<ReturnType<typeof awsApp>>['app'];
let table: Awaited<ReturnType<typeof awsApp>>['table'];
let call: Awaited<ReturnType<typeof awsApp>>['call'];

const gone = () => new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });

/** A FAILED run of January 1st as the compiled state machine and run-action leave it in the table. */
async function aFailedRun(automationId: string, runId: string) {
  const startedAt = '2026-01-01T10:00:00.000Z';
  const executionId = `arn:aws:states:eu-west-1:111122223333:execution:stagecraft-prod-${automationId}:${runId}`;
  await table.client.send(
    new PutCommand({
      TableName: table.tableName,
      Item: {
        ...runKey(automationId, runId),
        itemKind: 'run',
        automationId,
        automationVersion: 1,
        runId,
        triggerEventId: runId,
        trigger: 'manual',
        executionId,
        entityType: 'deal',
        entityId: 'deal-1',
        status: 'FAILED',
        startedAt,
        endedAt: '2026-01-01T10:00:02.000Z',
        actionsCompleted: 0,
        actionsTotal: 1,
        error: 'Stagecraft.StepFailed',
        errorCause: 'the deal has no responsible user and the step names none',
        failedStep: '1 · Plan activity',
        gsi1pk: automationRunsKey(automationId),
        gsi1sk: runSortKey(startedAt, runId),
        gsi3pk: automationRunsByStatusKey(automationId, 'FAILED'),
        gsi3sk: runSortKey(startedAt, runId),
      },
    }),
  );
  const event = { eventId: runId, entityType: 'deal', entityId: 'deal-1', occurredAt: startedAt, after: { id: 'deal-1' } };
  await app.store.runLog.recordStep(automationId, runId, {
    order: stepOrder.checkConditions,
    name: 'Check conditions',
    status: 'SUCCEEDED',
    startedAt: '2026-01-01T10:00:01.000Z',
    endedAt: '2026-01-01T10:00:01.100Z',
    executionId,
    outcome: { done: 'no conditions' },
    input: event,
  });
  await app.store.runLog.recordStep(automationId, runId, {
    order: stepOrder.action(0),
    name: '1 · Plan activity',
    status: 'FAILED',
    startedAt: '2026-01-01T10:00:01.200Z',
    endedAt: '2026-01-01T10:00:01.900Z',
    executionId,
    error: 'Stagecraft.StepFailed',
    cause: 'the deal has no responsible user and the step names none',
  });
  return { event, executionId };
}

beforeAll(async () => {
  ({ app, table, call } = await awsApp(clock));
});

// The mocks replace send on the clients' classes: put it back for the next file in this worker.
afterAll(() => {
  sfn.restore();
});

beforeEach(() => {
  sfn.reset();
  sfn.on(GetExecutionHistoryCommand).rejects(gone());
  sfn.on(DescribeExecutionCommand).rejects(gone());
});

describe('a run whose execution Step Functions no longer keeps', () => {
  it('shows its steps and outcomes from the table, without the console link, asking Step Functions nothing', async () => {
    await aFailedRun('auto-old', 'run-old');
    clock.set('2026-04-15T10:00:00.000Z');

    const run = await call('GET', '/automations/auto-old/runs/run-old');

    expect(run.status).toBe(200);
    expect(run.body.steps.map((step: { name: string; status: string }) => [step.name, step.status])).toEqual([
      ['Enroll', 'SUCCEEDED'],
      ['Check conditions', 'SUCCEEDED'],
      ['1 · Plan activity', 'FAILED'],
      ['Record failure', 'SUCCEEDED'],
    ]);
    expect(run.body.summary).toBe('failed at 1 · Plan activity: the deal has no responsible user and the step names none');
    expect(run.body.consoleUrl).toBeUndefined();
    expect(sfn.calls()).toHaveLength(0);
  });

  it('gives the console link while the execution is kept', async () => {
    await aFailedRun('auto-recent', 'run-recent');
    clock.set('2026-01-20T10:00:00.000Z');

    const run = await call('GET', '/automations/auto-recent/runs/run-recent');

    expect(run.body.consoleUrl).toContain(encodeURIComponent('execution:stagecraft-prod-auto-recent:run-recent'));
  });

  it('is redriven from the trigger event kept in the table, at its failed step', async () => {
    const created = await call('POST', '/automations', {
      name: 'plan a call',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'planActivity', subject: 'Call', activityType: 'call', due: 'P1D' }],
    });
    const automationId = created.body.id as string;
    const { event } = await aFailedRun(automationId, 'run-redrive');
    clock.set('2026-05-01T10:00:00.000Z');
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:new-execution', startDate: new Date() });

    const redrive = await call('POST', `/automations/${automationId}/runs/redrive`, { from: '2025-12-31T00:00:00Z', to: '2026-01-02T00:00:00Z' });

    expect(redrive.body.redriven).toEqual(['run-redrive']);
    const input = JSON.parse(String(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input));
    // The run's planned time is its start (not the redrive's), carried so that the action need not read the run.
    expect(input).toEqual({
      detail: event,
      run: { step: '1 · Plan activity', actionsCompleted: '0', resumeAt: '1 · Plan activity', planned: { plannedAt: '2026-01-01T10:00:00.000Z' }, summaries: [], checked: {} },
    });
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });
});
