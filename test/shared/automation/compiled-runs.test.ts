// Compiled state machines RUN with aws-local-stepfunctions, Tasks bound by state name to in-test stand-ins
// (compiled-runner.ts): the success path and its cost, duplicates, skips, cancels, failures, long waits.
import { describe, expect, it } from 'vitest';
import { compileAutomation, resumeRunInput } from '#shared/automation/compile-asl.ts';
import { TransientError } from '#shared/automation/run-steps.ts';
import { ALL_RUNS_KEY, automationRunsByStatusKey, automationRunsKey, entityRunsKey, runKey, runSortKey } from '#shared/store/runs.ts';
import { RunTable, runCompiled } from './compiled-runner.ts';
import { actionExamples, anAutomation, anEvent, anEventFor, anEventInput, catalogue, triggerExamples } from './factories.ts';

const twoActions = [actionExamples.createLead, actionExamples.sendEmail];
const compiledWith = (overrides: Record<string, unknown> = {}) => compileAutomation(anAutomation({ actions: twoActions, ...overrides }));
const recordOf = (table: RunTable, runId: string, automationId = 'renewal-1') => {
  const { pk, sk } = runKey(automationId, runId);
  return table.get(pk, sk);
};

// The two-year wait ends its first execution by continuing; 'a wait longer than an execution' runs it.
describe.each(catalogue.filter(([name]) => name !== 'a two-year delay'))('%s', (_name, automation) => {
  it('runs to its end, the run closed as SUCCEEDED', async () => {
    // Prepare
    const compiled = compileAutomation(automation);

    // Act
    const outcome = await runCompiled(compiled, anEventFor(automation));

    // Assess
    const runs = [...outcome.table.items.values()].filter((item) => item.sk === 'run');
    expect([outcome.status, runs.map((run) => run.status)]).toEqual(['SUCCEEDED', ['SUCCEEDED']]);
  });
});

describe('a run without delay', () => {
  it('has the last action close the run with its summary line; the others write their own', async () => {
    // Prepare
    const event = anEvent();
    const table = new RunTable();

    // Act
    const { payloads } = await runCompiled(compiledWith(), anEventInput(event), { table, runAction: () => ({ done: 'mailed x@example.com' }) });

    // Assess
    expect([payloads.get('1 · Create lead'), payloads.get('2 · Send e-mail')].map((payload) => (payload as { closesRun?: boolean }).closesRun)).toEqual([undefined, true]);
    expect(recordOf(table, event.eventId)).toMatchObject({ status: 'SUCCEEDED', actionsCompleted: 2, summaries: ['2 · Send e-mail: mailed x@example.com'] });
  });

  it.each([1, 2, 5, 20])('with %i actions costs N + 2 state transitions', async (count) => {
    // Prepare
    const compiled = compiledWith({ actions: Array.from({ length: count }, () => actionExamples.notify) });

    // Act
    const outcome = await runCompiled(compiled, anEventInput());

    // Assess
    expect([outcome.status, outcome.transitions]).toEqual(['SUCCEEDED', count + 2]);
  });

  it('goes Enroll, Check conditions, each action, the last one ending the execution', async () => {
    // Act
    const outcome = await runCompiled(compiledWith(), anEventInput());

    // Assess
    expect(outcome.entered).toEqual(['Enroll', 'Check conditions', '1 · Create lead', '2 · Send e-mail']);
  });

  it('records the run under the keys of shared/store/runs.ts, then its success', async () => {
    // Prepare
    const event = anEvent();

    // Act
    const { table } = await runCompiled(compiledWith(), anEventInput(event));

    // Assess
    const startedAt = String(recordOf(table, event.eventId)?.startedAt);
    expect(recordOf(table, event.eventId)).toEqual({
      ...runKey('renewal-1', event.eventId),
      itemKind: 'run',
      automationId: 'renewal-1',
      runId: event.eventId,
      triggerEventId: event.eventId,
      trigger: 'stageEntered',
      executionId: 'arn:aws:states:eu-west-1:000000000000:execution:automation:first',
      entityType: 'deal',
      entityId: event.entityId,
      status: 'SUCCEEDED',
      startedAt,
      endedAt: '2026-03-10T12:00:05.000Z',
      actionsCompleted: 2,
      actionsTotal: 2,
      // The last action's line (the first action's own is run-action's write, not the state machine's).
      summaries: ['2 · Send e-mail: true'],
      gsi1pk: automationRunsKey('renewal-1'),
      gsi1sk: runSortKey(startedAt, event.eventId),
      gsi2pk: entityRunsKey('deal', event.entityId),
      gsi2sk: `${startedAt}#renewal-1#${event.eventId}`,
      gsi3pk: automationRunsByStatusKey('renewal-1', 'SUCCEEDED'),
      gsi3sk: runSortKey(startedAt, event.eventId),
      gsi4pk: ALL_RUNS_KEY,
      gsi4sk: `${startedAt}#renewal-1#${event.eventId}`,
    });
  });

  it('gives each action its automation, run, index, action, entity and event', async () => {
    // Prepare
    const event = anEvent();

    // Act
    const { payloads, table } = await runCompiled(compiledWith(), anEventInput(event));

    // Assess
    const run = table.get(runKey('renewal-1', event.eventId).pk, runKey('renewal-1', event.eventId).sk);
    expect(payloads.get('2 · Send e-mail')).toEqual({
      task: 'runAction',
      automationId: 'renewal-1',
      automationName: 'Renewal reminder',
      runId: event.eventId,
      executionId: 'arn:aws:states:eu-west-1:000000000000:execution:automation:first',
      actionIndex: 1,
      stepName: '2 · Send e-mail',
      action: actionExamples.sendEmail,
      entityType: 'deal',
      entityId: event.entityId,
      event,
      timeZone: 'UTC',
      // The run's start as Enroll recorded it, carried from Check conditions on: the action need not read the run.
      planned: { plannedAt: run?.startedAt },
      // The last action closes the run with its own write.
      closesRun: true,
    });
    expect(run?.startedAt).toEqual(expect.any(String));
  });

  it('acts on the document owner for a document trigger', async () => {
    // Prepare
    const compiled = compiledWith({ trigger: triggerExamples.documentSigned, conditions: undefined });
    const event = anEvent({ entityType: 'document', entityId: 'doc-1', after: { entityType: 'deal', entityId: 'deal-9', templateId: 'contract' } });

    // Act
    const { payloads } = await runCompiled(compiled, anEventInput(event, 'Document Signed'));

    // Assess
    expect(payloads.get('1 · Create lead')).toMatchObject({ entityType: 'deal', entityId: 'deal-9', event: { entityId: 'doc-1' } });
  });

  it('retries a transient action failure, each retry a transition', async () => {
    // Prepare
    let attempts = 0;
    const runAction = () => {
      attempts += 1;
      if (attempts === 1) throw new TransientError('version conflict');
      return {};
    };

    // Act
    const outcome = await runCompiled(compiledWith({ actions: [actionExamples.notify] }), anEventInput(), { runAction });

    // Assess
    expect([outcome.status, outcome.retried, outcome.transitions]).toEqual(['SUCCEEDED', ['1 · Notify'], 4]);
  });
});

