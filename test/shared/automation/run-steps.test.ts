// The pure side of run-action's steps: Plan wait's answer, Check conditions' decision, and error causes.
import { describe, expect, it } from 'vitest';
import {
  type CheckConditionsPayload,
  ConditionsNotMet,
  type PlanWaitPayload,
  RunCancelled,
  answerPlanWait,
  causeMessage,
  decideRun,
  enforceDecision,
  needsCurrentRecord,
  triggerMismatch,
} from '#shared/automation/run-steps.ts';
import { anEvent } from './factories.ts';

function aPlanWaitPayload(overrides: Partial<PlanWaitPayload> = {}): PlanWaitPayload {
  const event = anEvent();
  return {
    task: 'planWait',
    trigger: { type: 'stageEntered', entity: 'deal', stageId: 'won' },
    automationId: 'renewal-1',
    runId: event.eventId,
    executionId: 'arn:execution:1',
    entityType: 'deal',
    entityId: event.entityId,
    event,
    startedAt: '2026-03-10T12:00:01.000Z',
    wait: { after: 'P2Y' },
    timeZone: 'UTC',
    run: { step: 'Plan wait', actionsCompleted: '0' },
    steps: { due: 'Check conditions', continues: 'Continue in a new run' },
    ...overrides,
  };
}

function aCheckPayload(overrides: Partial<CheckConditionsPayload> = {}): CheckConditionsPayload {
  const event = anEvent();
  return {
    task: 'checkConditions',
    automationId: 'renewal-1',
    runId: event.eventId,
    executionId: 'arn:execution:1',
    entityType: 'deal',
    entityId: event.entityId,
    event,
    trigger: { type: 'stageEntered', entity: 'deal', stageId: 'won' },
    conditions: JSON.stringify({ all: [{ field: 'amount', op: 'gte', value: 1000 }] }),
    recheck: false,
    onLeave: 'cancel',
    finishPending: false,
    waited: true,
    ...overrides,
  };
}

describe('answerPlanWait', () => {
  it('a run due within the execution goes on to Check conditions', () => {
    // Prepare
    const payload = aPlanWaitPayload({ wait: { after: 'P6M' } });

    // Act
    const answer = answerPlanWait(payload);

    // Assess
    expect(answer).toMatchObject({ nextStep: 'Check conditions', continues: false, dueAt: '2026-09-10T12:00:00.000Z' });
  });

  it('a run due later continues in a new execution named after the run and part', () => {
    // Prepare
    const payload = aPlanWaitPayload();

    // Act
    const answer = answerPlanWait(payload);

    // Assess
    expect(answer).toMatchObject({
      nextStep: 'Continue in a new run',
      continues: true,
      continuation: { part: 2, dueAt: '2028-03-10T12:00:00.000Z', executionName: `${payload.runId}-2` },
    });
  });

  it('skips a dateReached run whose update left the date as it was', () => {
    // Prepare
    const event = anEvent({ before: { closeDate: '2026-06-30', amount: 1 }, after: { closeDate: '2026-06-30', amount: 2 } });
    const payload = aPlanWaitPayload({ event, trigger: { type: 'dateReached', entity: 'deal', field: 'closeDate' }, wait: { until: { field: 'closeDate' } } });

    // Act
    const act = () => answerPlanWait(payload);

    // Assess
    expect(act).toThrow(new ConditionsNotMet('closeDate did not change'));
  });

  it('an empty date field skips the run', () => {
    // Prepare
    const payload = aPlanWaitPayload({ wait: { until: { field: 'fields.renewal_date' } } });

    // Act
    const act = () => answerPlanWait(payload);

    // Assess
    expect(act).toThrow(ConditionsNotMet);
  });
});

