import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '#test/support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});

describe('POST /contacts', () => {
  it('creates a contact with normalised e-mails and phones, authored by the caller', async () => {
    const created = await t.call('POST', '/contacts', { name: 'Grace', emails: [' Grace@Example.COM '], phones: ['+1 (415) 555-2671'] });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Grace', emails: ['grace@example.com'], phones: ['+14155552671'], version: 1, createdBy: t.admin.id });
    expect(created.headers.etag).toBe('"1"');
  });

  it('acts as the Butler when called with an integration key', async () => {
    const created = await t.call('POST', '/contacts', { name: 'From a form' }, { apiKey: t.integrationKey });

    expect(created.status).toBe(201);
    expect(created.body.createdBy).toBe('butler');
  });

  it('names every bad field in a 400', async () => {
    const result = await t.call('POST', '/contacts', { name: '', emails: ['nope'], extra: 1 });

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('VALIDATION_FAILED');
    expect(result.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['emails.0', 'extra', 'name']);
  });
});

describe('deals', () => {
  it('refuses a stage that is not in the pipeline', async () => {
    const result = await t.call('POST', '/deals', { title: 'Big', pipelineId: 'sales', stageId: 'nowhere' });

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'stageId' })]);
  });

  it('moves between stages and records a stageChanged history entry', async () => {
    const deal = await t.call('POST', '/deals', { title: 'Big', pipelineId: 'sales', stageId: 'new', amount: 500 });

    const moved = await t.call('PATCH', `/deals/${deal.body.id}`, { stageId: 'contract' });
    const history = await t.call('GET', `/deals/${deal.body.id}/history`);

    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ stageId: 'contract', version: 2 });
    expect(history.body.items.map((entry: { action: string }) => entry.action)).toEqual(['stageChanged', 'created']);
    expect(history.body.items[0].changes.stageId).toEqual({ from: 'new', to: 'contract' });
  });
});

describe('duplicate hints', () => {
  it('finds contacts by an e-mail in any spelling', async () => {
    const created = await t.call('POST', '/contacts', { name: 'Dup', emails: ['dup.hint@example.com'] });

    const found = await t.call('GET', '/contacts?email=DUP.Hint@example.com');

    expect(found.status).toBe(200);
    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
  });

  it('finds leads by phone in international format', async () => {
    const created = await t.call('POST', '/leads', { title: 'Phone lead', phones: ['+44 20 7946 0958'] });

    const found = await t.call('GET', `/leads?phone=${encodeURIComponent('+442079460958')}`);

    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
  });

  it('finds leads by a phone whose + was sent unencoded (a query string reads it as a space)', async () => {
    // Prepare
    const created = await t.call('POST', '/leads', { title: 'Plus lead', phones: ['+44 20 7946 0959'] });

    // Act
    const found = await t.call('GET', '/leads?phone=+442079460959');

    // Assess
    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
  });

  it('names the second of two lookups given together', async () => {
    // Act
    const result = await t.call('GET', '/contacts?email=a@b.co&q=x');

    // Assess
    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([{ path: 'query.q', message: 'filter by one of email, phone and q (email is given)' }]);
  });
});

describe("a company's contacts", () => {
  it('lists the contacts of a company, filtered by q within it', async () => {
    // Prepare
    const company = await t.call('POST', '/companies', { name: 'Contacts Inc' });
    const greta = await t.call('POST', '/contacts', { name: 'Greta Garbo', companyId: company.body.id });
    await t.call('POST', '/contacts', { name: 'Ingrid Bergman', companyId: company.body.id });
    await t.call('POST', '/contacts', { name: 'Greta Elsewhere' });

    // Act
    const found = await t.call('GET', `/contacts?companyId=${company.body.id}&q=greta`);

    // Assess
    expect(found.status).toBe(200);
    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([greta.body.id]);
  });

  it('refuses companyId with an e-mail lookup, naming companyId', async () => {
    // Act
    const result = await t.call('GET', '/contacts?companyId=01J00000000000000000000000&email=a@b.co');

    // Assess
    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([{ path: 'query.companyId', message: 'filter by companyId or look up by email or phone, not both' }]);
  });
});

describe('integrations', () => {
  it('issues a key that writes as the Butler, and revoking it locks the integration out', async () => {
    const created = await t.call('POST', '/integrations', { name: 'Web form' });

    const write = await t.call('POST', '/contacts', { name: 'From the form' }, { apiKey: created.body.key });
    const listed = await t.call('GET', '/integrations');
    await t.call('DELETE', `/integrations/${created.body.integrationId}`);
    const after = await t.call('POST', '/contacts', { name: 'Too late' }, { apiKey: created.body.key });

    expect(created.status).toBe(201);
    expect(write.body.createdBy).toBe('butler');
    expect(listed.body.items.map((item: { name: string }) => item.name)).toContain('Web form');
    expect(listed.body.items[0]).not.toHaveProperty('key');
    expect(after.status).toBe(401);
  });

  it('is for admins only', async () => {
    const result = await t.call('POST', '/integrations', { name: 'Sneaky' }, { token: t.memberToken });

    expect(result.status).toBe(403);
  });
});