describe('a second delivery of the same event', () => {
  it('ends at Enroll as a duplicate', async () => {
    // Prepare
    const compiled = compiledWith();
    const input = anEventInput();
    const table = new RunTable();
    await runCompiled(compiled, input, { table });

    // Act
    const second = await runCompiled(compiled, input, { table, executionId: 'arn:aws:states:eu-west-1:000000000000:execution:automation:second' });

    // Assess
    expect([second.status, second.entered, second.payloads.size]).toEqual(['SUCCEEDED', ['Enroll', 'Resuming a run?', 'Duplicate event'], 0]);
  });

  it('does not stop the same execution putting its record again', async () => {
    // Prepare
    const compiled = compiledWith();
    const input = anEventInput();
    const table = new RunTable();
    await runCompiled(compiled, input, { table });

    // Act
    const again = await runCompiled(compiled, input, { table });

    // Assess
    expect(again.entered).toContain('2 · Send e-mail');
  });
});

describe('a run whose conditions do not hold', () => {
  it('ends at Skip without acting', async () => {
    // Prepare
    const event = anEvent({ after: { stageId: 'won', amount: 10 } });

    // Act
    const outcome = await runCompiled(compiledWith(), anEventInput(event));

    // Assess
    expect([outcome.status, outcome.entered]).toEqual(['SUCCEEDED', ['Enroll', 'Check conditions', 'Why skipped?', 'Skip']]);
  });

  it('records SKIPPED with the reason', async () => {
    // Prepare
    const event = anEvent({ after: { stageId: 'won', amount: 10 } });

    // Act
    const { table } = await runCompiled(compiledWith(), anEventInput(event));

    // Assess
    expect(recordOf(table, event.eventId)).toMatchObject({
      status: 'SKIPPED',
      reason: 'amount ≥ 1000 does not hold',
      gsi3pk: automationRunsByStatusKey('renewal-1', 'SKIPPED'),
      endedAt: '2026-03-10T12:00:05.000Z',
    });
  });
});