describe('decideRun', () => {
  const current = { title: 'Boiler', pipelineId: 'sales', stageId: 'won', amount: 1500, closeDate: '2026-06-30' };

  it.each<[string, Partial<CheckConditionsPayload>, Parameters<typeof decideRun>[1], ReturnType<typeof decideRun>]>([
    ['proceeds when the conditions hold', {}, { current, automationStatus: 'active' }, { proceed: true }],
    [
      'skips when a condition did not hold at the trigger',
      { event: anEvent({ after: { stageId: 'won', amount: 10 } }) },
      {},
      { proceed: false, outcome: 'skip', reason: 'amount ≥ 1000 does not hold' },
    ],
    [
      'skips a recheck whose conditions no longer hold',
      { recheck: true },
      { current: { ...current, amount: 900 } },
      { proceed: false, outcome: 'skip', reason: 'no longer: amount ≥ 1000 does not hold' },
    ],
    ['ignores a changed record without recheck', { onLeave: 'continue' }, { current: { ...current, amount: 900 } }, { proceed: true }],
    [
      'cancels a waiting run of a stopped automation',
      {},
      { current, automationStatus: 'stopped' },
      { proceed: false, outcome: 'cancel', reason: 'the automation was stopped' },
    ],
    ['lets a waiting run finish with finishPending', { finishPending: true }, { current, automationStatus: 'stopped' }, { proceed: true }],
    [
      'cancels a run whose record left the stage',
      {},
      { current: { ...current, stageId: 'lost' } },
      { proceed: false, outcome: 'cancel', reason: 'the deal left stage won' },
    ],
    ['continues when the record left the stage with onLeave continue', { onLeave: 'continue' }, { current: { ...current, stageId: 'lost' } }, { proceed: true }],
    [
      'skips a dateReached run whose date changed',
      { trigger: { type: 'dateReached', entity: 'deal', field: 'closeDate' }, onLeave: 'continue' },
      { current: { ...current, closeDate: '2026-07-31' } },
      { proceed: false, outcome: 'skip', reason: 'closeDate changed since the run was planned' },
    ],
    [
      'skips a run whose record was deleted',
      { recheck: true },
      { current: null },
      { proceed: false, outcome: 'skip', reason: 'the deal no longer exists' },
    ],
    [
      'skips an update that changed none of the fields the trigger names',
      {
        trigger: { type: 'updated', entity: 'deal', fields: ['fields.segment'] },
        event: anEvent({ before: { amount: 1500, fields: { segment: 'smb', seats: 1 } }, after: { amount: 1500, fields: { segment: 'smb', seats: 2 } } }),
        waited: false,
      },
      {},
      { proceed: false, outcome: 'skip', reason: 'none of fields.segment changed' },
    ],
    [
      'proceeds with an update that changed a field the trigger names',
      {
        trigger: { type: 'updated', entity: 'deal', fields: ['fields.segment'] },
        event: anEvent({ before: { amount: 1500, fields: { segment: 'smb' } }, after: { amount: 1500, fields: { segment: 'mid' } } }),
        waited: false,
      },
      {},
      { proceed: true },
    ],
  ])('%s', (_case, overrides, facts, expected) => {
    // Prepare
    const payload = aCheckPayload(overrides);

    // Act
    const decision = decideRun(payload, facts);

    // Assess
    expect(decision).toEqual(expected);
  });

  it.each<[string, Partial<CheckConditionsPayload>, boolean]>([
    ['recheck', { recheck: true, waited: false }, true],
    ['a waiting run that cancels on leave', { onLeave: 'cancel' }, true],
    ['a waiting dateReached run', { onLeave: 'continue', trigger: { type: 'dateReached', entity: 'deal', field: 'closeDate' } }, true],
    ['a run without wait nor recheck', { waited: false }, false],
    ['a waiting run that continues on leave (its record may be gone)', { onLeave: 'continue' }, true],
    ['a waiting run of a deletion (its record is gone)', { onLeave: 'continue', trigger: { type: 'deleted', entity: 'deal' } }, false],
  ])('re-reads the record for %s: %s', (_case, overrides, expected) => {
    // Act
    const result = needsCurrentRecord(aCheckPayload(overrides));

    // Assess
    expect(result).toBe(expected);
  });
});

describe('enforceDecision', () => {
  it.each([
    ['skip', ConditionsNotMet, 'Stagecraft.ConditionsNotMet'],
    ['cancel', RunCancelled, 'Stagecraft.RunCancelled'],
  ] as const)('a %s throws the error its Catch routes on', (outcome, type, name) => {
    // Act
    const act = () => enforceDecision({ proceed: false, outcome, reason: 'because' });

    // Assess
    expect(act).toThrow(expect.objectContaining({ name, message: 'because' }));
    expect(act).toThrow(type);
  });
});

describe('causeMessage', () => {
  it.each([
    ['a Lambda error cause', JSON.stringify({ errorType: 'Stagecraft.ConditionsNotMet', errorMessage: 'amount is low', trace: [] }), 'amount is low'],
    ['a plain cause', 'the deal left stage won', 'the deal left stage won'],
    ['JSON without a message', '{"a":1}', '{"a":1}'],
    ['no cause', undefined, ''],
  ])('reads %s', (_case, cause, expected) => {
    // Act
    const message = causeMessage(cause);

    // Assess
    expect(message).toBe(expected);
  });
});

describe('triggerMismatch on an event trimmed to fit the bus', () => {
  it('trusts the custom fields the event names as changed, though its images lost them', () => {
    // Prepare: the publisher cut before.fields and after.fields; changedFields keeps the names.
    const event = anEvent({ before: { amount: 1500 }, after: { amount: 1500 }, changedFields: ['fields', 'fields.segment'], trimmed: ['before.fields', 'after.fields'] });

    // Act
    const mismatch = triggerMismatch({ type: 'updated', entity: 'deal', fields: ['fields.segment'] } as never, event);

    // Assess
    expect(mismatch).toBeUndefined();
  });
});
