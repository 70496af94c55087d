// A run step's log line on the real table: written in the same transaction as the record change it describes
// (both or neither), once per execution however often its Task is retried, and Check conditions' line carried
// on its first action's item read back as a step of its own.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '#shared/domain/entities.ts';
import { type Store, createStore } from '#shared/store/index.ts';
import { type CheckedStep, type StepWrite, StepRecordedAlready } from '#shared/store/run-log.ts';
import { stepOrder } from '#shared/store/runs.ts';
import { aContact, asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock, ulidIds } from '#test/support/table.ts';

let store: Store;
const clock = manualClock('2026-03-01T10:00:00.000Z');
const automationId = 'auto-lines';
let runs = 0;

beforeAll(async () => {
  const table = await createTestTable();
  store = createStore(table, clock, ulidIds(clock));
});

function aRunId(): string {
  runs += 1;
  return `run-lines-${runs}`;
}

function anActionLine(overrides: Partial<StepWrite> = {}): Omit<StepWrite, 'outcome'> {
  return {
    order: stepOrder.action(0),
    name: '1 · Update fields',
    status: 'SUCCEEDED',
    startedAt: '2026-03-01T10:00:01.000Z',
    endedAt: '2026-03-01T10:00:02.000Z',
    executionId: 'exec-1',
    ...overrides,
  };
}

/** The action's update of `contact` with its line alongside, as run-action's action Task writes it. */
async function updateWithLine(runId: string, contact: Entity, name: string, line: Partial<StepWrite> = {}) {
  let written = false;
  const alongside = store.runLog.stepAlongside(
    automationId,
    runId,
    (record) => ({ step: { ...anActionLine(line), outcome: { result: 'changed', done: `set name to ${name}`, version: record.version } } }),
    () => (written = true),
  );
  const updated = await store.records.update('contact', contact.id, (current) => ({ ...current, name }), asUser('butler'), {
    expectedVersion: contact.version,
    current: contact,
    alongside,
  });
  return { updated, written };
}

describe("an action's line written with its record change", () => {
  it('is written in the same transaction, describing the version written', async () => {
    // Prepare
    const contact = await store.records.create('contact', aContact({ name: 'Before' }), asUser('u1'));
    const runId = aRunId();

    // Act
    const { updated, written } = await updateWithLine(runId, contact, 'After');

    // Assess
    const steps = await store.runLog.steps(automationId, runId);
    expect(written).toBe(true);
    expect(steps.map((step) => [step.name, step.status, step.attempts, step.outcome])).toEqual([
      ['1 · Update fields', 'SUCCEEDED', 1, { result: 'changed', done: 'set name to After', version: updated.version }],
    ]);
  });

  it('is not written when the record write is refused (another version in between)', async () => {
    // Prepare
    const contact = await store.records.create('contact', aContact({ name: 'Before' }), asUser('u1'));
    await store.records.update('contact', contact.id, (current) => ({ ...current, name: 'Someone else' }), asUser('u2'));
    const runId = aRunId();

    // Act
    const write = updateWithLine(runId, contact, 'After');

    // Assess
    await expect(write).rejects.toMatchObject({ code: 'VERSION_MISMATCH' });
    expect(await store.runLog.steps(automationId, runId)).toEqual([]);
  });

  it('refuses the whole write when this execution recorded the step already: the change is not made twice', async () => {
    // Prepare: the first attempt wrote, then someone changed the record back before the Task was retried.
    const contact = await store.records.create('contact', aContact({ name: 'Before' }), asUser('u1'));
    const runId = aRunId();
    await updateWithLine(runId, contact, 'After');
    const changedBack = await store.records.update('contact', contact.id, (current) => ({ ...current, name: 'Before' }), asUser('u2'));

    // Act
    const retry = updateWithLine(runId, changedBack, 'After');

    // Assess
    await expect(retry).rejects.toBeInstanceOf(StepRecordedAlready);
    const now = await store.records.get('contact', contact.id);
    expect([now?.name, now?.version]).toEqual(['Before', changedBack.version]);
    const history = await store.records.history('contact', contact.id);
    expect(history.items).toHaveLength(3);
  });

  it('is written again by another execution of the run (a redrive runs the step anew)', async () => {
    // Prepare
    const contact = await store.records.create('contact', aContact({ name: 'Before' }), asUser('u1'));
    const runId = aRunId();
    const { updated } = await updateWithLine(runId, contact, 'After');

    // Act
    const again = await updateWithLine(runId, updated, 'Again', { executionId: 'exec-2' });

    // Assess
    const [step] = await store.runLog.steps(automationId, runId);
    expect([again.written, step?.executionId, step?.attempts, step?.outcome?.done]).toEqual([true, 'exec-2', 2, 'set name to Again']);
  });
});

