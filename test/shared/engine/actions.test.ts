// Each automation step's effect on the CRM, and that running a step twice changes nothing twice.
import { loadDateArithmetic } from '#shared/automation/date-arithmetic.ts';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Liquid } from 'liquidjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOutbox } from '#infra/local/outbox.ts';
import { systemActor } from '#shared/domain/actors.ts';
import type { Entity, EntityType } from '#shared/domain/entities.ts';
import { type Actions, type StepContext, StepFailed, createActions } from '#shared/engine/actions.ts';
import { stepScope } from '#shared/engine/step-outcome.ts';
import { unlinkDeletedRule } from '#shared/events/system-rules.ts';
import { stepId, ulidIds } from '#shared/ids.ts';
import { createWebhookSender } from '#shared/webhooks/outbound.ts';
import { createGuardedMailer } from '#shared/mail/guarded-mailer.ts';
import { type TestApp, createTestApp } from '#test/support/app.ts';

// Waits, date conditions and due dates count in luxon, loaded on first use (date-arithmetic.ts); run-action loads it per Task.
await loadDateArithmetic();

let t: TestApp;
let actions: Actions;
let outbox: string;
const liquid = new Liquid();
let runCount = 0;

beforeAll(async () => {
  t = await createTestApp();
  outbox = mkdtempSync(join(tmpdir(), 'stagecraft-outbox-'));
  const mailer = createOutbox(outbox, t.clock, ulidIds(t.clock));
  actions = createActions({
    store: t.app.store,
    records: t.app.records,
    sendMail: createGuardedMailer(mailer, t.app.store.exceptions),
    clock: t.clock,
    sendWebhook: createWebhookSender({ allowLoopback: true }),
  });
});

function stepContext(entityType: EntityType, entity: Entity, overrides: Partial<StepContext> = {}): StepContext {
  runCount += 1;
  return {
    automationId: 'auto-1',
    automationName: 'Test automation',
    runId: `run-${runCount}`,
    stepIndex: 1,
    plannedAt: t.clock.now(),
    entityType,
    entityId: entity.id,
    depth: 0,
    timeZone: 'Europe/Berlin',
    render: (template) => liquid.parseAndRender(template, { [entityType]: entity, record: entity }),
    ...overrides,
  };
}

async function aContactAndDeal(contact: Record<string, unknown> = {}, deal: Record<string, unknown> = {}) {
  const c = await t.call('POST', '/contacts', { name: 'Client', emails: [`c${Date.now()}${Math.random()}@example.com`.replace('0.', '')], ...contact });
  const d = await t.call('POST', '/deals', { title: 'Roof', pipelineId: 'sales', stageId: 'new', contactId: c.body.id, responsibleId: t.admin.id, amount: 900, ...deal });
  return { contact: c.body as Entity, deal: d.body as Entity };
}

describe('createLead', () => {
  it('creates the repeat lead as the Butler, with the client’s contact details and a rendered title', async () => {
    const { contact, deal } = await aContactAndDeal();
    const ctx = stepContext('deal', deal);

    const outcome = await actions.runStep({ type: 'createLead', title: 'Renewal: {{ deal.title }}' }, ctx, deal);

    const lead = await t.app.store.records.require('lead', outcome.records![0]!.id);
    expect(outcome.records).toEqual([
      { type: 'lead', id: lead.id, version: 1, change: 'created', href: `/leads/${lead.id}`, values: { title: 'Renewal: Roof', responsibleId: t.admin.id } },
    ]);
    expect(lead).toMatchObject({ title: 'Renewal: Roof', emails: contact.emails, createdBy: 'butler', responsibleId: t.admin.id });
    const history = await t.app.store.records.history('lead', lead.id);
    expect(history.items[0]?.actor).toEqual({ kind: 'butler', id: 'butler', via: { automationId: 'auto-1', runId: ctx.runId } });
    expect(history.items[0]?.cause).toEqual({ automationId: 'auto-1', depth: 1 });
  });

  it('creates one lead when the same step runs twice', async () => {
    const { deal } = await aContactAndDeal();
    const ctx = stepContext('deal', deal);

    const first = await actions.runStep({ type: 'createLead', title: 'Again' }, ctx, deal);
    const second = await actions.runStep({ type: 'createLead', title: 'Again' }, ctx, deal);

    expect(second.records?.[0]?.id).toBe(first.records?.[0]?.id);
    expect(second.done).toBe('created lead "Again" (by an earlier attempt)');
  });
});

