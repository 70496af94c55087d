// A caller's mistake is a 4xx naming what is wrong, never a 500 (DESIGN §8), and the
// local-only routes that show full records and mail are for admins, like their writes.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { errorPaths, must } from '#test/support/http-factories.ts';
import { localExtraRoutes } from '#test/support/local-routes.ts';

let t: TestApp;
let automationId: string;

beforeAll(async () => {
  t = await createTestApp({ extraRoutes: localExtraRoutes() });
  const automation = await must(t, 'POST', '/automations', {
    name: 'Welcome',
    trigger: { type: 'created', entity: 'deal' },
    actions: [{ type: 'notify', to: 'responsible', message: 'New deal {{ deal.title }}' }],
  });
  automationId = automation.id;
});

describe('GET /automations/{id}/runs with from after to', () => {
  it('answers 400 naming query.to', async () => {
    const reply = await t.call('GET', `/automations/${automationId}/runs?from=2020-01-01T00:00:00Z&to=2019-01-01T00:00:00Z`);

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['query.to']);
  });

  it('answers 200 for the same window the right way round', async () => {
    const reply = await t.call('GET', `/automations/${automationId}/runs?from=2019-01-01T00:00:00Z&to=2020-01-01T00:00:00Z`);

    expect(reply.status).toBe(200);
    expect(reply.body.items).toEqual([]);
  });
});

describe('GET /local/outbox with a bad limit', () => {
  it.each(['-1', 'NaN', '1e9', '0', '2.5', 'ten'])('answers 400 naming query.limit for limit=%s', async (limit) => {
    const reply = await t.call('GET', `/local/outbox?limit=${limit}`);

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['query.limit']);
  });

  it('answers 200 with a limit in range', async () => {
    const reply = await t.call('GET', '/local/outbox?limit=5');

    expect(reply.status).toBe(200);
    expect(reply.body.items).toEqual([]);
  });
});

describe('DELETE /integrations/{id} with an id no integration can have', () => {
  it('answers 404 for 3,000 characters', async () => {
    const reply = await t.call('DELETE', `/integrations/${'x'.repeat(3000)}`);

    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 404 for characters an id never has', async () => {
    const reply = await t.call('DELETE', `/integrations/${encodeURIComponent('a b#c')}`);

    expect(reply.status).toBe(404);
  });

  it('still revokes a real integration', async () => {
    const integration = await must(t, 'POST', '/integrations', { name: 'CRM sync' });

    const reply = await t.call('DELETE', `/integrations/${integration.integrationId}`);

    expect(reply.status).toBe(204);
  });
});

describe('/local/* reads', () => {
  const reads = ['/local/events', '/local/outbox', '/local/clock'];

  it.each(reads)('GET %s answers 403 to a member', async (path) => {
    const reply = await t.call('GET', path, undefined, { token: t.memberToken });

    expect(reply.status).toBe(403);
  });

  it.each(reads)('GET %s answers 403 to an integration key', async (path) => {
    const reply = await t.call('GET', path, undefined, { apiKey: t.integrationKey });

    expect(reply.status).toBe(403);
  });

  it.each(reads)('GET %s answers 200 to an admin', async (path) => {
    const reply = await t.call('GET', path);

    expect(reply.status).toBe(200);
  });
});
