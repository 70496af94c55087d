// run-action's Task on the real table: it reads what it needs once (the record; the run's planned time comes in
// the payload), leaves the last action's count and summary to Record success, and a retried Task changes nothing
// twice. And the update it makes on the record it read: a change in between is never lost.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CrmEventDetail } from '#shared/events/catalogue.ts';
import type { CheckConditionsPayload, CheckedLine, RunActionPayload } from '#shared/automation/run-steps.ts';
import type { Entity } from '#shared/domain/entities.ts';
import { createRunAction } from '#shared/engine/run-action.ts';
import { stepScope } from '#shared/engine/step-outcome.ts';
import { VersionMismatch } from '#shared/errors.ts';
import { RunClosedAlready } from '#shared/automation/run-errors.ts';
import { stepId } from '#shared/ids.ts';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { runActionOf } from '#test/support/run-action.ts';
import { aRun, putRuns } from '#test/support/run-records.ts';

let t: TestApp;
let handleTask: ReturnType<typeof createRunAction>;
let runs = 0;
const automationId = 'auto-ra';
const butler = { kind: 'automation', automationId: 'other', runId: 'r0', cause: { automationId: 'other', depth: 1 } } as const;

beforeAll(async () => {
  t = await createTestApp();
  handleTask = runActionOf(t);
});

async function aContact(): Promise<Entity> {
  const created = await t.call('POST', '/contacts', { name: 'Client', emails: [`c${Date.now()}${Math.random()}@example.com`.replace('0.', '')] });
  return created.body as Entity;
}

function aPayload(contact: Entity, overrides: Partial<RunActionPayload> = {}): RunActionPayload {
  runs += 1;
  const runId = `run-ra-${runs}`;
  return {
    task: 'runAction',
    automationId,
    runId,
    executionId: `local:${automationId}:${runId}`,
    entityType: 'contact',
    entityId: contact.id,
    event: { eventId: runId, entityType: 'contact', entityId: contact.id, occurredAt: '2026-03-10T12:00:00.000Z', after: contact } as unknown as CrmEventDetail,
    automationName: 'Run action test',
    actionIndex: 0,
    stepName: '1 · Update fields',
    action: { type: 'updateFields', set: { 'fields.tier': 'gold' } } as never,
    timeZone: 'UTC',
    planned: { plannedAt: '2026-03-10T12:00:00.000Z' },
    ...overrides,
  };
}

