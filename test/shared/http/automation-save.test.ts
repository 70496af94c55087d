// An automation that saves is an automation that works: what can be known at save is checked
// there, answered 400 with each field path and what would be valid.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, errorPaths, must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await must(t, 'POST', '/pipelines', {
    id: 'installation',
    name: 'Installation',
    stages: [
      { id: 'new', name: 'New' },
      { id: 'scheduled', name: 'Scheduled' },
      { id: 'done', name: 'Done', kind: 'won' },
    ],
  });
});

const dealCreated = { type: 'created', entity: 'deal' } as const;
const notifyResponsible = { type: 'notify', to: 'responsible', message: 'New deal {{ deal.title }}' };

const automation = (overrides: Record<string, unknown>) => ({
  name: 'Under test',
  trigger: dealCreated,
  actions: [notifyResponsible],
  ...overrides,
});

async function save(overrides: Record<string, unknown>) {
  return t.call('POST', '/automations', automation(overrides));
}

/** The message of the issue at `path`. */
const messageAt = (reply: { body: any }, path: string): string =>
  String((reply.body?.error?.details ?? []).find((detail: { path: string }) => detail.path === path)?.message ?? '');

describe('users', () => {
  it('refuses a responsible user that does not exist, listing the users', async () => {
    const reply = await save({ actions: [{ type: 'createLead', title: 'Repeat {{ deal.title }}', responsible: 'ghost' }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.responsible']);
    expect(messageAt(reply, 'actions.0.responsible')).toContain(t.admin.id);
  });

  it('refuses a notify target that does not exist', async () => {
    const reply = await save({ actions: [{ type: 'notify', to: 'userId', userId: 'ghost', message: 'Hi' }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.userId']);
  });

  it('accepts a user that exists', async () => {
    const reply = await save({ actions: [{ type: 'notify', to: 'userId', userId: t.member.id, message: 'Hi' }] });

    expect(reply.status).toBe(201);
  });

  it('refuses notifying the responsible of a record that has none', async () => {
    const reply = await save({ trigger: { type: 'created', entity: 'document' }, actions: [{ type: 'notify', to: 'responsible', message: 'Hi' }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.to']);
  });
});

describe('pipelines and stages', () => {
  it('refuses moveToStage to a stage the trigger’s pipelines lack, naming the pipeline that has it', async () => {
    const reply = await save({ trigger: { type: 'documentSigned', party: 'all' }, actions: [{ type: 'moveToStage', stageId: 'contract' }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.stageId']);
    expect(messageAt(reply, 'actions.0.stageId')).toMatch(/installation.*"pipelineId": sales/);
  });

  it('accepts the same step when it names its pipeline', async () => {
    const reply = await save({
      trigger: { type: 'documentSigned', party: 'all' },
      actions: [{ type: 'moveToStage', stageId: 'contract', pipelineId: 'sales' }],
    });

    expect(reply.status).toBe(201);
  });

  it('accepts a stage of the pipeline a condition pins', async () => {
    const reply = await save({
      conditions: { all: [{ field: 'pipelineId', op: 'eq', value: 'installation' }] },
      actions: [{ type: 'moveToStage', stageId: 'scheduled' }],
    });

    expect(reply.status).toBe(201);
  });

  it('refuses a step pipeline the trigger never sees', async () => {
    const reply = await save({
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      actions: [{ type: 'moveToStage', stageId: 'scheduled', pipelineId: 'installation' }],
    });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.pipelineId']);
  });

  it('refuses a stage the named pipeline lacks', async () => {
    const reply = await save({ actions: [{ type: 'moveToStage', stageId: 'scheduled', pipelineId: 'sales' }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.stageId']);
  });
});

describe('field paths', () => {
  it('accepts updateFields on a custom field', async () => {
    const reply = await save({ actions: [{ type: 'updateFields', set: { 'fields.x': 'v' } }] });

    expect(reply.status).toBe(201);
  });

  it('refuses updateFields on a field the record does not have, listing the settable ones', async () => {
    const reply = await save({ actions: [{ type: 'updateFields', set: { titel: 'v' } }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.set.titel']);
    expect(messageAt(reply, 'actions.0.set.titel')).toContain('title');
  });

  it('refuses a literal value the field would refuse at run time', async () => {
    const reply = await save({ actions: [{ type: 'updateFields', set: { currency: 'euro' } }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.set.currency']);
  });

  it('refuses a list field, which a template cannot fill', async () => {
    const reply = await save({ trigger: { type: 'created', entity: 'contact' }, actions: [{ type: 'updateFields', set: { emails: 'a@example.com' } }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.set.emails']);
  });

  it('refuses a condition on a field the record does not have', async () => {
    const reply = await save({ conditions: { all: [{ field: 'amuont', op: 'gt', value: 10 }] } });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['conditions.all.0.field']);
  });

  it('refuses an updated trigger on a field the record does not have', async () => {
    const reply = await save({ trigger: { type: 'updated', entity: 'deal', fields: ['amount', 'colour'] } });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['trigger.fields.1']);
  });
});

describe('date fields', () => {
  it('refuses dateReached on a field that is not a date, listing the dates', async () => {
    const reply = await save({ trigger: { type: 'dateReached', entity: 'deal', field: 'title' } });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['trigger.field']);
    expect(messageAt(reply, 'trigger.field')).toContain('closeDate');
  });

  it('accepts dateReached on a date field and on a custom field', async () => {
    const replies = await Promise.all([
      save({ trigger: { type: 'dateReached', entity: 'deal', field: 'closeDate' } }),
      save({ trigger: { type: 'dateReached', entity: 'deal', field: 'fields.renewal' } }),
    ]);

    expect(replies.map((reply) => reply.status)).toEqual([201, 201]);
  });

  it('refuses a delay until a field that is not a date', async () => {
    const reply = await save({ delay: { until: { field: 'amount' } } });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['delay.until.field']);
  });
});

describe('template variables', () => {
  it('refuses {{ document.title }} on a deal trigger, listing the variables', async () => {
    const reply = await save({ actions: [{ type: 'notify', to: 'responsible', message: 'Signed: {{ document.title }}' }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.message']);
    expect(messageAt(reply, 'actions.0.message')).toMatch(/deal, contact, company, entity, event, automation, run, now/);
  });

  it('refuses a field the variable does not have', async () => {
    const reply = await save({ actions: [{ type: 'createLead', title: 'Repeat {{ deal.titel }}' }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.title']);
  });

  it('accepts {{ document.title }} on a document trigger', async () => {
    const reply = await save({
      trigger: { type: 'documentSigned', party: 'all' },
      actions: [{ type: 'notify', to: 'responsible', message: '{{ document.title }} is signed' }],
    });

    expect(reply.status).toBe(201);
  });

  it('accepts variables a template assigns itself, and custom fields', async () => {
    const reply = await save({
      actions: [{ type: 'notify', to: 'responsible', message: '{% assign t = deal.title %}{{ t }} {{ deal.fields.segment }} {{ now | date: "%Y" }}' }],
    });

    expect(reply.status).toBe(201);
  });

  it('checks PATCH as it checks POST', async () => {
    const saved = await must(t, 'POST', '/automations', automation({}));

    const reply = await t.call('PATCH', `/automations/${saved.id}`, { actions: [{ type: 'notify', to: 'responsible', message: '{{ document.title }}' }] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.message']);
  });
});

describe("a mail's HTML", () => {
  const mail = (html: string) => ({ type: 'sendEmail', to: 'responsible', subject: 'Won', body: 'Won: {{ deal.title }}', html });

  it('accepts an HTML template beside the body', async () => {
    const reply = await save({ actions: [mail('<p>Won: <b>{{ deal.title }}</b></p>')] });

    expect(reply.status).toBe(201);
    expect(reply.body.actions[0].html).toBe('<p>Won: <b>{{ deal.title }}</b></p>');
  });

  it('refuses HTML that is not a valid Liquid template, at its path', async () => {
    const reply = await save({ actions: [mail('<p>{{ deal.title </p>')] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.html']);
    expect(messageAt(reply, 'actions.0.html')).toContain('not a valid Liquid template');
  });

  it('refuses | raw in HTML: every value is escaped', async () => {
    const reply = await save({ actions: [mail('<p>{{ deal.title | raw }}</p>')] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.html']);
    expect(messageAt(reply, 'actions.0.html')).toContain('"| raw" is not available');
  });

  it('refuses a variable the runs do not have in HTML, as in the body', async () => {
    const reply = await save({ actions: [mail('<p>{{ document.title }}</p>')] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.html']);
  });

  it('refuses HTML longer than 20,000 characters', async () => {
    const reply = await save({ actions: [mail(`<p>${'x'.repeat(20_000)}</p>`)] });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['actions.0.html']);
  });
});

describe('a manual run', () => {
  it('of a deal automation on a contact answers 400 naming entityType', async () => {
    const saved = await must(t, 'POST', '/automations', automation({ trigger: { type: 'manual', entity: 'deal' } }));
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const reply = await t.call('POST', `/automations/${saved.id}/runs`, { entityType: 'contact', entityId: contact.id });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['entityType']);
    expect(messageAt(reply, 'entityType')).toContain('deal');
  });
});

describe('stopping an automation whose user was deleted since', () => {
  it('still works', async () => {
    const user = await must(t, 'POST', '/users', { name: 'Leaving soon' });
    const saved = await must(t, 'POST', '/automations', automation({ actions: [{ type: 'notify', to: 'userId', userId: user.id, message: 'Hi' }] }));
    await must(t, 'DELETE', `/users/${user.id}`);

    const reply = await t.call('POST', `/automations/${saved.id}/stop`);

    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('stopped');
  });
});