describe('copyDeal', () => {
  it('copies every field into the target pipeline and stage', async () => {
    await t.call('POST', '/pipelines', { id: 'installation', name: 'Installation', stages: [{ id: 'new', name: 'New' }] });
    const { deal } = await aContactAndDeal({}, { amount: 4200, currency: 'EUR' });

    const outcome = await actions.runStep({ type: 'copyDeal', pipelineId: 'installation', stageId: 'new' }, stepContext('deal', deal), deal);

    const copy = await t.app.store.records.require('deal', outcome.records![0]!.id);
    expect(copy).toMatchObject({ title: 'Roof (copy)', pipelineId: 'installation', stageId: 'new', amount: 4200, currency: 'EUR', contactId: deal.contactId });
  });
});

describe('planActivity', () => {
  it('plans an activity due after a calendar duration, remembering the stage for auto-completion', async () => {
    const { deal } = await aContactAndDeal();
    t.clock.set('2026-01-31T09:00:00.000Z');

    const outcome = await actions.runStep(
      { type: 'planActivity', subject: 'Call {{ deal.title }}', activityType: 'call', due: 'P1M', autoComplete: true },
      stepContext('deal', deal),
      deal,
    );

    const activity = await t.app.store.records.require('activity', outcome.records![0]!.id);
    expect(activity).toMatchObject({ subject: 'Call Roof', dueAt: '2026-02-28T09:00:00.000Z', autoComplete: true, plannedInStageId: 'new', status: 'open' });
  });
});

describe('addToExceptions', () => {
  it('puts the contact’s e-mails and phones on the list and deletes deal and contact, history keeping both', async () => {
    const { contact, deal } = await aContactAndDeal({ phones: ['+4915123456789'] });

    const outcome = await actions.runStep({ type: 'addToExceptions', deleteEntity: true }, stepContext('deal', deal), deal);

    expect(outcome.result).toBe('changed');
    expect(outcome.records?.map((ref) => [ref.type, ref.id, ref.change])).toEqual([
      ['deal', deal.id, 'deleted'],
      ['contact', contact.id, 'deleted'],
    ]);
    expect(await t.app.store.exceptions.excepted([...(contact.emails as string[]), '+4915123456789'])).toHaveLength(2);
    expect(await t.app.store.records.get('deal', deal.id)).toBeUndefined();
    expect(await t.app.store.records.get('contact', contact.id)).toBeUndefined();
    const dealHistory = await t.app.store.records.history('deal', deal.id);
    const contactHistory = await t.app.store.records.history('contact', contact.id);
    expect([dealHistory.items[0]?.action, dealHistory.items[0]?.actor.id]).toEqual(['deleted', 'butler']);
    expect([contactHistory.items[0]?.action, contactHistory.items[0]?.actor.id]).toEqual(['deleted', 'butler']);
  });

  it('changes nothing more when run again', async () => {
    const { deal } = await aContactAndDeal();
    const ctx = stepContext('deal', deal);
    await actions.runStep({ type: 'addToExceptions', deleteEntity: true }, ctx, deal);

    const again = await actions.runStep({ type: 'addToExceptions', deleteEntity: true }, ctx, deal);

    expect(again.added).toEqual([]);
    expect(again.records).toBeUndefined();
    expect(again.result).toBe('noop');
  });

  it('excepts the contact the system unlinked from the deal because a person deleted it', async () => {
    // Prepare: a person deleted the contact, and the unlink rule removed it from the deal, before the step ran.
    const { contact, deal } = await aContactAndDeal();
    expect((await t.call('DELETE', `/contacts/${contact.id}`)).status).toBe(204);
    const unlinked = await t.app.store.records.update(
      'deal',
      deal.id,
      ({ contactId: _gone, ...rest }) => rest,
      { actor: systemActor(unlinkDeletedRule.name, 'deleted-event'), cause: { automationId: unlinkDeletedRule.name, depth: 0 } },
      { expectedVersion: deal.version },
    );

    // Act
    const outcome = await actions.runStep({ type: 'addToExceptions' }, stepContext('deal', unlinked), unlinked);

    // Assess
    expect(outcome.added).toEqual(contact.emails);
  });

  it('leaves alone a contact a person unlinked on purpose and that still exists', async () => {
    // Prepare
    const { contact, deal } = await aContactAndDeal();
    const unlinked = (await t.call('PATCH', `/deals/${deal.id}`, { contactId: null })).body as Entity;

    // Act
    const outcome = await actions.runStep({ type: 'addToExceptions', deleteEntity: true }, stepContext('deal', unlinked), unlinked);

    // Assess
    expect(outcome.excepted).toEqual([]);
    expect(await t.app.store.records.get('contact', contact.id)).toMatchObject({ id: contact.id });
  });
});