describe('an action Task', () => {
  it('makes its change once when retried, and its step is one entry with two attempts', async () => {
    // Prepare
    const contact = await aContact();
    const payload = aPayload(contact);

    // Act
    await handleTask(payload);
    await handleTask(payload);

    // Assess: the retry found the field set, and the log keeps what the first attempt did.
    const steps = await t.app.store.runLog.steps(automationId, payload.runId);
    expect(steps.map((step) => [step.name, step.status, step.attempts, step.outcome?.done])).toEqual([['1 · Update fields', 'SUCCEEDED', 2, 'set fields.tier']]);
    const now = await t.app.store.records.get('contact', contact.id);
    expect([now?.version, (now?.fields as Record<string, unknown>).tier]).toEqual([2, 'gold']);
  });

  it('retried after its change was written, changes nothing again though the record was changed back meanwhile', async () => {
    // Prepare: the first attempt wrote (its answer lost), then a person changed the field back.
    const contact = await aContact();
    const payload = aPayload(contact, { closes: true });
    await handleTask(payload);
    await t.call('PATCH', `/contacts/${contact.id}`, { fields: { tier: 'silver' } });

    // Act
    const answer = (await handleTask(payload)) as { records: Array<{ version: number }>; carry: { summaries: unknown } };

    // Assess: the person's change stands, and the Task answers what the first attempt did.
    const now = await t.app.store.records.get('contact', contact.id);
    expect([now?.version, (now?.fields as Record<string, unknown>).tier]).toEqual([3, 'silver']);
    expect([answer.records[0]?.version, answer.carry.summaries]).toEqual([2, [{ S: '1 · Update fields: set fields.tier' }]]);
    const [step] = await t.app.store.runLog.steps(automationId, payload.runId);
    expect([step?.attempts, step?.outcome?.done, step?.actor?.kind]).toEqual([2, 'set fields.tier', expect.any(String)]);
  });

  it("writes its line in its record's transaction: one history entry and one step, no write after it", async () => {
    // Prepare
    const contact = await aContact();
    const payload = aPayload(contact);

    // Act
    await handleTask(payload);

    // Assess
    const history = await t.app.store.records.history('contact', contact.id);
    const [step] = await t.app.store.runLog.steps(automationId, payload.runId);
    expect(history.items.map((entry) => entry.action)).toEqual(['updated', 'created']);
    expect(step).toMatchObject({ status: 'SUCCEEDED', attempts: 1, outcome: { result: 'changed', records: [{ id: contact.id, version: 2, change: 'updated' }] } });
  });

  it('derives what it creates from the planned time it is given, not from a run record (there is none)', async () => {
    // Prepare
    const contact = await aContact();
    const plannedAt = '2026-02-01T08:00:00.000Z';
    const payload = aPayload(contact, { action: { type: 'createLead', title: 'Follow up' } as never, stepName: '1 · Create lead', planned: { plannedAt } });

    // Act
    const answer = (await handleTask(payload)) as { records: Array<{ id: string }>; carry: { planned: unknown } };

    // Assess
    expect(answer.records[0]?.id).toBe(stepId(stepScope(payload), 1, new Date(plannedAt)));
    expect(answer.carry.planned).toEqual({ plannedAt });
  });

  it('reads the run for its planned time when the payload has none (a state machine compiled before)', async () => {
    // Prepare
    const contact = await aContact();
    const payload = aPayload(contact, { action: { type: 'createLead', title: 'Follow up' } as never, stepName: '1 · Create lead' });
    delete payload.planned;
    const dueAt = '2026-04-01T09:00:00.000Z';
    await putRuns(t.table, [aRun({ automationId, runId: payload.runId, startedAt: '2026-03-01T00:00:00.000Z', dueAt, status: 'RUNNING', entityType: 'contact', entityId: contact.id })]);

    // Act
    const answer = (await handleTask(payload)) as { records: Array<{ id: string }>; carry: { planned: unknown } };

    // Assess
    expect(answer.records[0]?.id).toBe(stepId(stepScope(payload), 1, new Date(dueAt)));
    expect(answer.carry.planned).toEqual({ plannedAt: dueAt, dueAt });
  });

  it('as the last action, leaves its count and summary line to Record success (in its answer), not writing the run', async () => {
    // Prepare
    const contact = await aContact();
    const payload = aPayload(contact, { closes: true });
    await putRuns(t.table, [aRun({ automationId, runId: payload.runId, startedAt: '2026-03-10T12:00:00.000Z', status: 'RUNNING', actionsCompleted: 0, entityType: 'contact', entityId: contact.id })]);

    // Act
    const answer = (await handleTask(payload)) as { carry: { summaries: unknown } };

    // Assess
    expect(answer.carry.summaries).toEqual([{ S: '1 · Update fields: set fields.tier' }]);
    const run = await t.app.store.runLog.get(automationId, payload.runId);
    expect([run?.actionsCompleted, run?.summaries]).toEqual([0, undefined]);
  });

  it('before the last action, writes the count and summary line itself, once however often it is retried', async () => {
    // Prepare
    const contact = await aContact();
    const payload = aPayload(contact);
    await putRuns(t.table, [aRun({ automationId, runId: payload.runId, startedAt: '2026-03-10T12:00:00.000Z', status: 'RUNNING', actionsCompleted: 0, entityType: 'contact', entityId: contact.id })]);

    // Act
    const first = (await handleTask(payload)) as { carry: { summaries: unknown } };
    await handleTask(payload);

    // Assess
    expect(first.carry.summaries).toEqual([]);
    const run = await t.app.store.runLog.get(automationId, payload.runId);
    expect([run?.actionsCompleted, run?.summaries]).toEqual([1, ['1 · Update fields: set fields.tier']]);
  });
});

