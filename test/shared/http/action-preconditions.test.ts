// The action endpoints (stop, activate, sign, view) and the settings honour If-Match as PATCH does, and a
// request that takes no body refuses one instead of ignoring it.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { dealBody, must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

const stale = { headers: { 'if-match': '"99"' } };
const automationBody = () => ({ name: `Preconditions ${Date.now()}`, trigger: { type: 'created', entity: 'deal' }, actions: [{ type: 'createLead', title: 'x' }] });

async function aDocument() {
  const deal = await must(t, 'POST', '/deals', dealBody());
  return must(t, 'POST', '/documents', { title: 'Offer', entityType: 'deal', entityId: deal.id });
}

describe('a stale If-Match', () => {
  it.each(['stop', 'activate'])('on POST /automations/{id}/%s is 412 and changes nothing', async (action) => {
    // Prepare
    const automation = await must(t, 'POST', '/automations', automationBody());

    // Act
    const reply = await t.call('POST', `/automations/${automation.id}/${action}`, undefined, stale);

    // Assess
    expect(reply.status).toBe(412);
    expect(reply.body.error.code).toBe('VERSION_MISMATCH');
    expect((await t.call('GET', `/automations/${automation.id}`)).body.version).toBe(automation.version);
  });

  it.each([
    ['sign', { party: 'sender' }],
    ['view', undefined],
  ])('on POST /documents/{id}/%s is 412 and changes nothing', async (action, body) => {
    // Prepare
    const document = await aDocument();

    // Act
    const reply = await t.call('POST', `/documents/${document.id}/${action}`, body, stale);

    // Assess
    expect(reply.status).toBe(412);
    expect((await t.call('GET', `/documents/${document.id}`)).body.version).toBe(document.version);
  });

  it('on PATCH /settings is 412 and changes nothing', async () => {
    // Prepare
    const before = await t.call('GET', '/settings');

    // Act
    const reply = await t.call('PATCH', '/settings', { defaultCountry: 'DE' }, { headers: { 'if-match': `"${before.body.version + 5}"` } });

    // Assess
    expect(reply.status).toBe(412);
    expect((await t.call('GET', '/settings')).body.version).toBe(before.body.version);
  });
});

describe('a current If-Match', () => {
  it('stops the automation, and the settings answer with their ETag', async () => {
    // Prepare
    const automation = await must(t, 'POST', '/automations', automationBody());
    const settings = await t.call('GET', '/settings');

    // Act
    const stopped = await t.call('POST', `/automations/${automation.id}/stop`, undefined, { headers: { 'if-match': `"${automation.version}"` } });
    const patched = await t.call('PATCH', '/settings', { defaultCountry: 'DE' }, { headers: { 'if-match': settings.headers.etag! } });

    // Assess
    expect([stopped.status, stopped.body.status]).toEqual([200, 'stopped']);
    expect(settings.headers.etag).toBe(`"${settings.body.version}"`);
    expect([patched.status, patched.headers.etag]).toEqual([200, `"${settings.body.version + 1}"`]);
  });
});

describe('a request that takes no body', () => {
  it('refuses one with fields, naming the body', async () => {
    // Prepare
    const automation = await must(t, 'POST', '/automations', automationBody());

    // Act
    const reply = await t.call('POST', `/automations/${automation.id}/stop`, { finishPending: 'yes' });

    // Assess
    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([{ path: '(body)', message: `POST /automations/${automation.id}/stop takes no body` }]);
    expect((await t.call('GET', `/automations/${automation.id}`)).body.status).toBe(automation.status);
  });

  it('accepts an empty object, as many clients send', async () => {
    // Prepare
    const document = await aDocument();

    // Act
    const reply = await t.call('POST', `/documents/${document.id}/view`, {});

    // Assess
    expect([reply.status, reply.body.viewCount]).toEqual([200, 1]);
  });

  it('reads no body on a GET', async () => {
    // Act
    const reply = await t.call('GET', '/contacts/nobody-here', undefined, { rawBody: 'not json' });

    // Assess
    expect(reply.status).toBe(404);
  });
});