describe('sendEmail', () => {
  it('mails the contact with the rendered subject and body', async () => {
    const { contact, deal } = await aContactAndDeal();
    const before = readdirSync(outbox).length;

    const outcome = await actions.runStep({ type: 'sendEmail', to: 'contact', subject: 'About {{ deal.title }}', body: 'Hello' }, stepContext('deal', deal), deal);

    expect(outcome.done).toBe(`mailed ${(contact.emails as string[])[0]}`);
    expect(outcome.mails).toEqual([expect.objectContaining({ to: (contact.emails as string[])[0], subject: 'About Roof', status: 'sent' })]);
    expect(readdirSync(outbox).length).toBe(before + 1);
  });

  it('skips an excepted address and says so', async () => {
    await t.call('POST', '/exceptions', { value: 'never@example.com' });
    const { deal } = await aContactAndDeal();
    const before = readdirSync(outbox).length;

    const outcome = await actions.runStep({ type: 'sendEmail', to: 'address', address: 'Never@Example.com', subject: 's', body: 'b' }, stepContext('deal', deal), deal);

    expect(outcome).toMatchObject({ result: 'suppressed', reason: 'never@example.com is on the exceptions list' });
    expect(outcome.mails).toEqual([{ to: 'never@example.com', subject: 's', status: 'suppressed', reason: 'never@example.com is on the exceptions list', body: 'b' }]);
    expect(readdirSync(outbox).length).toBe(before);
  });

  it('sends one mail when the same step runs twice', async () => {
    const { deal } = await aContactAndDeal();
    const ctx = stepContext('deal', deal);
    const before = readdirSync(outbox).length;

    await actions.runStep({ type: 'sendEmail', to: 'contact', subject: 'Once', body: 'b' }, ctx, deal);
    const again = await actions.runStep({ type: 'sendEmail', to: 'contact', subject: 'Once', body: 'b' }, ctx, deal);

    expect(readdirSync(outbox).length).toBe(before + 1);
    expect(again.done).toMatch(/\(by an earlier attempt\)$/);
  });

  it('reports on a retry the mail the first attempt sent, not what the record renders now', async () => {
    // Prepare: the first attempt mailed, its answer was lost, and the deal was renamed before the retry.
    const { deal } = await aContactAndDeal({}, { title: 'Roof' });
    const step = { type: 'sendEmail', to: 'contact', subject: 'About {{ deal.title }}', body: 'Your {{ deal.title }}', html: '<p>{{ deal.title }}</p>' } as const;
    const ctx = stepContext('deal', deal);
    const first = await actions.runStep(step, ctx, deal);
    const renamed = { ...deal, title: 'Solar roof' };

    // Act
    const retry = await actions.runStep(step, { ...ctx, render: (template) => liquid.parseAndRender(template, { deal: renamed }) }, renamed);

    // Assess
    expect(first.mails).toEqual([expect.objectContaining({ subject: 'About Roof', body: 'Your Roof', html: '<p>Roof</p>' })]);
    expect(retry.mails).toEqual([{ to: first.mails![0]!.to, subject: 'About Roof', status: 'sent', body: 'Your Roof', html: '<p>Roof</p>' }]);
    expect(retry.done).toBe(`mailed ${first.mails![0]!.to} (by an earlier attempt)`);
  });
});