describe('an update on the record as the caller read it', () => {
  it('is written on the fresh record when the record changed since, keeping the other change', async () => {
    // Prepare
    const read = await aContact();
    await t.call('PATCH', `/contacts/${read.id}`, { name: 'Renamed meanwhile' });

    // Act
    const updated = await t.app.records.update('contact', read.id, { fields: { tier: 'gold' } }, butler, undefined, { read });

    // Assess
    expect([updated.version, updated.name, (updated.fields as Record<string, unknown>).tier]).toEqual([3, 'Renamed meanwhile', 'gold']);
  });

  it('fails with the version conflict when the caller holds to the version it read', async () => {
    // Prepare
    const read = await aContact();
    await t.call('PATCH', `/contacts/${read.id}`, { name: 'Renamed meanwhile' });

    // Act
    const write = t.app.records.update('contact', read.id, { fields: { tier: 'gold' } }, butler, read.version, { read });

    // Assess
    await expect(write).rejects.toBeInstanceOf(VersionMismatch);
    expect((await t.app.store.records.get('contact', read.id))?.name).toBe('Renamed meanwhile');
  });

  it('is written without another read when nothing changed since', async () => {
    // Prepare
    const read = await aContact();

    // Act
    const updated = await t.app.records.update('contact', read.id, { fields: { tier: 'gold' } }, butler, undefined, { read });

    // Assess
    expect([updated.version, (updated.fields as Record<string, unknown>).tier]).toEqual([2, 'gold']);
  });
});

