// Paperwork and the Butler's switch through the API: document templates, documents made from them,
// the tracked link's page, save-time checks of document triggers and actions, and /settings.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, dealBody, errorPaths, must } from '#test/support/http-factories.ts';

let t: TestApp;

const templateBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Quote',
  kind: 'quote',
  body: '<h1>Quote for {{ deal.title }}</h1><p>{{ contact.name }}</p><p>{{ template.name }} · {{ document.kind }}</p>',
  parties: ['sender', 'recipient'],
  ...overrides,
});

/** A browser on the document page: the open route, HTML back. */
async function page(token: string, method: 'GET' | 'POST' = 'GET', sourceIp = '203.0.113.7') {
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: `/d/${token}`,
    rawQueryString: '',
    headers: { 'user-agent': 'test-browser' },
    requestContext: { requestId: 'page', http: { method, path: `/d/${token}`, sourceIp } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const result = await t.app.api(event);
  return { status: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string>, html: result.body ?? '' };
}

async function quoteOnDeal(overrides: Record<string, unknown> = {}) {
  const template = await must(t, 'POST', '/document-templates', templateBody(overrides));
  const contact = await must(t, 'POST', '/contacts', contactBody({ name: '<img src=x onerror=alert(1)> Roe' }));
  const deal = await must(t, 'POST', '/deals', dealBody({ title: 'Solar <b>roof</b>', contactId: contact.id }));
  const document = await must(t, 'POST', '/documents', { templateId: template.id, entityType: 'deal', entityId: deal.id });
  return { template, contact, deal, document };
}

const tokenOf = (url: string) => url.split('/d/')[1]!;

beforeAll(async () => {
  t = await createTestApp();
});

describe('document templates', () => {
  it('are created by admins and read back', async () => {
    const created = await t.call('POST', '/document-templates', templateBody());
    const read = await t.call('GET', `/document-templates/${created.body.id}`);

    expect(created.status).toBe(201);
    expect(read.body).toMatchObject({ name: 'Quote', kind: 'quote', parties: ['sender', 'recipient'], version: 1 });
  });

  it('are refused to members (403)', async () => {
    const result = await t.call('POST', '/document-templates', templateBody(), { token: t.memberToken });

    expect(result.status).toBe(403);
  });

  it('refuse a body naming an unknown variable or document field, by path', async () => {
    const result = await t.call('POST', '/document-templates', templateBody({ body: '{{ dael.title }} {{ document.titel }}', subject: '{% if %}' }));

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['body', 'body', 'subject']);
  });

  it('refuse | raw, which would let a record value through as markup', async () => {
    const result = await t.call('POST', '/document-templates', templateBody({ body: '<p>{{ deal.title | raw }}</p>' }));

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['body']);
    expect(JSON.stringify(result.body)).toContain('\\"| raw\\" is not available');
  });

  it('change with PATCH; a document made before keeps the body it was made with', async () => {
    const { template, document } = await quoteOnDeal();

    const changed = await t.call('PATCH', `/document-templates/${template.id}`, { body: '<p>New wording</p>' }, { headers: { 'if-match': '"1"' } });

    const kept = await must(t, 'GET', `/documents/${document.id}`);
    expect(changed.body).toMatchObject({ version: 2, body: '<p>New wording</p>' });
    expect(kept.body).toContain('Quote for');
  });
});