describe('a run whose action fails', () => {
  const failing = () => {
    const error = new Error('SES refused the message');
    error.name = 'MessageRejected';
    throw error;
  };

  it('goes to Record failure and fails the execution with the error', async () => {
    // Act
    const outcome = await runCompiled(compiledWith(), anEventInput(), { runAction: (payload) => (payload.actionIndex === 1 ? failing() : {}) });

    // Assess
    expect([outcome.status, outcome.entered.slice(-4), outcome.error]).toEqual([
      'FAILED',
      ['2 · Send e-mail', 'Why it failed?', 'Record failure', 'Failed'],
      { name: 'MessageRejected', cause: 'SES refused the message' },
    ]);
  });

  it('records FAILED with the failed step and the actions completed', async () => {
    // Prepare
    const event = anEvent();

    // Act
    const { table } = await runCompiled(compiledWith(), anEventInput(event), { runAction: (payload) => (payload.actionIndex === 1 ? failing() : {}) });

    // Assess
    expect(recordOf(table, event.eventId)).toMatchObject({
      status: 'FAILED',
      failedStep: '2 · Send e-mail',
      error: 'MessageRejected',
      errorCause: 'SES refused the message',
      actionsCompleted: 1,
      gsi3pk: automationRunsByStatusKey('renewal-1', 'FAILED'),
    });
  });

  it('names Check conditions when it is the step that failed', async () => {
    // Prepare
    const event = anEvent();
    const facts = () => {
      throw new Error('table unreachable');
    };

    // Act
    const { table } = await runCompiled(compiledWith(), anEventInput(event), { facts });

    // Assess
    expect(recordOf(table, event.eventId)).toMatchObject({ status: 'FAILED', failedStep: 'Check conditions', actionsCompleted: 0 });
  });
});

describe('a redrive of a failed run', () => {
  const threeActions = [actionExamples.createLead, actionExamples.sendEmail, actionExamples.notify];
  const second = 'arn:aws:states:eu-west-1:000000000000:execution:automation:redrive';
  const failAction = () => {
    throw new Error('SES was down');
  };

  async function failedRun() {
    const compiled = compiledWith({ actions: threeActions });
    const event = anEvent();
    const table = new RunTable();
    await runCompiled(compiled, anEventInput(event), { table, runAction: (payload) => (payload.actionIndex === 1 ? failAction() : {}) });
    const record = recordOf(table, event.eventId) as { failedStep: string; actionsCompleted: number };
    // The API marks the run RUNNING again before it starts the redrive (runTransitions.redrive).
    const { pk, sk } = runKey('renewal-1', event.eventId);
    table.items.set(`${pk}|${sk}`, { ...table.get(pk, sk), status: 'RUNNING' });
    return { compiled, event, table, record };
  }

  it('resumes at the failed step and runs only what was left', async () => {
    // Prepare
    const { compiled, event, table, record } = await failedRun();

    // Act
    const redrive = await runCompiled(compiled, resumeRunInput(event, record), { table, executionId: second });

    // Assess
    expect(redrive.entered).toEqual(['Enroll', 'Resuming a run?', '2 · Send e-mail', '3 · Notify']);
  });

  it('records the run as succeeded with every action completed', async () => {
    // Prepare
    const { compiled, event, table, record } = await failedRun();

    // Act
    await runCompiled(compiled, resumeRunInput(event, record), { table, executionId: second });

    // Assess
    expect(recordOf(table, event.eventId)).toMatchObject({ status: 'SUCCEEDED', actionsCompleted: 3 });
  });

  it('clears the failure it recovered from', async () => {
    // Prepare
    const { compiled, event, table, record } = await failedRun();

    // Act
    await runCompiled(compiled, resumeRunInput(event, record), { table, executionId: second });

    // Assess
    const failureAttributes = Object.keys(recordOf(table, event.eventId) ?? {}).filter((name) => ['error', 'errorCause', 'failedStep'].includes(name));
    expect(failureAttributes).toEqual([]);
  });

  it('records the step that failed again', async () => {
    // Prepare
    const { compiled, event, table, record } = await failedRun();

    // Act
    await runCompiled(compiled, resumeRunInput(event, record), { table, executionId: second, runAction: (payload) => (payload.actionIndex === 2 ? failAction() : {}) });

    // Assess
    expect(recordOf(table, event.eventId)).toMatchObject({ status: 'FAILED', failedStep: '3 · Notify', actionsCompleted: 2 });
  });
});

