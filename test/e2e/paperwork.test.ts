// Paperwork end to end in local mode, over HTTP: a quote made from a template by an automation when
// a deal enters `contract`, mailed with a tracked link, opened (the deal moves to where the view
// trigger is set), signed by the recipient on the page and by the sender through the API, then
// moved by "signed by all"; a deal in another pipeline untouched; bad links answered 404. And the
// Butler: off, an integration's write is its owner's; on, it is the Butler's under its chosen name.
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

/** A browser on the document page: no credentials, HTML back. */
async function page(url: string, method: 'GET' | 'POST' = 'GET') {
  const response = await fetch(url, { method, headers: { 'user-agent': 'e2e-browser/1.0' } });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

async function provisioned(automationId: string) {
  return eventually(`automation ${automationId} ready`, async () => {
    const automation = await http('GET', `/automations/${automationId}`);
    if (automation.body.provisioning === 'error') throw new Error(automation.body.provisioningError);
    return automation.body.provisioning === 'ready' && automation.body;
  });
}

async function automation(definition: Record<string, unknown>): Promise<string> {
  const created = await http('POST', '/automations', definition);
  if (created.status !== 201) throw new Error(`setup: automation answered ${created.status}: ${JSON.stringify(created.body)}`);
  await provisioned(created.body.id);
  return created.body.id as string;
}

const stageOf = async (dealId: string) => (await http('GET', `/deals/${dealId}`)).body.stageId as string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-paperwork-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('a quote from contract to signed by all', () => {
  let templateId: string;
  let dealId: string;
  let otherDealId: string;
  let signedByAll: string;
  let link: string;
  let documentId: string;

  beforeAll(async () => {
    const sales = (await http('GET', '/pipelines/sales')).body;
    const stages = [...sales.stages];
    stages.splice(2, 0, { id: 'viewed', name: 'Quote viewed', kind: 'open' }, { id: 'signed', name: 'Quote signed', kind: 'open' });
    expect((await http('PATCH', '/pipelines/sales', { stages })).status).toBe(200);
    const template = await http('POST', '/document-templates', {
      name: 'Quote',
      kind: 'quote',
      body: '<h1>Quote for {{ deal.title }}</h1><p>Dear {{ contact.name }},</p><p>Total: {{ deal.amount }} {{ deal.currency }}</p>',
      parties: ['sender', 'recipient'],
      subject: 'Your quote for {{ deal.title }}',
    });
    expect(template.status).toBe(201);
    templateId = template.body.id;
    await automation({
      name: 'Quote when the contract stage is reached',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
      actions: [
        { type: 'createDocument', templateId },
        { type: 'sendDocument', channel: 'email', to: 'contact', subject: 'Your quote: {{ deal.title }}', message: 'Hello {{ contact.name }}, here is your quote.' },
      ],
    });
    await automation({
      name: 'Quote opened',
      trigger: { type: 'documentViewed', pipelineId: 'sales', templateId },
      actions: [{ type: 'moveToStage', stageId: 'viewed' }],
    });
    signedByAll = await automation({
      name: 'Quote signed by both',
      trigger: { type: 'documentSigned', party: 'all', pipelineId: 'sales' },
      actions: [{ type: 'moveToStage', stageId: 'signed' }, { type: 'updateFields', set: { 'fields.signedQuote': '{{ document.title }} ({{ template.kind }})' } }],
    });
    const contact = await http('POST', '/contacts', { name: '<script>alert(1)</script> Roe', emails: ['quote.client@example.com'] });
    const deal = await http('POST', '/deals', { title: 'Solar roof', pipelineId: 'sales', stageId: 'new', amount: 12000, currency: 'EUR', contactId: contact.body.id });
    dealId = deal.body.id;
    const other = await http('POST', '/deals', { title: 'Install roof', pipelineId: 'installation', stageId: 'new', contactId: contact.body.id });
    otherDealId = other.body.id;
  });

  it('makes the quote from the template and mails its tracked link when the deal enters contract', async () => {
    expect((await http('PATCH', `/deals/${dealId}`, { stageId: 'contract' })).status).toBe(200);

    const mail = await eventually('the quote mail', async () => {
      const outbox = await http('GET', '/local/outbox');
      return (outbox.body.items as Array<{ to: string; subject: string; text: string }>).find((item) => item.to === 'quote.client@example.com');
    });
    link = /(http:\/\/\S+\/d\/\S+)/.exec(mail.text)?.[1] ?? '';
    const documents = await http('GET', '/documents');
    const document = (documents.body.items as Array<Record<string, any>>).find((item) => item.entityId === dealId);

    expect(mail.subject).toBe('Your quote: Solar roof');
    expect(link).toContain(`${system.http.url}/d/`);
    expect(document).toMatchObject({ templateId, kind: 'quote', pipelineId: 'sales', parties: ['sender', 'recipient'], createdBy: 'butler' });
    expect(document?.body).toContain('<h1>Quote for Solar roof</h1>');
    documentId = document?.id;
  });

  it('shows the document on the link’s page with escaped values and a strict CSP, and moves the deal where the view trigger is set', async () => {
    const opened = await page(link);

    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toContain('text/html');
    expect(opened.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(opened.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Roe');
    expect(opened.html).not.toContain('<script>');
    expect(opened.html).toContain('Sign this document');
    await eventually('the deal in viewed', async () => (await stageOf(dealId)) === 'viewed');
  });

  it('records the view once per recipient and day', async () => {
    await page(link);
    const document = (await http('GET', `/documents/${documentId}`)).body;

    expect(document).toMatchObject({ viewCount: 1, lastViewedBy: 'quote.client@example.com' });
  });

  it('leaves a both-signed document on a deal of another pipeline alone', async () => {
    const created = await http('POST', '/documents', { templateId, entityType: 'deal', entityId: otherDealId });
    expect(created.status).toBe(201);
    await http('POST', `/documents/${created.body.id}/sign`, { party: 'sender' });
    await http('POST', `/documents/${created.body.id}/sign`, { party: 'recipient' });
    await eventually('the Document Signed all event', async () => {
      const events = await http('GET', '/local/events?limit=50');
      return (events.body.items as Array<Record<string, any>>).some((event) => event['detail-type'] === 'Document Signed' && event.detail?.entityId === created.body.id && event.detail?.party === 'all');
    });

    const runs = await http('GET', `/automations/${signedByAll}/runs?entityId=${otherDealId}`);

    expect(runs.body.items).toEqual([]);
    expect(await stageOf(otherDealId)).toBe('new');
  });

  it('is signed by the recipient on the page and by the sender through the API, then moved by "signed by all"', async () => {
    const signed = await page(link, 'POST');
    const sender = await http('POST', `/documents/${documentId}/sign`, { party: 'sender' });

    expect(signed.status).toBe(200);
    expect(signed.html).toContain('the document is signed');
    expect(sender.body).toMatchObject({ signedByRecipient: 'quote.client@example.com' });
    await eventually('the deal in signed', async () => (await stageOf(dealId)) === 'signed');
    const deal = await eventually('the field filled from document.* and template.*', async () => {
      const read = (await http('GET', `/deals/${dealId}`)).body;
      return read.fields?.signedQuote && read;
    });
    expect(deal.fields.signedQuote).toBe('Quote: Solar roof (quote)');
  });

  it('answers a forged token, one reused under another document and an expired one with the same plain 404 page', async () => {
    const [, token = ''] = link.split('/d/');
    const secret = token.split('.')[1];
    const forged = await page(`${system.http.url}/d/${documentId}.${'A'.repeat(32)}`);
    const elsewhere = await page(`${system.http.url}/d/${otherDealId}.${secret}`);
    await http('POST', '/local/clock', { advance: 'P31D' });
    const expired = await page(link);

    for (const reply of [forged, elsewhere, expired]) {
      expect(reply.status).toBe(404);
      expect(reply.html).toContain('This link does not open a document.');
    }
  });
});

describe('sendDocument', () => {
  it('texts the contact a tracked link by SMS, and mails nobody on the exceptions list', async () => {
    const template = await http('POST', '/document-templates', { name: 'Contract', kind: 'contract', body: '<p>{{ deal.title }}</p>', parties: ['recipient'] });
    const id = await automation({
      name: 'Contract by SMS and mail',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [
        { type: 'createDocument', templateId: template.body.id },
        { type: 'sendDocument', channel: 'sms', to: 'contact', message: 'Contract for {{ deal.title }}' },
        { type: 'sendDocument', channel: 'email', to: 'contact' },
        // A national number typed in the step: the workspace's default country's.
        { type: 'sendDocument', channel: 'sms', to: 'address', address: '612 34 56 79', message: 'Copy for the office' },
      ],
    });
    await http('PATCH', '/settings', { defaultCountry: 'ES' });
    const contact = await http('POST', '/contacts', { name: 'Text Me', emails: ['text.me@example.com'], phones: ['+34 612 34 56 78'] });
    await http('POST', '/exceptions', { value: 'text.me@example.com', reason: 'no mail, please' });
    const deal = await http('POST', '/deals', { title: 'Heat pump', pipelineId: 'sales', stageId: 'new', contactId: contact.body.id });

    const started = await http('POST', `/automations/${id}/runs`, { entityType: 'deal', entityId: deal.body.id });

    expect(started.status).toBe(202);
    const sms = await eventually('the SMS', async () => {
      const outbox = await http('GET', '/local/sms');
      return (outbox.body.items as Array<{ to: string; text: string }>).find((item) => item.to === '+34612345678');
    });
    expect(sms.text).toMatch(/^Contract for Heat pump\n\nhttp:\/\/127\.0\.0\.1:\d+\/d\/\S+/);
    const run = await eventually('the run to end', async () => {
      const runs = (await http('GET', `/automations/${id}/runs`)).body.items as Array<Record<string, any>>;
      return runs.find((item) => item.status === 'SUCCEEDED');
    });
    const mails = (await http('GET', '/local/outbox')).body.items as Array<{ to: string }>;
    expect(run.actionsCompleted).toBe(4);
    const steps = (await http('GET', `/automations/${id}/runs/${run.runId}`)).body.steps as Array<{ name: string; outcome?: Record<string, any> }>;
    expect(steps.find((step) => step.name.startsWith('2 '))?.outcome?.texts).toEqual([
      { to: '+34612345678', status: 'sent', messageId: expect.any(String), body: expect.stringMatching(/^Contract for Heat pump\n\n\[link [^\]]+\]\n\nThe link is valid for \d+ days\.$/) },
    ]);
    const texts = (await http('GET', '/local/sms')).body.items as Array<{ to: string; text: string }>;
    expect(texts.find((item) => item.text.startsWith('Copy for the office'))?.to).toBe('+34612345679');
    expect(mails.map((mail) => mail.to)).not.toContain('text.me@example.com');
    const opened = await page(/(http:\/\/\S+)/.exec(sms.text)![1]!);
    expect(opened.status).toBe(200);
  });
});

describe('the Butler', () => {
  it('off: an integration’s contact is credited to the admin who created its key', async () => {
    expect((await http('PATCH', '/settings', { butlerActive: false })).body.butlerActive).toBe(false);
    const integration = await http('POST', '/integrations', { name: 'Web form' });
    const from = new Date(Date.parse((await http('GET', '/local/clock')).body.now) - 1000).toISOString();
    const to = new Date(Date.parse(from) + 3_600_000).toISOString();
    const statsNow = async () => (await http('GET', `/stats/activity?from=${from}&to=${to}`)).body;
    const before = await statsNow();

    const contact = await http('POST', '/contacts', { name: 'Form Lead', emails: ['form.lead@example.com'] }, integration.body.key);

    const after = await statsNow();
    const admin = (stats: any) => stats.humans.find((human: { userId: string }) => human.userId === 'admin').created as number;
    const history = await http('GET', `/contacts/${contact.body.id}/history`);
    expect(admin(after)).toBe(admin(before) + 1);
    expect(after.butler.created).toBe(before.butler.created);
    expect(history.body.items[0].actor).toEqual({ kind: 'user', id: 'admin', name: 'Admin', via: { integrationId: integration.body.integrationId, integrationName: integration.body.name } });
  });

  it('on: the same key’s writes are the Butler’s, under the name chosen for it', async () => {
    await http('PATCH', '/users/butler', { name: 'Jeeves', icon: '🎩' });
    const settings = await http('PATCH', '/settings', { butlerActive: true });
    const integration = await http('POST', '/integrations', { name: 'Shop' });
    const from = new Date(Date.parse((await http('GET', '/local/clock')).body.now) - 1000).toISOString();
    const to = new Date(Date.parse(from) + 3_600_000).toISOString();
    const statsNow = async () => (await http('GET', `/stats/activity?from=${from}&to=${to}`)).body;
    const before = await statsNow();

    const contact = await http('POST', '/contacts', { name: 'Shop Buyer' }, integration.body.key);

    const after = await statsNow();
    const admin = (stats: any) => stats.humans.find((human: { userId: string }) => human.userId === 'admin').created as number;
    // Other Butler writes may share the window; the integration's is one of them, and none is the admin's.
    expect(after.butler.created).toBeGreaterThanOrEqual(before.butler.created + 1);
    expect(admin(after)).toBe(admin(before));
    expect(after.butler.name).toBe('Jeeves');
    const history = await http('GET', `/contacts/${contact.body.id}/history`);
    expect(settings.body.butlerSwitches.at(-1)).toMatchObject({ active: true, by: 'admin' });
    expect(history.body.items[0].actor).toEqual({ kind: 'butler', id: 'butler', name: 'Jeeves', icon: '🎩', via: { integrationId: integration.body.integrationId, integrationName: integration.body.name } });
  });

  it('names who each run step acted as: the author while off, the Butler under its chosen name while on', async () => {
    const id = await automation({ name: 'Tag the deal', trigger: { type: 'manual', entity: 'deal' }, actions: [{ type: 'updateFields', set: { 'fields.tagged': 'yes' } }] });
    const deal = await http('POST', '/deals', { title: 'Tagged', pipelineId: 'sales', stageId: 'new' });
    const runToEnd = async () => {
      const started = await http('POST', `/automations/${id}/runs`, { entityType: 'deal', entityId: deal.body.id });
      expect(started.status).toBe(202);
      return eventually('the run to end', async () => {
        const run = (await http('GET', `/automations/${id}/runs/${started.body.runId}`)).body;
        return run.status === 'SUCCEEDED' && run;
      });
    };
    const actionActor = (run: { steps: Array<{ name: string; actor?: unknown }> }) => run.steps.find((step) => step.name.startsWith('1 ·'))?.actor;

    await http('PATCH', '/settings', { butlerActive: false });
    const whileOff = await runToEnd();
    await http('PATCH', '/settings', { butlerActive: true });
    const whileOn = await runToEnd();

    expect(actionActor(whileOff)).toEqual({ kind: 'user', id: 'admin', name: 'Admin', via: { automationId: id, runId: whileOff.runId } });
    expect(actionActor(whileOn)).toEqual({ kind: 'butler', id: 'butler', name: 'Jeeves', icon: '🎩', via: { automationId: id, runId: whileOn.runId } });
    expect(whileOn.steps.find((step: { name: string }) => step.name === 'Check conditions').actor).toBeUndefined();
  });
});
