// The whole local system as a newcomer runs it: start, call the API over HTTP, stop, start again.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { silentLogger } from '#test/support/table.ts';

let home: string;
let system: LocalSystem | undefined;

async function http(method: string, path: string, options: { token?: string; apiKey?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  if (!system) throw new Error('system not started');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  const response = await fetch(`${system.http.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-e2e-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('a first start', () => {
  it('writes credentials.json with the API URL, admin token and integration key', () => {
    const saved = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8'));

    expect(saved).toEqual({
      apiUrl: system?.http.url,
      adminToken: expect.stringMatching(/^sc_user_/),
      adminUserId: 'admin',
      integrationKey: expect.stringMatching(/^sc_key_/),
    });
  });

  it('seeds the demo pipelines with the stage ids of the design', async () => {
    const sales = await http('GET', '/pipelines/sales', { token: system?.credentials.adminToken });
    const installation = await http('GET', '/pipelines/installation', { token: system?.credentials.adminToken });

    expect(sales.body.stages.map((stage: { id: string; kind: string }) => `${stage.id}:${stage.kind}`)).toEqual([
      'new:open',
      'contract:open',
      'invoice:open',
      'won:won',
      'lost:lost',
      'spam:lost',
    ]);
    expect(installation.body.stages.map((stage: { id: string }) => stage.id)).toEqual(['new', 'scheduled', 'done']);
  });
});

describe('a newcomer’s first session', () => {
  it('creates a contact as the Butler, a deal as the admin, moves, deletes and reads history', async () => {
    const { adminToken, integrationKey } = system!.credentials;
    const contact = await http('POST', '/contacts', { apiKey: integrationKey, body: { name: 'Jane Roe', emails: ['jane@example.com'] } });
    const deal = await http('POST', '/deals', {
      token: adminToken,
      body: { title: 'Solar roof', pipelineId: 'sales', stageId: 'new', contactId: contact.body.id, amount: 12000 },
    });

    const moved = await http('PATCH', `/deals/${deal.body.id}`, { token: adminToken, body: { stageId: 'contract' } });
    const deleted = await http('DELETE', `/deals/${deal.body.id}`, { token: adminToken });
    const history = await http('GET', `/deals/${deal.body.id}/history`, { token: adminToken });
    const gone = await http('GET', `/deals/${deal.body.id}`, { token: adminToken });

    expect(contact.body.createdBy).toBe('butler');
    expect(deal.body.createdBy).toBe('admin');
    expect(moved.body.stageId).toBe('contract');
    expect(deleted.status).toBe(204);
    expect(gone.status).toBe(404);
    expect(history.body.items.map((entry: { action: string; actor: { id: string } }) => `${entry.action} by ${entry.actor.id}`)).toEqual([
      'deleted by admin',
      'stageChanged by admin',
      'created by admin',
    ]);
  });
});

describe('a POST repeated with the same Idempotency-Key', () => {
  it('creates one contact, answers both alike, and the API goes on answering', async () => {
    // Prepare
    const { integrationKey } = system!.credentials;
    const name = `Idempotent ${Date.now()}`;
    const post = () => http('POST', '/contacts', { apiKey: integrationKey, headers: { 'idempotency-key': `key-${name}` }, body: { name } });

    // Act
    const first = await post();
    const second = await post();
    const found = await http('GET', `/contacts?q=${encodeURIComponent(name)}`, { apiKey: integrationKey });
    const status = await http('GET', '/local/status', { token: system!.credentials.adminToken });

    // Assess
    expect(first.status).toBe(201);
    expect(second).toEqual(first);
    expect(found.body.items.map((contact: { id: string }) => contact.id)).toEqual([first.body.id]);
    expect(status.status).toBe(200);
  });
});

describe('a restart', () => {
  it('keeps every record and the same credentials', async () => {
    const { adminToken } = system!.credentials;
    const contact = await http('POST', '/contacts', { token: adminToken, body: { name: 'Kept' } });

    await system?.stop();
    system = await startLocalSystem({ home, port: 0, logger: silentLogger });
    const again = await http('GET', `/contacts/${contact.body.id}`, { token: adminToken });

    expect(system.firstStart).toBe(false);
    expect(system.credentials.adminToken).toBe(adminToken);
    expect(again.body.name).toBe('Kept');
    expect(existsSync(join(home, 'dynamodb'))).toBe(true);
  });
});

describe('change events', () => {
  it('shows a stage move with before and after in GET /local/events', async () => {
    const { adminToken } = system!.credentials;
    const deal = await http('POST', '/deals', { token: adminToken, body: { title: 'Evented', pipelineId: 'sales', stageId: 'new' } });
    await http('PATCH', `/deals/${deal.body.id}`, { token: adminToken, body: { stageId: 'contract' } });

    let moved: { detail: { before: { stageId: string }; after: { stageId: string } } } | undefined;
    for (let attempt = 0; attempt < 50 && !moved; attempt++) {
      const events = await http('GET', '/local/events?limit=20', { token: adminToken });
      moved = events.body.items.find(
        (event: { 'detail-type': string; detail: { entityId: string } }) => event['detail-type'] === 'Deal Stage Changed' && event.detail.entityId === deal.body.id,
      );
      if (!moved) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(moved?.detail.before.stageId).toBe('new');
    expect(moved?.detail.after.stageId).toBe('contract');
  });
});

describe('the demo automations', () => {
  it('are seeded, deployed, and plan a call when a deal reaches the contract stage', async () => {
    const { adminToken } = system!.credentials;
    const automations = await http('GET', '/automations?limit=20', { token: adminToken });
    expect(automations.body.items).toHaveLength(5);
    for (let attempt = 0; attempt < 50; attempt++) {
      const all = await http('GET', '/automations?limit=20', { token: adminToken });
      if (all.body.items.every((automation: { provisioning: string }) => automation.provisioning === 'ready')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const deal = await http('POST', '/deals', { token: adminToken, body: { title: 'Demo', pipelineId: 'sales', stageId: 'new', responsibleId: 'admin' } });

    await http('PATCH', `/deals/${deal.body.id}`, { token: adminToken, body: { stageId: 'contract' } });
    let calls: Array<{ subject: string; createdBy: string }> = [];
    for (let attempt = 0; attempt < 100 && calls.length === 0; attempt++) {
      calls = (await http('GET', `/activities?entityType=deal&entityId=${deal.body.id}`, { token: adminToken })).body.items;
      if (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(calls).toEqual([expect.objectContaining({ subject: 'Call about the contract for Demo', createdBy: 'butler' })]);
  });
});

describe('trigger latency', () => {
  it('is reported by GET /local/status once runs have enrolled', async () => {
    const { adminToken } = system!.credentials;
    const before = (await http('GET', '/local/status', { token: adminToken })).body.triggerLatency.count as number;
    const deal = await http('POST', '/deals', { token: adminToken, body: { title: 'Timed', pipelineId: 'sales', stageId: 'new', responsibleId: 'admin' } });

    await http('PATCH', `/deals/${deal.body.id}`, { token: adminToken, body: { stageId: 'contract' } });
    let status = (await http('GET', '/local/status', { token: adminToken })).body;
    for (let attempt = 0; attempt < 100 && status.triggerLatency.count <= before; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await http('GET', '/local/status', { token: adminToken })).body;
    }

    expect(status.triggerLatency.count).toBeGreaterThan(before);
    expect(status.triggerLatency.p50Ms).toBeGreaterThanOrEqual(0);
    expect(status.triggerLatency.p99Ms).toBeGreaterThanOrEqual(status.triggerLatency.p50Ms);
    expect(status.triggerLatency.maxMs).toBeGreaterThanOrEqual(status.triggerLatency.p99Ms);
  });
});

describe('the demo integration key', () => {
  const listed = async () => (await http('GET', '/integrations', { token: system!.credentials.adminToken })).body.items as Array<Record<string, unknown>>;

  it('is an integration: listed by GET /integrations as "local", created by the admin', async () => {
    // Act
    const items = await listed();
    const used = await http('GET', '/contacts?limit=1', { apiKey: system!.credentials.integrationKey });

    // Assess
    expect(items).toEqual([expect.objectContaining({ integrationId: 'local', name: 'local integration', createdBy: 'admin' })]);
    expect(used.status).toBe(200);
  });

  it('of a home seeded before it had an integration keeps working after a restart, and is listed', async () => {
    // Prepare: a key issued as earlier versions did, a bare credential of integration "local", in credentials.json.
    const { writeFileSync } = await import('node:fs');
    const { credentials } = system!.app.store;
    await credentials.removeIntegration('local');
    const legacyKey = await credentials.issue({ kind: 'integration', integrationId: 'local' }, 'local integration');
    const file = join(home, 'credentials.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), integrationKey: legacyKey }));
    expect(await listed()).toEqual([]);

    // Act
    await system?.stop();
    system = await startLocalSystem({ home, port: 0, logger: silentLogger });
    const used = await http('GET', '/contacts?limit=1', { apiKey: legacyKey });

    // Assess
    expect(system.credentials.integrationKey).toBe(legacyKey);
    expect(used.status).toBe(200);
    expect(await listed()).toEqual([expect.objectContaining({ integrationId: 'local', name: 'local integration', createdBy: 'admin' })]);
  });

  it('is revoked by DELETE /integrations/local: 204, then the key gets 401', async () => {
    // Prepare
    const { adminToken, integrationKey } = system!.credentials;

    // Act
    const removed = await http('DELETE', '/integrations/local', { token: adminToken });
    const used = await http('GET', '/contacts?limit=1', { apiKey: integrationKey });

    // Assess
    expect(removed.status).toBe(204);
    expect(used.status).toBe(401);
    expect(await listed()).toEqual([]);
  });

  it('once revoked, is issued anew, and listed, on the next start', async () => {
    // Prepare
    const revoked = system!.credentials.integrationKey;

    // Act
    await system?.stop();
    system = await startLocalSystem({ home, port: 0, logger: silentLogger });
    const used = await http('GET', '/contacts?limit=1', { apiKey: system.credentials.integrationKey });

    // Assess
    expect(system.credentials.integrationKey).not.toBe(revoked);
    expect(used.status).toBe(200);
    expect(await listed()).toEqual([expect.objectContaining({ integrationId: 'local' })]);
  });
});

describe('HTTP as generic clients speak it', () => {
  const url = (path: string) => `${system!.http.url}${path}`;
  const auth = () => ({ authorization: `Bearer ${system!.credentials.adminToken}` });

  it('answers HEAD like GET, without the body', async () => {
    // Act
    const head = await fetch(url('/contacts?limit=1'), { method: 'HEAD', headers: auth() });

    // Assess
    expect(head.status).toBe(200);
    expect(head.headers.get('x-request-id')).toMatch(/^[0-9A-Z]{26}$/);
    expect(await head.text()).toBe('');
  });

  it('answers OPTIONS with what the path allows', async () => {
    // Act
    const options = await fetch(url('/contacts'), { method: 'OPTIONS' });

    // Assess
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
  });

  it('names the path it was given in a 404, even one that starts with two slashes', async () => {
    // Act
    const reply = await http('GET', '//contacts', { token: system!.credentials.adminToken });

    // Assess
    expect(reply.status).toBe(404);
    expect(reply.body.error.message).toBe('No route GET //contacts.');
  });

  it('reads a body that starts with a UTF-8 byte-order mark, and refuses bytes that are not UTF-8 rather than store them altered', async () => {
    // Prepare
    const post = (bytes: Buffer) => fetch(url('/contacts'), { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: bytes });
    const json = Buffer.from(JSON.stringify({ name: 'Zoë' }), 'utf8');

    // Act
    const withBom = await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]));
    const notUtf8 = await post(Buffer.concat([Buffer.from('{"name":"Zo'), Buffer.from([0xff]), Buffer.from('"}')]));

    // Assess
    expect([withBom.status, ((await withBom.json()) as { name: string }).name]).toEqual([201, 'Zoë']);
    expect(notUtf8.status).toBe(400);
    expect(((await notUtf8.json()) as { error: { details: unknown[] } }).error.details).toEqual([{ path: '(body)', message: 'not valid UTF-8' }]);
  });

  it('refuses a body past 10 MB with 413 and a request id', async () => {
    // Act
    const reply = await fetch(url('/contacts'), { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: 'x'.repeat(11 * 1024 * 1024) });

    // Assess
    expect(reply.status).toBe(413);
    expect(reply.headers.get('x-request-id')).toMatch(/^[0-9A-Z]{26}$/);
    expect(((await reply.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