describe('a record to create that carries an excepted address', () => {
  it('is not created, and the step says so as suppressed rather than failing the run', async () => {
    // Prepare: the client asked to hear no more after the deal was won.
    const { contact, deal } = await aContactAndDeal();
    const address = (contact.emails as string[])[0]!;
    await t.call('POST', '/exceptions', { value: address });
    const ctx = stepContext('deal', deal);

    // Act
    const outcome = await actions.runStep({ type: 'createLead', title: 'Renewal: {{ deal.title }}' }, ctx, deal);

    // Assess
    expect(outcome).toMatchObject({ result: 'suppressed', reason: `${address} is on the exceptions list`, done: `wrote nothing: ${address} is on the exceptions list` });
    expect(outcome.records).toBeUndefined();
    expect(await t.app.store.records.get('lead', stepId(stepScope(ctx), ctx.stepIndex, ctx.plannedAt))).toBeUndefined();
  });
});

describe('two automations matching one event', () => {
  // A run's id is its trigger event's id: every automation the event matches runs under the same one.
  const twin = (ctx: StepContext): StepContext => ({ ...ctx, automationId: 'auto-2', automationName: 'Twin automation' });

  it('each create its own lead', async () => {
    // Prepare
    const { deal } = await aContactAndDeal();
    const ctx = stepContext('deal', deal);

    // Act
    const first = await actions.runStep({ type: 'createLead', title: 'From one' }, ctx, deal);
    const second = await actions.runStep({ type: 'createLead', title: 'From two' }, twin(ctx), deal);

    // Assess
    expect(second.records?.[0]?.id).not.toBe(first.records?.[0]?.id);
    expect(second.done).not.toMatch(/earlier attempt/);
    expect((await t.app.store.records.require('lead', second.records![0]!.id)).title).toBe('From two');
  });

  it('each send their own mail', async () => {
    // Prepare
    const { deal } = await aContactAndDeal();
    const ctx = stepContext('deal', deal);
    const before = readdirSync(outbox).length;

    // Act
    await actions.runStep({ type: 'sendEmail', to: 'contact', subject: 'One', body: 'b' }, ctx, deal);
    const second = await actions.runStep({ type: 'sendEmail', to: 'contact', subject: 'Two', body: 'b' }, twin(ctx), deal);

    // Assess
    expect(readdirSync(outbox).length).toBe(before + 2);
    expect(second.done).not.toMatch(/earlier attempt/);
  });

  it('each notify', async () => {
    // Prepare
    const { deal } = await aContactAndDeal();
    const ctx = stepContext('deal', deal);

    // Act
    const first = await actions.runStep({ type: 'notify', to: 'userId', userId: t.admin.id, message: `one ${ctx.runId}` }, ctx, deal);
    const second = await actions.runStep({ type: 'notify', to: 'userId', userId: t.admin.id, message: `two ${ctx.runId}` }, twin(ctx), deal);

    // Assess
    const inbox = await t.app.store.notifications.list(t.admin.id, { limit: 100 });
    const ids = [first, second].map((outcome) => outcome.notifications?.[0]?.id);
    expect(new Set(ids).size).toBe(2);
    expect(inbox.items.filter((notification) => notification.message.endsWith(ctx.runId)).map((notification) => notification.message).sort()).toEqual([`one ${ctx.runId}`, `two ${ctx.runId}`]);
  });
});

