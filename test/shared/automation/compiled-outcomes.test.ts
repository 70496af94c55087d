// Outcomes other than success, as a real account produces them (issue "ready for a real AWS account"): the
// message of a Lambda error's JSON Cause, an error without Cause, conditions refused before a wait, a
// continuation whose delay an edit removed, and patterns held to EventBridge's 2,048 characters.
import { describe, expect, it } from 'vitest';
import { compileAutomation } from '#shared/automation/compile-asl.ts';
import { DEFAULT_MAX_PATTERN_LENGTH, PatternTooLong, compileEventPattern } from '#shared/automation/compile-pattern.ts';
import { ConditionsNotMet, type RunInput } from '#shared/automation/run-steps.ts';
import { runKey } from '#shared/store/runs.ts';
import { RunTable, runCompiled } from './compiled-runner.ts';
import { actionExamples, anAutomation, anEvent, anEventInput } from './factories.ts';

const recordOf = (table: RunTable, runId: string) => {
  const { pk, sk } = runKey('renewal-1', runId);
  return table.get(pk, sk);
};

/** An error as Step Functions catches it from a Lambda on AWS: errorType, errorMessage and a stack trace, as JSON. */
function lambdaError(name: string, message: string): Error {
  const error = new Error(JSON.stringify({ errorType: name, errorMessage: message, trace: [`${name}: ${message}`, '    at runStep (/var/task/index.mjs:1:2)'] }));
  error.name = name;
  return error;
}

describe('a Lambda error caught on AWS', () => {
  it('records the failed run with the error’s message, not its JSON and stack', async () => {
    // Prepare
    const event = anEvent();
    const failing = () => {
      throw lambdaError('MessageRejected', 'SES refused the message');
    };

    // Act
    const outcome = await runCompiled(compileAutomation(anAutomation()), anEventInput(event), { runAction: failing });

    // Assess
    expect(recordOf(outcome.table, event.eventId)).toMatchObject({ status: 'FAILED', error: 'MessageRejected', errorCause: 'SES refused the message' });
    expect(outcome.error).toEqual({ name: 'MessageRejected', cause: 'SES refused the message' });
  });

  it('records a skipped run with the reason’s message', async () => {
    // Prepare
    const event = anEvent();
    const refusing = () => {
      throw lambdaError('Stagecraft.ConditionsNotMet', 'amount is 10, not ≥ 1000');
    };

    // Act
    const outcome = await runCompiled(compileAutomation(anAutomation()), anEventInput(event), { facts: refusing });

    // Assess
    expect(recordOf(outcome.table, event.eventId)).toMatchObject({ status: 'SKIPPED', reason: 'amount is 10, not ≥ 1000' });
  });

  it('records a cancelled run with the reason’s message', async () => {
    // Prepare
    const event = anEvent();
    const cancelling = () => {
      throw lambdaError('Stagecraft.RunCancelled', 'the deal left stage won');
    };

    // Act
    const outcome = await runCompiled(compileAutomation(anAutomation({ delay: { after: 'P6M' } })), anEventInput(event), { facts: cancelling });

    // Assess
    expect(recordOf(outcome.table, event.eventId)).toMatchObject({ status: 'CANCELLED', reason: 'the deal left stage won' });
  });

  it('keeps a plain-text cause as it is (local mode, other services)', async () => {
    // Prepare
    const event = anEvent();
    const failing = () => {
      throw Object.assign(new Error('{ not json: the message itself }'), { name: 'Odd' });
    };

    // Act
    const outcome = await runCompiled(compileAutomation(anAutomation()), anEventInput(event), { runAction: failing });

    // Assess
    expect(recordOf(outcome.table, event.eventId)).toMatchObject({ status: 'FAILED', errorCause: '{ not json: the message itself }' });
  });
});