describe('a run with a delay', () => {
  it('plans and waits before checking and acting', async () => {
    // Act
    const outcome = await runCompiled(compiledWith({ delay: { after: 'P6M' } }), anEventInput());

    // Assess
    expect(outcome.entered).toEqual(['Enroll', 'Plan wait', 'Wait 6 months', 'Check conditions', '1 · Create lead', '2 · Send e-mail']);
  });

  it('hands Plan wait the delay, the time zone and the execution start', async () => {
    // Act
    const { payloads } = await runCompiled(compiledWith({ delay: { after: 'P6M' }, timeZone: 'Europe/Berlin' }), anEventInput());

    // Assess
    expect(payloads.get('Plan wait')).toMatchObject({
      task: 'planWait',
      wait: { after: 'P6M' },
      timeZone: 'Europe/Berlin',
      startedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      steps: { due: 'Check conditions' },
    });
  });

  it('skips a run whose date field is empty', async () => {
    // Prepare
    const event = anEvent({ after: { stageId: 'won', amount: 1500 } });

    // Act
    const outcome = await runCompiled(compiledWith({ delay: { until: { field: 'closeDate' } } }), anEventInput(event));

    // Assess
    expect(recordOf(outcome.table, event.eventId)).toMatchObject({ status: 'SKIPPED', reason: 'cannot plan the wait: closeDate is empty' });
  });

  it('cancels a run whose deal left the stage while it waited', async () => {
    // Prepare
    const event = anEvent();
    const facts = () => ({ current: { ...event.after, stageId: 'lost' } });

    // Act
    const outcome = await runCompiled(compiledWith({ delay: { after: 'P6M' } }), anEventInput(event), { facts });

    // Assess
    expect([outcome.entered.at(-1), recordOf(outcome.table, event.eventId)]).toEqual([
      'Cancel',
      expect.objectContaining({ status: 'CANCELLED', reason: 'the deal left stage won' }),
    ]);
  });
});

describe('a wait longer than an execution', () => {
  const now = new Date();
  const longWait = () => compiledWith({ delay: { after: 'P2Y' } });

  it('waits to the limit and continues in a new execution', async () => {
    // Prepare
    const event = anEvent({ occurredAt: now.toISOString() });

    // Act
    const outcome = await runCompiled(longWait(), anEventInput(event));

    // Assess
    expect([outcome.status, outcome.entered]).toEqual([
      'SUCCEEDED',
      ['Enroll', 'Plan wait', 'Wait 2 years', 'Due in this run?', 'Continue in a new run'],
    ]);
  });

  it('starts the continuation with the event, the due time and a name per part', async () => {
    // Prepare
    const event = anEvent({ occurredAt: now.toISOString() });

    // Act
    const { startedExecutions } = await runCompiled(longWait(), anEventInput(event));

    // Assess
    expect(startedExecutions).toEqual([
      {
        StateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:automation',
        Name: `${event.eventId}-2`,
        Input: {
          detail: event,
          run: { step: 'Plan wait', actionsCompleted: '0', summaries: [], continuation: expect.objectContaining({ part: 2, executionName: `${event.eventId}-2` }) },
          AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: 'arn:aws:states:eu-west-1:000000000000:execution:automation:first',
        },
      },
    ]);
  });

  it('the continuation passes Enroll, finishes the wait and acts', async () => {
    // Prepare
    const compiled = longWait();
    const table = new RunTable();
    const first = await runCompiled(compiled, anEventInput(anEvent({ occurredAt: now.toISOString() })), { table });
    const continuation = first.startedExecutions[0]?.Input;
    continuation.run.continuation.dueAt = new Date(now.getTime() + 86_400_000).toISOString();

    // Act
    const second = await runCompiled(compiled, continuation, { table, executionId: 'arn:aws:states:eu-west-1:000000000000:execution:automation:second' });

    // Assess
    expect(second.entered).toEqual([
      'Enroll',
      'Resuming a run?',
      'Plan wait',
      'Wait 2 years',
      'Due in this run?',
      'Check conditions',
      '1 · Create lead',
      '2 · Send e-mail',
    ]);
  });

  it('a second delivery of the event still ends as a duplicate', async () => {
    // Prepare
    const compiled = longWait();
    const table = new RunTable();
    const input = anEventInput(anEvent({ occurredAt: now.toISOString() }));
    await runCompiled(compiled, input, { table });

    // Act
    const second = await runCompiled(compiled, input, { table, executionId: 'arn:aws:states:eu-west-1:000000000000:execution:automation:second' });

    // Assess
    expect(second.entered).toEqual(['Enroll', 'Resuming a run?', 'Duplicate event']);
  });
});

describe('a manual run', () => {
  it('runs on the record the API names', async () => {
    // Prepare
    const compiled = compiledWith({ trigger: triggerExamples.manual, conditions: undefined });
    const event = anEvent({ entityId: 'deal-77', before: undefined, changedFields: [] });

    // Act
    const outcome = await runCompiled(compiled, { 'detail-type': 'Manual Run', detail: event });

    // Assess
    expect([outcome.status, recordOf(outcome.table, event.eventId)?.entityId]).toEqual(['SUCCEEDED', 'deal-77']);
  });
});