describe('a step success written on its own', () => {
  it('is recorded once per execution: a retry counts its attempt and answers what the first one recorded', async () => {
    // Prepare
    const runId = aRunId();
    await store.runLog.recordStep(automationId, runId, { ...anActionLine(), outcome: { result: 'changed', done: 'mailed ada@example.com' } });

    // Act
    const earlier = await store.runLog.recordStep(automationId, runId, { ...anActionLine(), outcome: { result: 'noop', done: 'nothing to do' } });

    // Assess
    expect(earlier?.outcome).toEqual({ result: 'changed', done: 'mailed ada@example.com' });
    const steps = await store.runLog.steps(automationId, runId);
    expect(steps.map((step) => [step.status, step.attempts, step.outcome?.done])).toEqual([['SUCCEEDED', 2, 'mailed ada@example.com']]);
  });

  it('follows a failed attempt of the same execution', async () => {
    // Prepare
    const runId = aRunId();
    await store.runLog.recordStep(automationId, runId, { ...anActionLine(), status: 'FAILED', error: 'Stagecraft.Transient', cause: 'busy' });

    // Act
    const earlier = await store.runLog.recordStep(automationId, runId, { ...anActionLine(), outcome: { result: 'changed', done: 'set name' } });

    // Assess
    expect(earlier).toBeUndefined();
    const [step] = await store.runLog.steps(automationId, runId);
    expect([step?.status, step?.attempts, step?.outcome?.done, step?.error]).toEqual(['SUCCEEDED', 2, 'set name', undefined]);
  });
});

describe("Check conditions' line carried on its first action's item", () => {
  const checked = (overrides: Partial<CheckedStep> = {}): CheckedStep => ({
    name: 'Check conditions',
    startedAt: '2026-03-01T10:00:00.500Z',
    endedAt: '2026-03-01T10:00:00.700Z',
    executionId: 'exec-1',
    automationVersion: 3,
    outcome: { done: 'no conditions' },
    ...overrides,
  });

  it('reads back as a step of its own, before the action, and keeps the trigger event for a redrive', async () => {
    // Prepare
    const runId = aRunId();
    const event = { eventId: runId, entityType: 'contact', entityId: 'c1' };

    // Act
    await store.runLog.recordStep(automationId, runId, { ...anActionLine(), outcome: { result: 'changed', done: 'set name' }, checked: checked(), input: event });

    // Assess
    const steps = await store.runLog.steps(automationId, runId);
    expect(steps.map((step) => [step.order, step.name, step.status, step.attempts, step.startedAt, step.endedAt, step.outcome?.done])).toEqual([
      [stepOrder.checkConditions, 'Check conditions', 'SUCCEEDED', 1, '2026-03-01T10:00:00.500Z', '2026-03-01T10:00:00.700Z', 'no conditions'],
      [stepOrder.action(0), '1 · Update fields', 'SUCCEEDED', 1, '2026-03-01T10:00:01.000Z', '2026-03-01T10:00:02.000Z', 'set name'],
    ]);
    expect(steps[0]).toMatchObject({ executionId: 'exec-1', automationVersion: 3 });
    expect(steps[1]).not.toHaveProperty('checked');
    expect(await store.runLog.input(automationId, runId)).toEqual(event);
  });

  it('counts the attempts Check conditions failed and wrote itself before it succeeded', async () => {
    // Prepare
    const runId = aRunId();
    await store.runLog.recordStep(automationId, runId, {
      order: stepOrder.checkConditions,
      name: 'Check conditions',
      status: 'FAILED',
      startedAt: '2026-03-01T10:00:00.100Z',
      endedAt: '2026-03-01T10:00:00.200Z',
      executionId: 'exec-1',
      error: 'Lambda.Unknown',
      cause: 'crashed',
    });

    // Act: a failed action attempt writes the line too, then its retry succeeds with it.
    await store.runLog.recordStep(automationId, runId, { ...anActionLine(), status: 'FAILED', error: 'Stagecraft.Transient', cause: 'busy', checked: checked() });
    await store.runLog.recordStep(automationId, runId, { ...anActionLine(), outcome: { result: 'changed', done: 'set name' }, checked: checked() });

    // Assess
    const [check, action] = await store.runLog.steps(automationId, runId);
    expect(check).toMatchObject({ name: 'Check conditions', status: 'SUCCEEDED', attempts: 2, startedAt: '2026-03-01T10:00:00.100Z', outcome: { done: 'no conditions' } });
    expect(check).not.toHaveProperty('error');
    expect([action?.status, action?.attempts]).toEqual(['SUCCEEDED', 2]);
  });
});