describe('an error caught without a Cause', () => {
  it('is recorded and fails the execution with its name as the cause', async () => {
    // Prepare: the execution as it stands after a Catch of an error that has no Cause (a Task timeout).
    const compiled = compileAutomation(anAutomation());
    const event = anEvent();
    const table = new RunTable();
    await runCompiled(compiled, anEventInput(event), { table });
    // The run under way, as Enroll left it (the run above closed it).
    const { pk, sk } = runKey('renewal-1', event.eventId);
    table.items.set(`${pk}|${sk}`, { ...table.get(pk, sk), status: 'RUNNING' });
    const failurePath = Object.entries(compiled.asl.States).filter(([name]) => name.startsWith('Why it failed') || name === 'Record failure' || name === 'Failed');
    const caught = { ...compiled, asl: { ...compiled.asl, StartAt: compiled.stateNames.failureCause, States: Object.fromEntries(failurePath) } };
    const input = { ...anEventInput(event), run: { step: '1 · Create lead', actionsCompleted: '0' }, failure: { Error: 'States.Timeout' } };

    // Act
    const outcome = await runCompiled(caught, input as RunInput, { table });

    // Assess
    expect([outcome.entered, outcome.error]).toEqual([
      ['Why it failed?', 'Why it failed: none given', 'Record failure', 'Failed'],
      { name: 'States.Timeout', cause: 'States.Timeout (no cause given)' },
    ]);
    expect(recordOf(table, event.eventId)).toMatchObject({ status: 'FAILED', error: 'States.Timeout', errorCause: 'States.Timeout (no cause given)' });
  });
});

describe('a close of a run that ended already', () => {
  /** An action during which someone else ends the run (a cancel, a late track-runs), as `status`. */
  const endingTheRun = (table: RunTable, runId: string, status: string) => () => {
    const { pk, sk } = runKey('renewal-1', runId);
    table.items.set(`${pk}|${sk}`, { ...table.get(pk, sk), status, endedAt: '2026-03-10T12:00:01.000Z' });
    return { done: 'did it' };
  };

  it('is refused: the last action leaves a cancelled run as it is and the execution ends at Closed already', async () => {
    // Prepare
    const event = anEvent();
    const table = new RunTable();

    // Act
    const outcome = await runCompiled(compileAutomation(anAutomation({ actions: [actionExamples.notify] })), anEventInput(event), {
      table,
      runAction: endingTheRun(table, event.eventId, 'CANCELLED'),
    });

    // Assess
    expect(outcome.entered.slice(-2)).toEqual(['1 · Notify', 'Closed already']);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(recordOf(table, event.eventId)).toMatchObject({ status: 'CANCELLED', endedAt: '2026-03-10T12:00:01.000Z' });
  });

  it('is refused: Record failure leaves a succeeded run as it is, and the execution still fails', async () => {
    // Prepare
    const event = anEvent();
    const table = new RunTable();
    const succeededThenFailing = () => {
      endingTheRun(table, event.eventId, 'SUCCEEDED')();
      throw Object.assign(new Error('late failure'), { name: 'Late' });
    };

    // Act
    const outcome = await runCompiled(compileAutomation(anAutomation({ actions: [actionExamples.notify] })), anEventInput(event), {
      table,
      runAction: succeededThenFailing,
    });

    // Assess
    expect(outcome.entered.slice(-2)).toEqual(['Record failure', 'Failed']);
    expect(outcome.error).toEqual({ name: 'Late', cause: 'late failure' });
    expect(recordOf(table, event.eventId)).toMatchObject({ status: 'SUCCEEDED', endedAt: '2026-03-10T12:00:01.000Z' });
    expect(recordOf(table, event.eventId)?.error).toBeUndefined();
  });

  it('is made from RUNNING, the status Enroll leaves', async () => {
    // Prepare
    const event = anEvent();

    // Act
    const outcome = await runCompiled(compileAutomation(anAutomation({ actions: [actionExamples.notify] })), anEventInput(event));

    // Assess
    expect(outcome.entered.at(-1)).toBe('1 · Notify');
    expect(recordOf(outcome.table, event.eventId)).toMatchObject({ status: 'SUCCEEDED' });
  });
});

describe('a delayed run whose conditions do not hold at the trigger', () => {
  it('is skipped before it waits', async () => {
    // Prepare
    const event = anEvent({ after: { pipelineId: 'sales', stageId: 'won', amount: 10 } });

    // Act
    const outcome = await runCompiled(compileAutomation(anAutomation({ delay: { after: 'P6M' } })), anEventInput(event));

    // Assess
    expect(outcome.entered).toEqual(['Enroll', 'Plan wait', 'Why skipped?', 'Skip']);
    expect(recordOf(outcome.table, event.eventId)).toMatchObject({ status: 'SKIPPED', reason: expect.stringContaining('amount') });
  });

  it('waits when they hold', async () => {
    // Act
    const outcome = await runCompiled(compileAutomation(anAutomation({ delay: { after: 'P6M' } })), anEventInput(anEvent()));

    // Assess
    expect(outcome.entered.slice(0, 3)).toEqual(['Enroll', 'Plan wait', 'Wait 6 months']);
  });
});

