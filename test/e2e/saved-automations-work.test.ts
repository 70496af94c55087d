// What saving promises, watched at run time in the whole local system: a custom field set by
// updateFields, a user deleted after save failing its step with that cause, and the Spam rule
// racing a person's DELETE of the contact — every run excepts the details and succeeds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { automationClient, eventually, httpClient } from '#test/support/local-http.ts';
import { sharedDynamoDb, silentLogger } from '#test/support/table.ts';

let home: string;
// The run's DynamoDB Local (test/support/global-setup.ts), a table of this file's own.
const dynamoDb = sharedDynamoDb();
let system: LocalSystem;

const http = httpClient(() => system);
const { anAutomation, manualRun, ended } = automationClient(http);

/** The ended run of an automation for one record, waiting for it to appear and end. */
async function runFor(automationId: string, entityId: string) {
  return eventually(`a run for ${entityId}`, async () => {
    const [run] = (await http('GET', `/automations/${automationId}/runs?entityId=${entityId}`)).body.items ?? [];
    return run && ended.includes(run.status) && run;
  });
}

const aDeal = async (fields: Record<string, unknown> = {}) => {
  const reply = await http('POST', '/deals', { title: 'Deal', pipelineId: 'sales', stageId: 'new', responsibleId: 'admin', ...fields });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body;
};

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-saved-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('updateFields on a custom field', () => {
  it('succeeds at run time and keeps the other custom fields', async () => {
    const automationId = await anAutomation({
      name: 'tag the deal',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'updateFields', set: { 'fields.x': 'v' } }],
    });
    const deal = await aDeal({ fields: { a: '1' } });

    const run = await manualRun(automationId, 'deal', deal.id);
    const after = (await http('GET', `/deals/${deal.id}`)).body;

    expect(run.status).toBe('SUCCEEDED');
    expect(after.fields).toEqual({ a: '1', x: 'v' });
  });
});

describe('a user deleted after the automation was saved', () => {
  it('fails the notify step with that cause', async () => {
    const user = (await http('POST', '/users', { name: 'Leaving soon' })).body;
    const automationId = await anAutomation({
      name: 'tell someone',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'notify', to: 'userId', userId: user.id, message: '{{ deal.title }}' }],
    });
    await http('DELETE', `/users/${user.id}`);
    const deal = await aDeal();

    const run = await manualRun(automationId, 'deal', deal.id);

    expect(run.status).toBe('FAILED');
    expect(JSON.stringify(run)).toContain(`user ${user.id} does not exist`);
  });
});

describe('the Spam rule racing a person’s DELETE of the contact', () => {
  it('excepts the contact’s e-mail and phone and succeeds in 10 of 10 runs', async () => {
    const automationId = await anAutomation({
      name: 'Spam: except the contact and delete',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'spam' },
      actions: [{ type: 'addToExceptions', deleteEntity: true }],
    });
    const cases = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const email = `spammer${index}-${Date.now()}@example.com`;
        const phone = `+1415555${String(2000 + index)}`;
        const contact = (await http('POST', '/contacts', { name: `Spammer ${index}`, emails: [email], phones: [phone] })).body;
        const deal = await aDeal({ contactId: contact.id });
        return { email, phone, contact, deal };
      }),
    );
    expect(cases).toHaveLength(10);

    const deletes = await Promise.all(
      cases.map(async ({ contact, deal }) => {
        const [, removed] = await Promise.all([http('PATCH', `/deals/${deal.id}`, { stageId: 'spam' }), http('DELETE', `/contacts/${contact.id}`)]);
        return removed.status;
      }),
    );
    const runs = await Promise.all(cases.map(({ deal }) => runFor(automationId, deal.id)));
    const listed = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = (await http('GET', `/exceptions?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body;
      for (const entry of page.items) listed.add(entry.value);
      cursor = page.cursor;
    } while (cursor);

    expect(deletes.every((status) => status === 204 || status === 404)).toBe(true);
    expect(runs.map((run) => run.status)).toEqual(cases.map(() => 'SUCCEEDED'));
    expect(cases.filter(({ email, phone }) => !(listed.has(email) && listed.has(phone)))).toEqual([]);
  }, 180_000);
});