describe('POST /documents from a template', () => {
  it('renders the body with every record value HTML-escaped and keeps it with the document', async () => {
    const { document, template } = await quoteOnDeal();

    expect(document).toMatchObject({ title: 'Quote: Solar <b>roof</b>', templateId: template.id, kind: 'quote', parties: ['sender', 'recipient'], pipelineId: 'sales' });
    expect(document.body).toBe('<h1>Quote for Solar &lt;b&gt;roof&lt;/b&gt;</h1><p>&lt;img src=x onerror=alert(1)&gt; Roe</p><p>Quote · quote</p>');
  });

  it('escapes a value once, keeps the line breaks of newline_to_br and writes a script URL as unsafe', async () => {
    const template = await must(t, 'POST', '/document-templates', templateBody({ body: '<p>{{ deal.title | escape }}</p><p>{{ deal.fields.notes | newline_to_br }}</p><a href="{{ contact.fields.website }}">site</a>' }));
    const contact = await must(t, 'POST', '/contacts', contactBody({ fields: { website: 'javascript:alert(1)' } }));
    const deal = await must(t, 'POST', '/deals', dealBody({ title: 'Tom & Jerry', fields: { notes: 'Line <1>\nLine 2' }, contactId: contact.id }));

    const document = await must(t, 'POST', '/documents', { templateId: template.id, entityType: 'deal', entityId: deal.id });

    expect(document.body).toBe('<p>Tom &amp; Jerry</p><p>Line &lt;1&gt;<br />\nLine 2</p><a href="unsafe:javascript:alert(1)">site</a>');
  });

  it('answers 400 naming templateId when no such template exists', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());

    const result = await t.call('POST', '/documents', { templateId: 'nope', entityType: 'deal', entityId: deal.id });

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['templateId']);
  });

  it('needs a title when no template is named', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());

    const result = await t.call('POST', '/documents', { entityType: 'deal', entityId: deal.id });

    expect(errorPaths(result)).toEqual(['title']);
  });
});

describe('POST /document-templates/{id}/preview', () => {
  async function templateAndDeal() {
    const template = await must(t, 'POST', '/document-templates', templateBody());
    const contact = await must(t, 'POST', '/contacts', contactBody({ name: '<img src=x onerror=alert(1)> Roe' }));
    const deal = await must(t, 'POST', '/deals', dealBody({ title: 'Solar <b>roof</b>', contactId: contact.id }));
    return { template, deal };
  }

  it('renders the saved template for a deal, every record value escaped as the page shows it', async () => {
    const { template, deal } = await templateAndDeal();

    const result = await t.call('POST', `/document-templates/${template.id}/preview`, { entityType: 'deal', entityId: deal.id });

    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      title: 'Quote: Solar <b>roof</b>',
      body: '<h1>Quote for Solar &lt;b&gt;roof&lt;/b&gt;</h1><p>&lt;img src=x onerror=alert(1)&gt; Roe</p><p>Quote · quote</p>',
      entityType: 'deal',
      entityId: deal.id,
    });
  });

  it('previews an unsaved body without changing the template or making a document', async () => {
    const { template, deal } = await templateAndDeal();

    const result = await t.call('POST', `/document-templates/${template.id}/preview`, { entityType: 'deal', entityId: deal.id, body: '<p>Amount {{ deal.amount }}</p>' });

    expect(result.body.body).toBe(`<p>Amount ${deal.amount ?? ''}</p>`);
    expect((await must(t, 'GET', `/document-templates/${template.id}`)).body).toBe(template.body);
    expect((await must(t, 'GET', '/documents?limit=100')).items.filter((item: { entityId: string }) => item.entityId === deal.id)).toEqual([]);
  });

  it('answers 400 naming the field for a record that does not exist or a body with an unknown variable', async () => {
    const { template, deal } = await templateAndDeal();

    const missing = await t.call('POST', `/document-templates/${template.id}/preview`, { entityType: 'deal', entityId: 'NOPE' });
    const unknown = await t.call('POST', `/document-templates/${template.id}/preview`, { entityType: 'deal', entityId: deal.id, body: '{{ secret.key }}' });
    const badType = await t.call('POST', `/document-templates/${template.id}/preview`, { entityType: 'user', entityId: deal.id });

    expect([errorPaths(missing), errorPaths(unknown), errorPaths(badType)]).toEqual([['entityId'], ['body'], ['entityType']]);
  });

  it('is for admins, and 404 for a template that does not exist', async () => {
    const { template, deal } = await templateAndDeal();

    const member = await t.call('POST', `/document-templates/${template.id}/preview`, { entityType: 'deal', entityId: deal.id }, { token: t.memberToken });
    const none = await t.call('POST', '/document-templates/01J0000000000000000000NONE/preview', { entityType: 'deal', entityId: deal.id });

    expect([member.status, none.status]).toEqual([403, 404]);
  });
});