describe('a continuation of a long wait, after an edit', () => {
  const now = new Date();

  /** The continuation the first execution of a two-year wait starts, with the run recorded in `table`. */
  async function continuationOf(table: RunTable) {
    const first = await runCompiled(compileAutomation(anAutomation({ delay: { after: 'P2Y' } })), anEventInput(anEvent({ occurredAt: now.toISOString() })), { table });
    expect(first.startedExecutions).toHaveLength(1);
    return first.startedExecutions[0]?.Input as RunInput & { detail: { eventId: string } };
  }

  it('that removed the delay closes the run as skipped, saying why', async () => {
    // Prepare
    const table = new RunTable();
    const continuation = await continuationOf(table);
    const edited = compileAutomation(anAutomation({ actions: [actionExamples.createLead] }));

    // Act
    const second = await runCompiled(edited, continuation, { table, executionId: 'arn:aws:states:eu-west-1:000000000000:execution:automation:second' });

    // Assess
    expect(second.entered).toEqual(['Enroll', 'Resuming a run?', 'Delay removed', 'Skip']);
    expect(recordOf(table, continuation.detail.eventId)).toMatchObject({
      status: 'SKIPPED',
      reason: 'the automation no longer waits: an edit removed its delay while the run waited',
    });
  });

  it('that shortened the delay below a year plans the rest of it', async () => {
    // Prepare
    const table = new RunTable();
    const continuation = await continuationOf(table);
    const edited = compileAutomation(anAutomation({ delay: { after: 'P6M' } }));

    // Act
    const second = await runCompiled(edited, continuation, { table, executionId: 'arn:aws:states:eu-west-1:000000000000:execution:automation:second' });

    // Assess
    expect(second.entered.slice(0, 4)).toEqual(['Enroll', 'Resuming a run?', 'Plan wait', 'Wait 6 months']);
  });
});

describe('the event pattern and EventBridge’s quota', () => {
  /** Conditions whose pattern takes about `size` characters: an "in" list of long values. */
  const bulkyConditions = (size: number) => ({
    all: [{ field: 'title', op: 'in', value: Array.from({ length: Math.ceil(size / 40) }, (_, index) => `a title long enough to count ${index}`.padEnd(36, '.')) }],
  });

  it('is at most 2,048 characters by default: conditions that do not fit are left to the run', () => {
    // Prepare
    const automation = anAutomation({ conditions: bulkyConditions(3000) });

    // Act
    const pattern = compileEventPattern(automation);

    // Assess
    expect(DEFAULT_MAX_PATTERN_LENGTH).toBe(2048);
    expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(2048);
    expect(JSON.stringify(pattern)).not.toContain('a title long enough');
  });

  it('keeps the conditions under a raised quota', () => {
    // Prepare
    const automation = anAutomation({ conditions: bulkyConditions(3000) });

    // Act
    const { eventPattern } = compileAutomation(automation, { maxPatternLength: 8192 });

    // Assess
    expect(JSON.stringify(eventPattern)).toContain('a title long enough to count 0');
  });

  it('refuses an automation whose trigger alone does not fit', () => {
    // Act
    const compiling = () => compileAutomation(anAutomation(), { maxPatternLength: 100 });

    // Assess
    expect(compiling).toThrow(PatternTooLong);
    expect(compiling).toThrow(/over EventBridge's limit of 100/);
  });
});

describe('Plan wait checking the conditions', () => {
  it('hands Plan wait the conditions as JSON text', () => {
    // Act
    const { asl } = compileAutomation(anAutomation({ delay: { after: 'P6M' } }));

    // Assess
    const payload = (asl.States['Plan wait']?.Parameters as { Payload: Record<string, unknown> }).Payload;
    expect(JSON.parse(String(payload.conditions))).toEqual({ all: [{ field: 'amount', op: 'gte', value: 1000 }] });
  });

  it('is a ConditionsNotMet error, so Skip records it', () => {
    expect(new ConditionsNotMet('x').name).toBe('Stagecraft.ConditionsNotMet');
  });
});
