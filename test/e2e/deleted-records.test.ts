// Deleting records in local mode, over HTTP, as a sales team does: what linked to the deleted record is unlinked by
// the Butler (a company's contacts and deals), and an automation that deletes a spam deal with its contact leaves
// no open task of that deal behind and no other deal pointing at that contact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { automationClient, eventually, httpClient } from '#test/support/local-http.ts';
import { sharedDynamoDb, silentLogger } from '#test/support/table.ts';

let home: string;
const dynamoDb = sharedDynamoDb();
let system: LocalSystem;

const http = httpClient(() => system);
const { anAutomation } = automationClient(http);

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-deleted-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

async function created(collection: string, body: Record<string, unknown>): Promise<string> {
  const reply = await http('POST', `/${collection}`, body);
  if (reply.status !== 201) throw new Error(`setup: POST /${collection} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.id as string;
}

describe('a deleted company', () => {
  it('leaves its contacts and deals without the link, each changed by the Butler', async () => {
    // Prepare
    const companyId = await created('companies', { name: 'Acme' });
    const contactId = await created('contacts', { name: 'Greta Garbo', companyId });
    const dealId = await created('deals', { title: 'Solar roof', pipelineId: 'sales', stageId: 'new', companyId, contactId });

    // Act
    const reply = await http('DELETE', `/companies/${companyId}`);

    // Assess
    expect(reply.status).toBe(204);
    const deal = await eventually('the deal unlinked', async () => {
      const found = (await http('GET', `/deals/${dealId}`)).body;
      return found.companyId === undefined && found;
    });
    expect(deal).toMatchObject({ contactId, updatedBy: 'butler' });
    const contact = await eventually('the contact unlinked', async () => {
      const found = (await http('GET', `/contacts/${contactId}`)).body;
      return found.companyId === undefined && found;
    });
    expect(contact.updatedBy).toBe('butler');
    const history = (await http('GET', `/contacts/${contactId}/history`)).body.items;
    expect(history[0]).toMatchObject({ action: 'updated', actor: { kind: 'butler', via: { system: 'system-unlink-deleted' } } });
  });
});

describe('a spam deal deleted by an automation with its contact', () => {
  it("takes the deal's open task with it and unlinks the contact's other deal", async () => {
    // Prepare
    await anAutomation({
      name: 'Spam: except and delete',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'spam' },
      actions: [{ type: 'addToExceptions', deleteEntity: true }],
    });
    const contactId = await created('contacts', { name: 'Spam Sender', emails: ['spam@example.com'] });
    const spamId = await created('deals', { title: 'Too good to be true', pipelineId: 'sales', stageId: 'new', contactId });
    const otherId = await created('deals', { title: 'Real order', pipelineId: 'sales', stageId: 'new', contactId });
    const taskId = await created('activities', {
      subject: 'Call back',
      activityType: 'call',
      dueAt: '2026-01-20T10:00:00.000Z',
      responsibleId: system.credentials.adminUserId,
      entityType: 'deal',
      entityId: spamId,
    });

    // Act
    const moved = await http('PATCH', `/deals/${spamId}`, { stageId: 'spam' });

    // Assess
    expect(moved.status).toBe(200);
    await eventually('the contact deleted', async () => (await http('GET', `/contacts/${contactId}`)).status === 404);
    await eventually('the task deleted', async () => (await http('GET', `/activities/${taskId}`)).status === 404);
    const other = await eventually('the other deal unlinked', async () => {
      const found = (await http('GET', `/deals/${otherId}`)).body;
      return found.contactId === undefined && found;
    });
    expect(other).toMatchObject({ title: 'Real order', updatedBy: 'butler' });
  });
});