describe('the tracked link page GET /d/{token}', () => {
  it('shows the document without login, with a strict CSP and no script from a field', async () => {
    const { document } = await quoteOnDeal();
    const { url } = await t.app.documentLinks.issue(document.id, { channel: 'email', address: 'client@example.com' });

    const opened = await page(tokenOf(url));

    expect(opened.status).toBe(200);
    expect(opened.headers['content-security-policy']).toBe(
      "default-src 'none'; img-src 'self' data:; style-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(opened.html).not.toContain('<img src=x');
    expect(opened.html).toContain('<form method="post">');
  });

  it('records one view per recipient and day, then another on the next day', async () => {
    const { document } = await quoteOnDeal();
    const { url } = await t.app.documentLinks.issue(document.id, { channel: 'email', address: 'client@example.com' });

    await page(tokenOf(url));
    await page(tokenOf(url));
    const sameDay = await must(t, 'GET', `/documents/${document.id}`);
    t.clock.advance(24 * 3600_000);
    await page(tokenOf(url));
    const nextDay = await must(t, 'GET', `/documents/${document.id}`);

    expect(sameDay).toMatchObject({ viewCount: 1, lastViewedBy: 'client@example.com' });
    expect(nextDay.viewCount).toBe(2);
  });

  it('counts two recipients’ views apart', async () => {
    const { document } = await quoteOnDeal();
    const first = await t.app.documentLinks.issue(document.id, { channel: 'email', address: 'a@example.com' });
    const second = await t.app.documentLinks.issue(document.id, { channel: 'sms', address: '+34612345678' });

    await page(tokenOf(first.url));
    await page(tokenOf(second.url));

    expect((await must(t, 'GET', `/documents/${document.id}`)).viewCount).toBe(2);
  });

  it('answers a forged, foreign or expired token with the same 404 page', async () => {
    const { document } = await quoteOnDeal();
    const other = await quoteOnDeal();
    const { url } = await t.app.documentLinks.issue(document.id, { channel: 'email', address: 'client@example.com' });
    const secret = tokenOf(url).split('.')[1];

    const forged = await page(`${document.id}.${'x'.repeat(32)}`);
    const foreign = await page(`${other.document.id}.${secret}`);
    const garbage = await page('%3Cscript%3E');
    t.clock.advance(31 * 24 * 3600_000);
    const expired = await page(tokenOf(url));

    const replies = [forged, foreign, garbage, expired];
    expect(replies.map((reply) => reply.status)).toEqual([404, 404, 404, 404]);
    expect(new Set(replies.map((reply) => reply.html)).size).toBe(1);
  });

  it('lets the recipient sign once when the template asks for it', async () => {
    const { document } = await quoteOnDeal();
    const { url } = await t.app.documentLinks.issue(document.id, { channel: 'email', address: 'client@example.com' });

    const signed = await page(tokenOf(url), 'POST');
    const first = await must(t, 'GET', `/documents/${document.id}`);
    t.clock.advance(60_000);
    await page(tokenOf(url), 'POST');
    const again = await must(t, 'GET', `/documents/${document.id}`);
    const history = await must(t, 'GET', `/documents/${document.id}/history`);

    expect(signed.status).toBe(200);
    expect(first).toMatchObject({ signedByRecipient: 'client@example.com' });
    expect(again.signedByRecipientAt).toBe(first.signedByRecipientAt);
    expect(history.items[0].actor).toMatchObject({ kind: 'butler', via: { documentLink: expect.any(String) } });
  });

  it('refuses signing when the template names no recipient signature', async () => {
    const { document } = await quoteOnDeal({ parties: ['sender'] });
    const { url } = await t.app.documentLinks.issue(document.id, { channel: 'email', address: 'client@example.com' });

    const result = await page(tokenOf(url), 'POST');

    expect(result.status).toBe(409);
    expect((await must(t, 'GET', `/documents/${document.id}`)).signedByRecipientAt).toBeUndefined();
  });

  it('is rate-limited per address', async () => {
    const limited = await createTestApp({ pagesPerAddress: 5 });
    const previous = t;
    t = limited;
    try {
      const { document } = await quoteOnDeal();
      const { url } = await t.app.documentLinks.issue(document.id, { channel: 'email', address: 'client@example.com' });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await page(tokenOf(url), 'GET', '198.51.100.9')).status);
      const elsewhere = await page(tokenOf(url), 'GET', '198.51.100.10');
      t.clock.advance(60_000);
      const nextMinute = await page(tokenOf(url), 'GET', '198.51.100.9');

      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect([elsewhere.status, nextMinute.status]).toEqual([200, 200]);
    } finally {
      t = previous;
    }
  });
});

