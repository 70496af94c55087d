// An admin cancels one run (POST /automations/{id}/runs/{runId}/cancel) on AWS: the API runs with the Step Functions
// adapter, the SFN client is mocked and the test asserts the StopExecution it was sent; the run log is DynamoDB Local.
// The races are played inside StopExecution: the run resumes, finishes, or moves to another execution meanwhile.
// Also on AWS: a redrive keeps the failure it followed in its entry.
import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunStatus, automationRunsByStatusKey, automationRunsKey, runKey, runSortKey } from '#shared/store/runs.ts';
import { awsApp } from '#test/support/aws-app.ts';
import { manualClock } from '#test/support/table.ts';

const sfn = mockClient(SFNClient);
const clock = manualClock('2026-03-01T10:00:00.000Z');
let app: Awaited<ReturnType<typeof awsApp>>['app'];
let table: Awaited<ReturnType<typeof awsApp>>['table'];
let call: Awaited<ReturnType<typeof awsApp>>['call'];
let memberToken: string;

const executionOf = (automationId: string, name: string) => `arn:aws:states:eu-west-1:111122223333:execution:stagecraft-prod-${automationId}:${name}`;

/** A run as the compiled state machine leaves it in the table, in the given status. */
async function aRun(automationId: string, runId: string, status: RunStatus, extra: Record<string, unknown> = {}) {
  const startedAt = '2026-03-01T09:00:00.000Z';
  const run = {
    ...runKey(automationId, runId),
    itemKind: 'run',
    automationId,
    automationVersion: 1,
    runId,
    triggerEventId: runId,
    trigger: 'stageEntered',
    executionId: executionOf(automationId, runId),
    entityType: 'deal',
    entityId: 'deal-1',
    status,
    startedAt,
    actionsCompleted: 0,
    actionsTotal: 1,
    gsi1pk: automationRunsKey(automationId),
    gsi1sk: runSortKey(startedAt, runId),
    gsi3pk: automationRunsByStatusKey(automationId, status),
    gsi3sk: runSortKey(startedAt, runId),
    ...extra,
  };
  await table.client.send(new PutCommand({ TableName: table.tableName, Item: run }));
  return run;
}

/** What the state machine writes when it closes a run itself (Record success), here while a cancel is under way. */
async function closeAsSucceeded(automationId: string, runId: string) {
  await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: runKey(automationId, runId),
      UpdateExpression: 'SET #status = :status, endedAt = :endedAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': 'SUCCEEDED', ':endedAt': '2026-03-01T10:00:00.500Z' },
    }),
  );
}

const stopsSent = () => sfn.commandCalls(StopExecutionCommand).map((stop) => stop.args[0].input);

beforeAll(async () => {
  ({ app, table, call, memberToken } = await awsApp(clock));
});

// The mocks replace send on the clients' classes: put it back for the next file in this worker.
afterAll(() => {
  sfn.restore();
});

beforeEach(() => {
  sfn.reset();
  sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
});

describe('cancelling one run', () => {
  it('stops the execution of a WAITING run and marks the run CANCELLED, naming who cancelled it', async () => {
    // Prepare
    const run = await aRun('auto-a', 'run-waiting', 'WAITING', { dueAt: '2026-09-01T09:00:00.000Z' });

    // Act
    const cancelled = await call('POST', '/automations/auto-a/runs/run-waiting/cancel');

    // Assess
    expect(cancelled.status).toBe(200);
    expect(stopsSent()).toEqual([{ executionArn: run.executionId, error: 'Stagecraft.RunCancelled', cause: 'cancelled by Ada Admin' }]);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', reason: 'cancelled by Ada Admin', endedAt: '2026-03-01T10:00:00.000Z', summary: 'cancelled: cancelled by Ada Admin' });
    expect((await app.store.runLog.list('auto-a', { status: 'WAITING' })).items).toEqual([]);
    expect((await call('GET', '/automations/auto-a/runs/run-waiting')).body.status).toBe('CANCELLED');
  });

  it('stops a RUNNING run that was redriven in the redrive’s execution', async () => {
    // Prepare
    await aRun('auto-b', 'run-redriven', 'RUNNING', { redriveExecutionId: executionOf('auto-b', 'run-redriven-r1') });

    // Act
    const cancelled = await call('POST', '/automations/auto-b/runs/run-redriven/cancel');

    // Assess
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(stopsSent().map((stop) => stop.executionArn)).toContain(executionOf('auto-b', 'run-redriven-r1'));
  });

  it('answers a run cancelled already as it is, stopping nothing again', async () => {
    // Prepare
    await aRun('auto-c', 'run-twice', 'WAITING');
    const first = await call('POST', '/automations/auto-c/runs/run-twice/cancel');
    sfn.resetHistory();
    clock.advance(60_000);

    // Act
    const second = await call('POST', '/automations/auto-c/runs/run-twice/cancel');

    // Assess
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(stopsSent()).toEqual([]);
    clock.set('2026-03-01T10:00:00.000Z');
  });

  it.each(['SUCCEEDED', 'FAILED', 'SKIPPED'] as const)('refuses a %s run with 409 RUN_ENDED, stopping nothing', async (status) => {
    // Prepare
    await aRun('auto-d', `run-${status}`, status, { endedAt: '2026-03-01T09:00:05.000Z' });

    // Act
    const refused = await call('POST', `/automations/auto-d/runs/run-${status}/cancel`);

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('RUN_ENDED');
    expect(refused.body.error.message).toContain(`ended ${status}`);
    expect(stopsSent()).toEqual([]);
    expect((await call('GET', `/automations/auto-d/runs/run-${status}`)).body.status).toBe(status);
  });

  it('answers 404 for a run that does not exist', async () => {
    // Act
    const missing = await call('POST', '/automations/auto-a/runs/no-such-run/cancel');

    // Assess
    expect(missing.status).toBe(404);
    expect(stopsSent()).toEqual([]);
  });

  it('is for admins only', async () => {
    // Prepare
    await aRun('auto-e', 'run-member', 'WAITING');

    // Act
    const refused = await call('POST', '/automations/auto-e/runs/run-member/cancel', undefined, memberToken);

    // Assess
    expect(refused.status).toBe(403);
    expect(stopsSent()).toEqual([]);
    expect((await call('GET', '/automations/auto-e/runs/run-member')).body.status).toBe('WAITING');
  });
});

