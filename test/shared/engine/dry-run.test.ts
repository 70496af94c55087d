// A dry run (POST /automations/{id}/test) answers what a real run on the record would do: the conditions
// of an update trigger are checked though a record has no change to look at, templates see what the run's
// see, and a step the run would fail is reported as an error.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { companyBody, contactBody, dealBody, must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

async function anAutomation(definition: Record<string, unknown>): Promise<string> {
  const saved = await must(t, 'POST', '/automations', { name: 'Under test', ...definition });
  return saved.id as string;
}

async function dryRun(automationId: string, entityId: string) {
  const reply = await t.call('POST', `/automations/${automationId}/test`, { entityType: 'deal', entityId });
  expect(reply.status).toBe(200);
  return reply.body;
}

describe('an update trigger on fields', () => {
  const probe = {
    trigger: { type: 'updated', entity: 'deal', fields: ['fields.probe'] },
    conditions: { all: [{ field: 'amount', op: 'gte', value: 1000 }] },
    actions: [{ type: 'updateFields', set: { 'fields.hit': 'yes' } }],
  };

  it('checks the conditions, and says the field change is assumed', async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody({ amount: 5000 }));
    const automationId = await anAutomation(probe);

    // Act
    const result = await dryRun(automationId, deal.id);

    // Assess
    expect(result).toMatchObject({ triggerMatches: true, conditionsHold: true, wouldRun: true });
    expect(result.assumed).toEqual(['one of fields.probe changed: a dry run has no change to look at']);
  });

  it('says which condition does not hold', async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody({ amount: 500 }));
    const automationId = await anAutomation(probe);

    // Act
    const result = await dryRun(automationId, deal.id);

    // Assess
    expect(result).toMatchObject({ triggerMatches: true, conditionsHold: false, wouldRun: false });
    expect(result.reason).toContain('amount');
  });
});

describe('templates', () => {
  it("see the deal's company and contact, as a real run's do", async () => {
    // Prepare
    const company = await must(t, 'POST', '/companies', companyBody({ name: 'Acme <b>Corp</b>' }));
    const contact = await must(t, 'POST', '/contacts', contactBody({ name: "Tina O'Reilly" }));
    const deal = await must(t, 'POST', '/deals', dealBody({ title: 'Pool', contactId: contact.id, companyId: company.id }));
    const automationId = await anAutomation({
      trigger: { type: 'created', entity: 'deal' },
      actions: [{ type: 'createLead', title: '{{ deal.title }} for {{ contact.name }} at {{ company.name }}' }],
    });

    // Act
    const result = await dryRun(automationId, deal.id);

    // Assess
    expect(result.actions[0].action.title).toBe("Pool for Tina O'Reilly at Acme <b>Corp</b>");
  });
});

describe('a step the run would fail', () => {
  it('is an error: an activity for a deal without a responsible, naming none', async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody());
    const automationId = await anAutomation({
      trigger: { type: 'created', entity: 'deal' },
      actions: [{ type: 'planActivity', subject: 'Call {{ deal.title }}', activityType: 'call', due: 'P1D' }],
    });

    // Act
    const result = await dryRun(automationId, deal.id);

    // Assess
    expect(result.actions[0]).toMatchObject({ step: '1 · Plan activity', error: 'the deal has no responsible user and the step names none' });
  });

  it('is an error: a notification or a mail to the responsible of a deal that has none', async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody());
    const automationId = await anAutomation({
      trigger: { type: 'created', entity: 'deal' },
      actions: [
        { type: 'notify', to: 'responsible', message: 'Small deal {{ deal.title }}' },
        { type: 'sendEmail', to: 'responsible', subject: 'About {{ deal.title }}', body: 'Hello' },
      ],
    });

    // Act
    const result = await dryRun(automationId, deal.id);

    // Assess
    expect(result.actions).toMatchObject([
      { step: '1 · Notify', error: 'the deal has no responsible user to notify' },
      { step: '2 · Send e-mail', error: 'no address to mail: the responsible user has no e-mail address' },
    ]);
  });

  it('is not one when the deal has a responsible', async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody({ responsibleId: t.member.id }));
    const automationId = await anAutomation({
      trigger: { type: 'created', entity: 'deal' },
      actions: [{ type: 'planActivity', subject: 'Call {{ deal.title }}', activityType: 'call', due: 'P1D' }],
    });

    // Act
    const result = await dryRun(automationId, deal.id);

    // Assess
    expect(result.actions[0]).not.toHaveProperty('error');
    expect(result.actions[0].action).toMatchObject({ subject: `Call ${deal.title}` });
  });
});