describe('automations with documents', () => {
  it('refuse document.* outside document triggers and unknown document fields, by path', async () => {
    const result = await t.call('POST', '/automations', {
      name: 'Bad',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
      actions: [{ type: 'notify', to: 'responsible', message: '{{ document.title }}' }],
    });
    const typo = await t.call('POST', '/automations', {
      name: 'Typo',
      trigger: { type: 'documentViewed' },
      actions: [{ type: 'notify', to: 'responsible', message: '{{ document.titel }} {{ template.name }}' }],
    });

    expect(errorPaths(result)).toEqual(['actions.0.message']);
    expect(errorPaths(typo)).toEqual(['actions.0.message']);
  });

  it('refuse an unknown template, a pipeline that does not exist and a move outside the trigger’s pipeline', async () => {
    const result = await t.call('POST', '/automations', {
      name: 'Bad',
      trigger: { type: 'documentSigned', party: 'all', pipelineId: 'nope', templateId: 'missing' },
      actions: [{ type: 'moveToStage', stageId: 'won' }],
    });
    const wrongStage = await t.call('POST', '/automations', {
      name: 'Bad stage',
      trigger: { type: 'documentViewed', pipelineId: 'sales' },
      actions: [{ type: 'moveToStage', stageId: 'scheduled' }],
    });

    expect(errorPaths(result)).toEqual(['trigger.pipelineId', 'trigger.templateId']);
    expect(errorPaths(wrongStage)).toEqual(['actions.0.stageId']);
  });

  it('refuse sendDocument with no document to send', async () => {
    const result = await t.call('POST', '/automations', {
      name: 'Nothing to send',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
      actions: [{ type: 'sendDocument', channel: 'sms', to: 'contact' }],
    });

    expect(errorPaths(result)).toEqual(['actions.0.type']);
  });

  it('accept createDocument then sendDocument by SMS on a stage trigger', async () => {
    const template = await must(t, 'POST', '/document-templates', templateBody());

    const result = await t.call('POST', '/automations', {
      name: 'Quote by SMS',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
      actions: [{ type: 'createDocument', templateId: template.id }, { type: 'sendDocument', channel: 'sms', to: 'contact', message: 'Your quote: {{ deal.title }}' }],
    });

    expect(result.status).toBe(201);
  });
});

describe('/settings', () => {
  it('start with the Butler off for a workspace nobody configured', async () => {
    const fresh = await createTestApp({ butlerActive: false });

    const result = await fresh.call('GET', '/settings');

    expect(result.body).toEqual({ version: 0, butlerActive: false, butlerSwitches: [] });
  });

  it('are for admins only', async () => {
    const read = await t.call('GET', '/settings', undefined, { token: t.memberToken });
    const write = await t.call('PATCH', '/settings', { butlerActive: false }, { apiKey: t.integrationKey });

    expect([read.status, write.status]).toEqual([403, 403]);
  });

  it('record who switched the Butler and when', async () => {
    const fresh = await createTestApp({ butlerActive: false });

    const result = await fresh.call('PATCH', '/settings', { butlerActive: true });

    expect(result.body.butlerSwitches).toEqual([{ active: true, at: fresh.clock.now().toISOString(), by: fresh.admin.id }]);
  });

  it('refuse an unknown country, by path', async () => {
    const result = await t.call('PATCH', '/settings', { defaultCountry: 'XX' });

    expect(errorPaths(result)).toEqual(['defaultCountry']);
  });

  it('let people type national phone numbers once a default country is set, stored as E.164', async () => {
    const fresh = await createTestApp();
    await must(fresh, 'PATCH', '/settings', { defaultCountry: 'ES' }, { expected: 200 });

    const contact = await fresh.call('POST', '/contacts', { name: 'Local', phones: ['612 34 56 78'] });

    expect(contact.body.phones).toEqual(['+34612345678']);
  });
});

