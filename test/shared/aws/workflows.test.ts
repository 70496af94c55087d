import { ExecutionAlreadyExists, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { sfnWorkflows, stepsFromHistory } from '#shared/aws/workflows.ts';

const sfn = mockClient(SFNClient);
const workflows = sfnWorkflows(new SFNClient({ region: 'eu-west-1' }), { partition: 'aws', region: 'eu-west-1', accountId: '111122223333', stateMachinePrefix: 'stagecraft-prod-' });

// The mocks replace send on the clients' classes: put it back for the next file in this worker.
afterAll(() => {
  sfn.restore();
});

beforeEach(() => {
  sfn.reset();
});

describe('starting an execution', () => {
  it('starts the automation’s state machine with the run name and JSON input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });

    const started = await workflows.start('01AUTO', 'run-1', { entityId: 'd1' });

    expect(started.executionId).toBe('arn:exec');
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:stagecraft-prod-01AUTO',
      name: 'run-1',
      input: '{"entityId":"d1"}',
    });
  });

  it('answers with the existing execution when the name was used already', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const started = await workflows.start('01AUTO', 'run-1', {});

    expect(started.executionId).toBe('arn:aws:states:eu-west-1:111122223333:execution:stagecraft-prod-01AUTO:run-1');
  });
});

describe('reading the steps of a run', () => {
  it('folds the history into one step per state with status and error', async () => {
    const t = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 1, type: 'ExecutionStarted', timestamp: t(0) },
        { id: 2, type: 'TaskStateEntered', timestamp: t(1), stateEnteredEventDetails: { name: 'Enroll' } },
        { id: 3, type: 'TaskStateExited', timestamp: t(2), stateExitedEventDetails: { name: 'Enroll' } },
        { id: 4, type: 'WaitStateEntered', timestamp: t(3), stateEnteredEventDetails: { name: 'Wait 6 months' } },
        { id: 5, type: 'WaitStateExited', timestamp: t(4), stateExitedEventDetails: { name: 'Wait 6 months' } },
        { id: 6, type: 'TaskStateEntered', timestamp: t(5), stateEnteredEventDetails: { name: '1 · Create lead' } },
        { id: 7, type: 'TaskFailed', timestamp: t(6), taskFailedEventDetails: { error: 'Lambda.Unknown', cause: 'boom', resource: 'x', resourceType: 'lambda' } },
        { id: 8, type: 'TaskStateExited', timestamp: t(7), stateExitedEventDetails: { name: '1 · Create lead' } },
        { id: 9, type: 'TaskStateEntered', timestamp: t(8), stateEnteredEventDetails: { name: 'Record failure' } },
      ],
    });

    const steps = await workflows.steps('arn:exec');

    expect(steps).toEqual([
      { name: 'Enroll', status: 'SUCCEEDED', startedAt: t(1).toISOString(), endedAt: t(2).toISOString() },
      { name: 'Wait 6 months', status: 'SUCCEEDED', startedAt: t(3).toISOString(), endedAt: t(4).toISOString() },
      { name: '1 · Create lead', status: 'CAUGHT', startedAt: t(5).toISOString(), endedAt: t(7).toISOString(), error: 'Lambda.Unknown', cause: 'boom' },
      { name: 'Record failure', status: 'RUNNING', startedAt: t(8).toISOString() },
    ]);
  });

  it('shows a wait still running as WAITING', () => {
    const steps = stepsFromHistory([{ id: 1, type: 'WaitStateEntered', timestamp: new Date(0), stateEnteredEventDetails: { name: 'Wait' } }]);

    expect(steps[0]?.status).toBe('WAITING');
  });
});

describe('in the aws-cn partition', () => {
  const china = sfnWorkflows(new SFNClient({ region: 'cn-north-1' }), { partition: 'aws-cn', region: 'cn-north-1', accountId: '111122223333', stateMachinePrefix: 'stagecraft-prod-' });

  it('starts executions of aws-cn state machines', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });

    await china.start('01AUTO', 'run-1', {});

    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe('arn:aws-cn:states:cn-north-1:111122223333:stateMachine:stagecraft-prod-01AUTO');
  });

  it('links to the console of that partition', () => {
    expect(china.consoleUrl('arn:aws-cn:states:cn-north-1:1:execution:a:b')).toMatch(/^https:\/\/cn-north-1\.console\.amazonaws\.cn\/states\//);
  });
});
