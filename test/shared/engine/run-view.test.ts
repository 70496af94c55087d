// How a run reads from its record and its step log: the steps framed by Enroll, the Wait and the closing state,
// and the one-line summary.
import { describe, expect, it } from 'vitest';
import { composeSteps, runSummary } from '#shared/engine/runs.ts';
import type { StepRecord } from '#shared/store/run-log.ts';
import type { RunRecord } from '#shared/store/runs.ts';

const aRun = (fields: Partial<RunRecord> = {}): RunRecord => ({
  automationId: 'auto-1',
  runId: 'run-1',
  triggerEventId: 'run-1',
  trigger: 'stageEntered',
  executionId: 'arn:execution',
  entityType: 'deal',
  entityId: 'deal-1',
  status: 'SUCCEEDED',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-07-01T00:00:05.000Z',
  actionsCompleted: 1,
  actionsTotal: 1,
  ...fields,
});

const planWait: StepRecord = {
  order: 0,
  name: 'Plan wait',
  status: 'SUCCEEDED',
  startedAt: '2026-01-01T00:00:01.000Z',
  endedAt: '2026-01-01T00:00:02.000Z',
  attempts: 1,
  outcome: { done: 'waits until 2026-07-01T00:00:00.000Z', dueAt: '2026-07-01T00:00:00.000Z', waitStep: 'Wait 6 months' },
};
const check: StepRecord = { order: 1, name: 'Check conditions', status: 'SUCCEEDED', startedAt: '2026-07-01T00:00:01.000Z', endedAt: '2026-07-01T00:00:02.000Z', attempts: 1 };

describe('composeSteps', () => {
  it('shows a waiting run’s Wait as WAITING with its due time', () => {
    const steps = composeSteps(aRun({ status: 'WAITING', endedAt: undefined, dueAt: '2026-07-01T00:00:00.000Z' }), [planWait]);

    expect(steps.map((step) => [step.name, step.status])).toEqual([
      ['Enroll', 'SUCCEEDED'],
      ['Plan wait', 'SUCCEEDED'],
      ['Wait 6 months', 'WAITING'],
    ]);
    expect(steps[2]?.dueAt).toBe('2026-07-01T00:00:00.000Z');
  });

  it('closes the Wait when the next step started, and the run with Record success', () => {
    const steps = composeSteps(aRun(), [check, planWait]);

    expect(steps.map((step) => [step.name, step.status, step.endedAt])).toEqual([
      ['Enroll', 'SUCCEEDED', '2026-01-01T00:00:00.000Z'],
      ['Plan wait', 'SUCCEEDED', '2026-01-01T00:00:02.000Z'],
      ['Wait 6 months', 'SUCCEEDED', '2026-07-01T00:00:01.000Z'],
      ['Check conditions', 'SUCCEEDED', '2026-07-01T00:00:02.000Z'],
      ['Record success', 'SUCCEEDED', '2026-07-01T00:00:05.000Z'],
    ]);
  });

  it('shows a cancelled wait as CANCELLED with the reason', () => {
    const steps = composeSteps(aRun({ status: 'CANCELLED', reason: 'the deal left stage won' }), [planWait]);

    expect(steps.slice(2).map((step) => [step.name, step.status, step.cause])).toEqual([
      ['Wait 6 months', 'CANCELLED', 'the deal left stage won'],
      ['Cancel', 'SUCCEEDED', 'the deal left stage won'],
    ]);
  });

  it('names a failed step that never reported back (a timeout) from the run record', () => {
    const run = aRun({ status: 'FAILED', error: 'States.Timeout', errorCause: 'Task timed out', failedStep: '1 · Send e-mail', actionsCompleted: 0 });

    const steps = composeSteps(run, [{ ...check, startedAt: '2026-01-01T00:00:01.000Z' }]);

    expect(steps.map((step) => [step.name, step.status, step.error])).toEqual([
      ['Enroll', 'SUCCEEDED', undefined],
      ['Check conditions', 'SUCCEEDED', undefined],
      ['1 · Send e-mail', 'FAILED', 'States.Timeout'],
      ['Record failure', 'SUCCEEDED', 'States.Timeout'],
    ]);
  });

  it('shows a run the loop guard stopped as one caught step with the reason', () => {
    const steps = composeSteps(aRun({ status: 'LOOP_STOPPED', reason: 'the loop guard stopped a chain' }), []);

    expect(steps).toEqual([expect.objectContaining({ name: 'Loop guard', status: 'CAUGHT', error: 'Stagecraft.LoopStopped', cause: 'the loop guard stopped a chain' })]);
  });
});

describe('runSummary', () => {
  it.each([
    [aRun({ summaries: ['1 · Create lead: created lead L1', '2 · Send e-mail: mailed a@example.com'] }), '1 · Create lead: created lead L1; 2 · Send e-mail: mailed a@example.com'],
    [aRun({ status: 'SKIPPED', reason: 'amount is 10, not ≥ 1000' }), 'skipped: amount is 10, not ≥ 1000'],
    [aRun({ status: 'WAITING', dueAt: '2026-07-01T00:00:00.000Z' }), 'waiting until 2026-07-01T00:00:00.000Z'],
    [
      aRun({ status: 'FAILED', failedStep: '2 · Notify', errorCause: '{"errorMessage":"user ghost does not exist","errorType":"Stagecraft.StepFailed"}', summaries: ['1 · Create lead: created lead L1'] }),
      'failed at 2 · Notify: user ghost does not exist (done before: 1 · Create lead: created lead L1)',
    ],
  ])('says in a line what the run did (%#)', (run, summary) => {
    expect(runSummary(run)).toBe(summary);
  });
});