describe('national phone numbers, once the workspace’s default country is ES', () => {
  let es: TestApp;

  beforeAll(async () => {
    es = await createTestApp();
    await must(es, 'PATCH', '/settings', { defaultCountry: 'ES' }, { expected: 200 });
  });

  it('go on the exceptions list as E.164', async () => {
    const added = await es.call('POST', '/exceptions', { value: '612 34 56 01', reason: 'asked by phone' });

    expect(added.status).toBe(201);
    expect(added.body.value).toBe('+34612345601');
  });

  it('refuse a contact whose national number is on the list, however either was typed', async () => {
    await must(es, 'POST', '/exceptions', { value: '+34 612 34 56 02' });

    const refused = await es.call('POST', '/contacts', contactBody({ phones: ['612345602'] }));

    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONTACT_EXCEPTED');
  });

  it('look up and take a value off the list by its national spelling', async () => {
    await must(es, 'POST', '/exceptions', { value: '612 34 56 03', reason: 'typo' });

    const history = await es.call('GET', '/exceptions/612345603/history');
    const removed = await es.call('DELETE', '/exceptions/612345603');

    expect(history.body.items[0]).toMatchObject({ action: 'added', reason: 'typo' });
    expect(removed.status).toBe(204);
    expect((await es.call('GET', '/exceptions/+34612345603/history')).body.items[0]).toMatchObject({ action: 'removed' });
  });

  it('find a contact by a national number', async () => {
    const contact = await must(es, 'POST', '/contacts', contactBody({ phones: ['+34 612 34 56 04'] }));

    const found = await es.call('GET', '/contacts?phone=612%2034%2056%2004');

    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([contact.id]);
  });

  it('are stored as E.164 on a lead’s PATCH too', async () => {
    const lead = await must(es, 'POST', '/leads', { title: 'Call back', phones: [] });

    const patched = await es.call('PATCH', `/leads/${lead.id}`, { phones: ['612 34 56 05'] });

    expect(patched.body.phones).toEqual(['+34612345605']);
  });

  it('answer 400 naming the field when they cannot be a phone number', async () => {
    const exception = await es.call('POST', '/exceptions', { value: '12' });
    const contact = await es.call('POST', '/contacts', contactBody({ phones: ['12'] }));
    const search = await es.call('GET', '/contacts?phone=12');

    expect([exception.status, contact.status, search.status]).toEqual([400, 400, 400]);
    expect([errorPaths(exception), errorPaths(contact), errorPaths(search)]).toEqual([['value'], ['phones.0'], ['query.phone']]);
    expect(exception.body.error.details[0].message).toContain('national in ES');
  });
});

describe('while the Butler is off', () => {
  it('an automation’s writes are credited to its author, with via naming the run', async () => {
    const fresh = await createTestApp({ butlerActive: false });
    const automation = await must(fresh, 'POST', '/automations', {
      name: 'Manual lead',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'createLead', title: 'From {{ deal.title }}' }],
    });
    const deal = await must(fresh, 'POST', '/deals', dealBody());
    const { runStep } = (await import('#shared/engine/actions.ts')).createActions({
      store: fresh.app.store,
      records: fresh.app.records,
      sendMail: async () => {
        throw new Error('no mail here');
      },
      clock: fresh.clock,
      sendWebhook: async () => {
        throw new Error('no webhooks here');
      },
    });

    const outcome = await runStep({ type: 'createLead', title: 'From a deal' }, {
      automationId: automation.id,
      automationName: 'Manual lead',
      runId: 'run-1',
      stepIndex: 1,
      plannedAt: fresh.clock.now(),
      entityType: 'deal',
      entityId: deal.id,
      depth: 0,
      timeZone: 'UTC',
      render: async (text) => text,
    }, deal);

    const history = await must(fresh, 'GET', `/leads/${outcome.records![0]!.id}/history`);
    expect(history.items[0].actor).toEqual({ kind: 'user', id: fresh.admin.id, name: fresh.admin.name, via: { automationId: automation.id, runId: 'run-1' } });
  });
});