describe('sendEmail with nobody to mail', () => {
  it('fails the step naming the missing address', async () => {
    const { deal } = await aContactAndDeal({ emails: [] });

    const attempt = actions.runStep({ type: 'sendEmail', to: 'contact', subject: 's', body: 'b' }, stepContext('deal', deal), deal);

    await expect(attempt).rejects.toThrow(StepFailed);
    await expect(attempt).rejects.toThrow('the contact has no e-mail address');
  });
});

describe('notify', () => {
  it('fails the step when the user to notify does not exist', async () => {
    const { deal } = await aContactAndDeal();

    const attempt = actions.runStep({ type: 'notify', to: 'userId', userId: 'ghost', message: 'hi' }, stepContext('deal', deal), deal);

    await expect(attempt).rejects.toThrow('user ghost does not exist');
  });

  it('leaves one notification for the responsible user however often it runs', async () => {
    const { deal } = await aContactAndDeal();
    const ctx = stepContext('deal', deal);

    await actions.runStep({ type: 'notify', to: 'responsible', message: 'Deal {{ deal.title }} needs you' }, ctx, deal);
    await actions.runStep({ type: 'notify', to: 'responsible', message: 'Deal {{ deal.title }} needs you' }, ctx, deal);

    const inbox = await t.app.store.notifications.list(t.admin.id);
    expect(inbox.items.filter((item) => item.from.runId === ctx.runId).map((item) => item.message)).toEqual(['Deal Roof needs you']);
  });
});

describe('updateFields', () => {
  it('fills fields from templates as the Butler', async () => {
    const { deal } = await aContactAndDeal();

    const outcome = await actions.runStep({ type: 'updateFields', set: { title: '{{ deal.title }} (signed)', amount: '1000' } }, stepContext('deal', deal), deal);

    expect(await t.app.store.records.require('deal', deal.id)).toMatchObject({ title: 'Roof (signed)', amount: 1000, updatedBy: 'butler' });
    expect(outcome.records).toEqual([
      { type: 'deal', id: deal.id, version: 2, change: 'updated', href: `/deals/${deal.id}`, fields: ['title', 'amount'], values: { title: 'Roof (signed)', amount: 1000 } },
    ]);
  });

  it('is a visible no-op when every field has its value already', async () => {
    const { deal } = await aContactAndDeal();

    const outcome = await actions.runStep({ type: 'updateFields', set: { title: 'Roof' } }, stepContext('deal', deal), deal);

    expect(outcome).toMatchObject({ result: 'noop', reason: 'every field already had its value' });
    expect((await t.app.store.records.require('deal', deal.id)).version).toBe(deal.version);
  });
});

describe('moveToStage', () => {
  it('fails the step when the record’s pipeline has no such stage, naming the stages it has', async () => {
    const { deal } = await aContactAndDeal();

    const attempt = actions.runStep({ type: 'moveToStage', stageId: 'scheduled' }, stepContext('deal', deal), deal);

    await expect(attempt).rejects.toThrow('pipeline sales has no stage scheduled');
    expect((await t.app.store.records.require('deal', deal.id)).stageId).toBe('new');
  });

  it('moves forward', async () => {
    const { deal } = await aContactAndDeal();

    await actions.runStep({ type: 'moveToStage', stageId: 'contract' }, stepContext('deal', deal), deal);

    expect((await t.app.store.records.require('deal', deal.id)).stageId).toBe('contract');
  });

  it('does not move backward unless allowed', async () => {
    const { deal } = await aContactAndDeal({}, { stageId: 'won' });

    const refused = await actions.runStep({ type: 'moveToStage', stageId: 'new' }, stepContext('deal', deal), deal);
    const stayed = (await t.app.store.records.require('deal', deal.id)).stageId;
    await actions.runStep({ type: 'moveToStage', stageId: 'new', allowBackward: true }, stepContext('deal', deal), deal);

    expect(refused).toMatchObject({ result: 'noop', reason: 'a backward move, and the step does not allow it' });
    expect(stayed).toBe('won');
    expect((await t.app.store.records.require('deal', deal.id)).stageId).toBe('new');
  });
});
