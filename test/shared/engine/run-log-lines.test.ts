// What a step's line in the run log says: the custom fields an update set, by name and value, what a step
// planned or notified, and why a mail to the contact had nobody to go to.
import { beforeAll, describe, expect, it } from 'vitest';
import { Liquid } from 'liquidjs';
import { loadDateArithmetic } from '#shared/automation/date-arithmetic.ts';
import type { Entity, EntityType } from '#shared/domain/entities.ts';
import { type Actions, type StepContext, StepFailed, createActions } from '#shared/engine/actions.ts';
import { KEPT_VALUE, keptText } from '#shared/engine/step-outcome.ts';
import { createWebhookSender } from '#shared/webhooks/outbound.ts';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, dealBody, must } from '#test/support/http-factories.ts';

await loadDateArithmetic();

let t: TestApp;
let actions: Actions;
let runs = 0;
const liquid = new Liquid();

beforeAll(async () => {
  t = await createTestApp();
  actions = createActions({
    store: t.app.store,
    records: t.app.records,
    sendMail: async (mail) => ({ sent: true, to: mail.to, messageId: 'm1' }),
    clock: t.clock,
    sendWebhook: createWebhookSender({ allowLoopback: true }),
  });
});

function stepContext(entityType: EntityType, entity: Entity): StepContext {
  runs += 1;
  return {
    automationId: 'auto-lines',
    automationName: 'Run log lines',
    runId: `run-lines-${runs}`,
    stepIndex: 1,
    plannedAt: t.clock.now(),
    entityType,
    entityId: entity.id,
    depth: 0,
    timeZone: 'UTC',
    render: (template) => liquid.parseAndRender(template, { [entityType]: entity }),
  };
}

describe('updateFields', () => {
  it('names each custom field it set, in its line and in the record it changed', async () => {
    // Prepare
    const deal = await must<Entity>(t, 'POST', '/deals', dealBody({ fields: { other: 'kept' } }));

    // Act
    const outcome = await actions.runStep({ type: 'updateFields', set: { 'fields.step1': 'done', amount: '700' } }, stepContext('deal', deal), deal);

    // Assess
    expect(outcome.done).toBe('set fields.step1, amount');
    expect(outcome.records?.[0]?.fields).toEqual(['fields.step1', 'amount']);
  });

  it('names only the fields whose value changed', async () => {
    // Prepare
    const deal = await must<Entity>(t, 'POST', '/deals', dealBody({ fields: { step1: 'done' } }));

    // Act
    const outcome = await actions.runStep({ type: 'updateFields', set: { 'fields.step1': 'done', 'fields.step2': 'done' } }, stepContext('deal', deal), deal);

    // Assess
    expect(outcome.done).toBe('set fields.step2');
  });

  it('is a noop when every custom field has its value already', async () => {
    // Prepare
    const deal = await must<Entity>(t, 'POST', '/deals', dealBody({ fields: { step1: 'done', other: 'x' } }));

    // Act
    const outcome = await actions.runStep({ type: 'updateFields', set: { 'fields.step1': 'done' } }, stepContext('deal', deal), deal);

    // Assess
    expect([outcome.result, outcome.done]).toEqual(['noop', 'fields.step1 already set']);
  });
});

describe('what a step wrote or sent', () => {
  it('cuts a long value it set, flagged, and keeps the others whole', async () => {
    // Prepare
    const deal = await must<Entity>(t, 'POST', '/deals', dealBody());
    const long = 'n'.repeat(KEPT_VALUE + 10);

    // Act
    const outcome = await actions.runStep({ type: 'updateFields', set: { 'fields.notes': long, 'fields.tier': 'gold' } }, stepContext('deal', deal), deal);

    // Assess
    expect(outcome.records?.[0]).toMatchObject({ values: { 'fields.notes': 'n'.repeat(KEPT_VALUE), 'fields.tier': 'gold' }, truncated: true });
  });

  it('planActivity keeps the subject and due date it planned', async () => {
    // Prepare
    const deal = await must<Entity>(t, 'POST', '/deals', dealBody());

    // Act
    const outcome = await actions.runStep(
      { type: 'planActivity', subject: 'Call about {{ deal.title }}', activityType: 'call', due: '2026-05-04T09:00:00Z', responsible: t.admin.id },
      stepContext('deal', deal),
      deal,
    );

    // Assess
    expect(outcome.records?.[0]?.values).toEqual({ subject: `Call about ${String(deal.title)}`, activityType: 'call', dueAt: '2026-05-04T09:00:00.000Z', responsibleId: t.admin.id });
  });

  it('notify keeps the message it left', async () => {
    // Prepare
    const deal = await must<Entity>(t, 'POST', '/deals', dealBody());

    // Act
    const outcome = await actions.runStep({ type: 'notify', to: 'userId', userId: t.admin.id, message: 'Look at {{ deal.title }}' }, stepContext('deal', deal), deal);

    // Assess
    expect(outcome.notifications).toEqual([expect.objectContaining({ userId: t.admin.id, message: `Look at ${String(deal.title)}` })]);
  });

  it('a text cut where an emoji starts keeps no half of it', () => {
    // Prepare
    const text = `${'a'.repeat(9)}😀 and more`;

    // Act
    const kept = keptText(text, 10);

    // Assess
    expect(kept).toEqual({ text: 'a'.repeat(9), truncated: true });
  });
});

describe('sendEmail to the contact', () => {
  it('of a deal without a contact says there is no contact', async () => {
    // Prepare
    const deal = await must<Entity>(t, 'POST', '/deals', dealBody());

    // Act
    const attempt = actions.runStep({ type: 'sendEmail', to: 'contact', subject: 's', body: 'b' }, stepContext('deal', deal), deal);

    // Assess
    await expect(attempt).rejects.toThrow(StepFailed);
    await expect(attempt).rejects.toThrow('no address to mail: the deal has no contact');
  });

  it('whose contact has no address says so', async () => {
    // Prepare
    const contact = await must<Entity>(t, 'POST', '/contacts', contactBody({ emails: [] }));
    const deal = await must<Entity>(t, 'POST', '/deals', dealBody({ contactId: contact.id }));

    // Act
    const attempt = actions.runStep({ type: 'sendEmail', to: 'contact', subject: 's', body: 'b' }, stepContext('deal', deal), deal);

    // Assess
    await expect(attempt).rejects.toThrow('no address to mail: the contact has no e-mail address');
  });
});