describe('cancelling a run while it moves on', () => {
  it('still cancels a waiting run that resumed at that moment', async () => {
    // Prepare: Check conditions after the wait marks the run RUNNING as StopExecution is sent.
    await aRun('auto-f', 'run-resumes', 'WAITING');
    sfn.on(StopExecutionCommand).callsFake(async () => {
      await app.store.runLog.markResumed('auto-f', 'run-resumes');
      return { stopDate: new Date() };
    });

    // Act
    const cancelled = await call('POST', '/automations/auto-f/runs/run-resumes/cancel');

    // Assess
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', reason: 'cancelled by Ada Admin' });
  });

  it('answers 409 RUN_ENDED for a run that finished before its execution was stopped, and leaves it SUCCEEDED', async () => {
    // Prepare: the run's last action closes it just before StopExecution arrives (which then stops nothing).
    await aRun('auto-g', 'run-finishes', 'RUNNING');
    sfn.on(StopExecutionCommand).callsFake(async () => {
      await closeAsSucceeded('auto-g', 'run-finishes');
      return { stopDate: new Date() };
    });

    // Act
    const refused = await call('POST', '/automations/auto-g/runs/run-finishes/cancel');

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('RUN_ENDED');
    const run = (await call('GET', '/automations/auto-g/runs/run-finishes')).body;
    expect(run.status).toBe('SUCCEEDED');
    expect(run.reason).toBeUndefined();
  });

  it('stops the new execution too when the wait went on in another execution meanwhile', async () => {
    // Prepare: a wait past a year continues in a new execution, which the run record follows.
    const run = await aRun('auto-h', 'run-continues', 'WAITING');
    const continuation = executionOf('auto-h', 'run-continues-c1');
    sfn.on(StopExecutionCommand, { executionArn: run.executionId }).callsFake(async () => {
      await app.store.runLog.markWaiting('auto-h', 'run-continues', '2027-06-01T09:00:00.000Z', continuation);
      return { stopDate: new Date() };
    });

    // Act
    const cancelled = await call('POST', '/automations/auto-h/runs/run-continues/cancel');

    // Assess
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(stopsSent().map((stop) => stop.executionArn)).toEqual([run.executionId, continuation]);
  });
});

describe('a redrive', () => {
  it('keeps the failure it followed in its entry of the run', async () => {
    // Prepare
    const created = await call('POST', '/automations', {
      name: 'plan a call',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'planActivity', subject: 'Call', activityType: 'call', due: 'P1D' }],
    });
    const automationId = created.body.id as string;
    const failed = await aRun(automationId, 'run-failed', 'FAILED', {
      trigger: 'manual',
      endedAt: '2026-03-01T09:00:02.000Z',
      error: 'Stagecraft.StepFailed',
      errorCause: JSON.stringify({ errorMessage: 'the deal has no responsible user and the step names none', errorType: 'Error' }),
      failedStep: '1 · Plan activity',
    });
    await app.store.runLog.recordStep(automationId, 'run-failed', {
      order: 1,
      name: 'Check conditions',
      status: 'SUCCEEDED',
      startedAt: '2026-03-01T09:00:01.000Z',
      endedAt: '2026-03-01T09:00:01.100Z',
      executionId: failed.executionId,
      input: { eventId: 'run-failed', entityType: 'deal', entityId: 'deal-1', occurredAt: failed.startedAt, after: { id: 'deal-1' } },
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: executionOf(automationId, 'run-failed-r1'), startDate: new Date() });

    // Act
    const redrive = await call('POST', `/automations/${automationId}/runs/redrive`, { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' });
    const run = (await call('GET', `/automations/${automationId}/runs/run-failed`)).body;

    // Assess
    expect(redrive.body.redriven).toEqual(['run-failed']);
    expect(run.status).toBe('RUNNING');
    expect(run.error).toBeUndefined();
    expect(run.redrives).toEqual([
      {
        at: '2026-03-01T10:00:00.000Z',
        fromStep: '1 · Plan activity',
        failedStep: '1 · Plan activity',
        error: 'Stagecraft.StepFailed',
        cause: 'the deal has no responsible user and the step names none',
      },
    ]);
  });
});
