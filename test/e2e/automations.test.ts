// Automations end to end in local mode, through the HTTP API, as an admin would use them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { eventually, httpClient } from '#test/support/local-http.ts';
import { sharedDynamoDb, silentLogger } from '#test/support/table.ts';

let home: string;
// The run's DynamoDB Local (test/support/global-setup.ts), a table of this file's own.
const dynamoDb = sharedDynamoDb();
let system: LocalSystem;

const http = httpClient(() => system);

async function provisioned(automationId: string) {
  return eventually(`automation ${automationId} ready`, async () => {
    const automation = await http('GET', `/automations/${automationId}`);
    if (automation.body.provisioning === 'error') throw new Error(automation.body.provisioningError);
    return automation.body.provisioning === 'ready' && automation.body;
  });
}

async function runsOf(automationId: string, query = '') {
  return (await http('GET', `/automations/${automationId}/runs${query}`)).body.items as Array<Record<string, any>>;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-automations-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('six months after a deal is won, a repeat lead', () => {
  it('waits with its due date, then creates the lead as the Butler when the clock passes it', async () => {
    const created = await http('POST', '/automations', {
      name: 'Renewal reminder',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      conditions: { all: [{ field: 'amount', op: 'gte', value: 1000 }] },
      delay: { after: 'P6M' },
      recheck: true,
      actions: [{ type: 'createLead', title: 'Renewal: {{ deal.title }}', responsible: '{{ deal.responsibleId }}' }],
    });
    expect(created.status).toBe(201);
    await provisioned(created.body.id);
    const contact = await http('POST', '/contacts', { name: 'Repeat Client', emails: ['repeat@example.com'] });
    const deal = await http('POST', '/deals', { title: 'Heat pump', pipelineId: 'sales', stageId: 'contract', amount: 5000, contactId: contact.body.id, responsibleId: 'admin' });

    await http('PATCH', `/deals/${deal.body.id}`, { stageId: 'won' });
    const waiting = await eventually('a waiting run', async () => (await runsOf(created.body.id)).find((run) => run.status === 'WAITING'));

    expect(waiting).toMatchObject({ entityId: deal.body.id, actionsTotal: 1, actionsCompleted: 0 });
    expect(new Date(waiting.dueAt).getTime() - Date.now()).toBeGreaterThan(170 * 86_400_000);

    const advanced = await http('POST', '/local/clock', { advance: 'P6M1D' });
    expect(advanced.status).toBe(200);
    const done = await eventually('the run to succeed', async () => {
      const run = (await http('GET', `/automations/${created.body.id}/runs/${encodeURIComponent(waiting.runId)}`)).body;
      // The run record and the execution's step log are written apart: wait for both.
      const logged = run.steps?.some((step: { name: string }) => step.name === 'Record success');
      return run.status === 'SUCCEEDED' && logged && run;
    });
    const leads = await http('GET', `/leads?email=${encodeURIComponent('repeat@example.com')}`);

    expect(done.actionsCompleted).toBe(1);
    expect(done.steps.map((step: { name: string }) => step.name)).toEqual(
      expect.arrayContaining(['Enroll', 'Plan wait', 'Check conditions', '1 · Create lead', 'Record success']),
    );
    expect(leads.body.items).toHaveLength(1);
    expect(leads.body.items[0]).toMatchObject({ title: 'Renewal: Heat pump', createdBy: 'butler', responsibleId: 'admin' });
  });
});

describe('a deal moved to Spam', () => {
  it('puts its contact on the exceptions list and deletes deal and contact, history keeping both', async () => {
    const created = await http('POST', '/automations', {
      name: 'Spam goes away',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'spam' },
      actions: [{ type: 'addToExceptions', deleteEntity: true }],
    });
    await provisioned(created.body.id);
    const contact = await http('POST', '/contacts', { name: 'Spammer', emails: ['spam@example.net'], phones: ['+14155550199'] });
    const deal = await http('POST', '/deals', { title: 'Too good to be true', pipelineId: 'sales', stageId: 'new', contactId: contact.body.id });

    await http('PATCH', `/deals/${deal.body.id}`, { stageId: 'spam' });
    await eventually('the deal to be deleted', async () => (await http('GET', `/deals/${deal.body.id}`)).status === 404);

    const exceptions = await http('GET', '/exceptions?limit=100');
    const contactHistory = await http('GET', `/contacts/${contact.body.id}/history`);
    const again = await http('POST', '/contacts', { name: 'Spammer again', emails: ['SPAM@example.net'] });
    expect(exceptions.body.items.map((entry: { value: string }) => entry.value)).toEqual(expect.arrayContaining(['spam@example.net', '+14155550199']));
    expect((await http('GET', `/contacts/${contact.body.id}`)).status).toBe(404);
    expect(contactHistory.body.items[0]).toMatchObject({ action: 'deleted', actor: { kind: 'butler', id: 'butler' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONTACT_EXCEPTED');
  });
});

describe('a document signed by both parties', () => {
  it('moves its deal to the invoice stage', async () => {
    const created = await http('POST', '/automations', {
      name: 'Signed → invoice',
      trigger: { type: 'documentSigned', party: 'all' },
      actions: [{ type: 'moveToStage', stageId: 'invoice', pipelineId: 'sales' }],
    });
    await provisioned(created.body.id);
    const deal = await http('POST', '/deals', { title: 'Roof', pipelineId: 'sales', stageId: 'contract' });
    const document = await http('POST', '/documents', { title: 'Contract', entityType: 'deal', entityId: deal.body.id });

    await http('POST', `/documents/${document.body.id}/sign`, { party: 'sender' });
    await http('POST', `/documents/${document.body.id}/sign`, { party: 'recipient' });
    const moved = await eventually('the deal to move', async () => {
      const current = await http('GET', `/deals/${deal.body.id}`);
      return current.body.stageId === 'invoice' && current.body;
    });

    expect(moved.updatedBy).toBe('butler');
    const history = await http('GET', `/deals/${deal.body.id}/history`);
    expect(history.body.items[0]).toMatchObject({ action: 'stageChanged', actor: { kind: 'butler', via: { automationId: created.body.id } } });
  });
});