describe("Check conditions' line", () => {
  function checks(contact: Entity, runId: string, overrides: Partial<CheckConditionsPayload> = {}): CheckConditionsPayload {
    return {
      task: 'checkConditions',
      automationId,
      runId,
      executionId: `local:${automationId}:${runId}`,
      entityType: 'contact',
      entityId: contact.id,
      event: { eventId: runId, entityType: 'contact', entityId: contact.id, occurredAt: '2026-03-10T12:00:00.000Z', after: contact } as unknown as CrmEventDetail,
      trigger: { type: 'created', entity: 'contact' } as never,
      conditions: null,
      recheck: false,
      onLeave: 'continue',
      finishPending: false,
      waited: false,
      startedAt: '2026-03-10T12:00:00.000Z',
      ...overrides,
    };
  }

  it('is answered, not written, when the first action follows, and that action writes it with its own', async () => {
    // Prepare
    const contact = await aContact();
    const action = aPayload(contact);
    const check = checks(contact, action.runId, { defersStep: true });

    // Act
    const answer = (await handleTask(check)) as { carry: { checked: CheckedLine } };
    const before = await t.app.store.runLog.steps(automationId, action.runId);
    await handleTask({ ...action, checked: answer.carry.checked });

    // Assess
    expect(before).toEqual([]);
    const steps = await t.app.store.runLog.steps(automationId, action.runId);
    expect(steps.map((step) => [step.name, step.status, step.outcome?.done])).toEqual([
      ['Check conditions', 'SUCCEEDED', 'no conditions'],
      ['1 · Update fields', 'SUCCEEDED', 'set fields.tier'],
    ]);
    expect(await t.app.store.runLog.input(automationId, action.runId)).toEqual(check.event);
  });

  it('is written by the first action that fails too', async () => {
    // Prepare
    const contact = await aContact();
    const action = aPayload(contact, { action: { type: 'notify', to: 'userId', userId: 'nobody', message: 'hi' } as never, stepName: '1 · Notify' });
    const answer = (await handleTask(checks(contact, action.runId, { defersStep: true }))) as { carry: { checked: CheckedLine } };

    // Act
    const failed = handleTask({ ...action, checked: answer.carry.checked });

    // Assess
    await expect(failed).rejects.toThrow(/nobody/);
    const steps = await t.app.store.runLog.steps(automationId, action.runId);
    expect(steps.map((step) => [step.name, step.status])).toEqual([
      ['Check conditions', 'SUCCEEDED'],
      ['1 · Notify', 'FAILED'],
    ]);
  });

  it('is written by Check conditions itself for a state machine compiled before (no defersStep)', async () => {
    // Prepare
    const contact = await aContact();
    const runId = `run-ra-old-${Date.now()}`;

    // Act
    const answer = (await handleTask(checks(contact, runId))) as { carry: Record<string, unknown> };

    // Assess
    expect(answer.carry).not.toHaveProperty('checked');
    const steps = await t.app.store.runLog.steps(automationId, runId);
    expect(steps.map((step) => [step.name, step.status, step.outcome?.done])).toEqual([['Check conditions', 'SUCCEEDED', 'no conditions']]);
  });

  describe('after a wait, for a deal that entered the trigger stage', () => {
    async function aDealThatEntered(): Promise<{ deal: Entity; waitedCheck: (runId: string) => CheckConditionsPayload }> {
      const contact = await aContact();
      const trigger = { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' };
      const automation = await t.call('POST', '/automations', { name: `Follow-up ${Date.now()}`, status: 'active', trigger, delay: { after: 'P2M' }, actions: [{ type: 'createLead', title: 'Follow up' }] });
      const deal = (await t.call('POST', '/deals', { title: 'Boomerang', pipelineId: 'sales', stageId: 'contract', contactId: contact.id })).body as Entity;
      const waitedCheck = (runId: string) =>
        checks(contact, runId, {
          automationId: automation.body.id,
          entityType: 'deal',
          entityId: deal.id,
          event: { eventId: runId, entityType: 'deal', entityId: deal.id, occurredAt: deal.createdAt, after: deal } as unknown as CrmEventDetail,
          trigger: trigger as never,
          onLeave: 'cancel',
          waited: true,
        });
      return { deal, waitedCheck };
    }

    it('cancels the run when the deal left the stage and came back meanwhile (the return has a run of its own)', async () => {
      // Prepare
      const { deal, waitedCheck } = await aDealThatEntered();
      t.clock.advance(60_000);
      const left = await t.call('PATCH', `/deals/${deal.id}`, { stageId: 'won' });
      t.clock.advance(60_000);
      const back = await t.call('PATCH', `/deals/${deal.id}`, { stageId: 'contract' });

      // Act
      const checked = handleTask(waitedCheck(`run-ra-back-${Date.now()}`));

      // Assess
      expect([left.status, back.status]).toEqual([200, 200]);
      await expect(checked).rejects.toMatchObject({ name: expect.stringMatching(/RunCancelled/), message: 'the deal left stage contract and came back: that entry has a run of its own' });
    });

    it('goes on when the deal stayed in the stage and only other fields changed', async () => {
      // Prepare
      const { deal, waitedCheck } = await aDealThatEntered();
      t.clock.advance(60_000);
      const changed = await t.call('PATCH', `/deals/${deal.id}`, { amount: 5000 });

      // Act
      const answer = (await handleTask(waitedCheck(`run-ra-stay-${Date.now()}`))) as { proceed: boolean };

      // Assess
      expect(changed.status).toBe(200);
      expect(answer.proceed).toBe(true);
    });
  });

  it('is written by Check conditions itself when it skips the run', async () => {
    // Prepare
    const contact = await aContact();
    const runId = `run-ra-skip-${Date.now()}`;
    const conditions = JSON.stringify({ all: [{ field: 'name', op: 'equals', value: 'Someone else' }] });

    // Act
    const skipped = handleTask(checks(contact, runId, { defersStep: true, conditions }));

    // Assess
    await expect(skipped).rejects.toMatchObject({ name: expect.stringMatching(/ConditionsNotMet/) });
    const [step] = await t.app.store.runLog.steps(automationId, runId);
    expect([step?.name, step?.status]).toEqual(['Check conditions', 'CAUGHT']);
  });
});

describe('the last action of a run compiled to end with it (closesRun)', () => {
  async function aRunningRun(contact: Entity, overrides: Partial<RunActionPayload> = {}) {
    const payload = aPayload(contact, { closesRun: true, ...overrides });
    await putRuns(t.table, [aRun({ automationId, runId: payload.runId, startedAt: '2026-03-10T12:00:00.000Z', status: 'RUNNING', actionsCompleted: 0, entityType: 'contact', entityId: contact.id })]);
    return payload;
  }

  it("closes the run as SUCCEEDED in its record write's transaction, with its count and summary line", async () => {
    // Prepare
    const contact = await aContact();
    const payload = await aRunningRun(contact);

    // Act
    await handleTask(payload);

    // Assess
    const run = await t.app.store.runLog.get(automationId, payload.runId);
    expect([run?.status, run?.actionsCompleted, run?.summaries, run?.endedAt]).toEqual(['SUCCEEDED', 1, ['1 · Update fields: set fields.tier'], expect.any(String)]);
    const [step] = await t.app.store.runLog.steps(automationId, payload.runId);
    expect([step?.status, step?.attempts]).toEqual(['SUCCEEDED', 1]);
  });

  it('retried after it closed the run, changes nothing: one summary line, one change', async () => {
    // Prepare
    const contact = await aContact();
    const payload = await aRunningRun(contact);
    await handleTask(payload);

    // Act
    await handleTask(payload);

    // Assess
    const run = await t.app.store.runLog.get(automationId, payload.runId);
    expect([run?.status, run?.summaries]).toEqual(['SUCCEEDED', ['1 · Update fields: set fields.tier']]);
    expect((await t.app.store.records.get('contact', contact.id))?.version).toBe(2);
  });

  it("replayed after its execution's Enroll put the run back to RUNNING (local mode after a crash), closes it again, once", async () => {
    // Prepare
    const contact = await aContact();
    const payload = await aRunningRun(contact);
    await handleTask(payload);
    await putRuns(t.table, [aRun({ automationId, runId: payload.runId, startedAt: '2026-03-10T12:00:00.000Z', status: 'RUNNING', actionsCompleted: 0, entityType: 'contact', entityId: contact.id })]);
    // …and a person changed the field back meanwhile: the replayed write is refused by its recorded line.
    await t.call('PATCH', `/contacts/${contact.id}`, { fields: { tier: 'silver' } });

    // Act
    await handleTask(payload);

    // Assess
    const run = await t.app.store.runLog.get(automationId, payload.runId);
    expect([run?.status, run?.actionsCompleted, run?.summaries]).toEqual(['SUCCEEDED', 1, ['1 · Update fields: set fields.tier']]);
    const now = await t.app.store.records.get('contact', contact.id);
    expect([now?.version, (now?.fields as Record<string, unknown>).tier]).toEqual([3, 'silver']);
  });

  it('does nothing when the run was cancelled meanwhile, and says so', async () => {
    // Prepare
    const contact = await aContact();
    const payload = await aRunningRun(contact);
    await t.app.store.runLog.markCancelled(automationId, payload.runId, 'the automation was stopped', '2026-03-10T12:00:01.000Z');

    // Act
    const task = handleTask(payload);

    // Assess
    await expect(task).rejects.toBeInstanceOf(RunClosedAlready);
    expect((await t.app.store.records.get('contact', contact.id))?.version).toBe(1);
    const run = await t.app.store.runLog.get(automationId, payload.runId);
    expect([run?.status, run?.summaries]).toEqual(['CANCELLED', undefined]);
    const [step] = await t.app.store.runLog.steps(automationId, payload.runId);
    expect([step?.status, step?.outcome?.done]).toEqual(['CAUGHT', expect.stringMatching(/^did nothing: the run was closed/)]);
  });

  it('closes the run after its line when its work is not a record write (a notification)', async () => {
    // Prepare
    const contact = await aContact();
    const payload = await aRunningRun(contact, {
      action: { type: 'notify', to: 'userId', userId: t.admin.id, message: 'hi' } as never,
      stepName: '1 · Notify',
    });

    // Act
    await handleTask(payload);

    // Assess
    const run = await t.app.store.runLog.get(automationId, payload.runId);
    expect([run?.status, run?.actionsCompleted, run?.summaries]).toEqual(['SUCCEEDED', 1, [expect.stringMatching(/^1 · Notify: notified /)]]);
  });
});
