// Who wrote what (docs/ARCHITECTURE.md §4): people act as themselves, integration keys as the
// Butler, and no request body can say otherwise.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, dealBody, leadBody, must, namesField } from '#test/support/http-factories.ts';

let t: TestApp;
const integration = () => ({ apiKey: t.integrationKey });
const butlerVia = { kind: 'butler', id: 'butler', via: { integrationId: 'web-form' } };

beforeAll(async () => {
  t = await createTestApp();
});

describe('writes with an integration key', () => {
  it('create records authored by the Butler', async () => {
    const created = await t.call('POST', '/leads', leadBody(), integration());

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ createdBy: 'butler', updatedBy: 'butler' });
  });

  it('leave a history entry by the Butler via the integration', async () => {
    const created = await must(t, 'POST', '/leads', leadBody(), integration());

    const history = await t.call('GET', `/leads/${created.id}/history`);

    expect(history.body.items[0]).toMatchObject({ action: 'created', actor: butlerVia });
  });

  it('name the integration in history by its current name', async () => {
    const made = await must(t, 'POST', '/integrations', { name: 'Website contact form' });
    const created = await must(t, 'POST', '/leads', leadBody(), { apiKey: made.key });

    const history = await t.call('GET', `/leads/${created.id}/history`);

    expect(history.body.items[0].actor).toMatchObject({ kind: 'butler', via: { integrationId: made.integrationId, integrationName: 'Website contact form' } });
  });

  it('update a person’s record as the Butler, keeping who created it', async () => {
    const created = await must(t, 'POST', '/contacts', contactBody());

    const changed = await t.call('PATCH', `/contacts/${created.id}`, { name: 'Changed by a form' }, integration());

    expect(changed.body).toMatchObject({ createdBy: t.admin.id, updatedBy: 'butler' });
  });

  it('record an update by the Butler via the integration in history', async () => {
    const created = await must(t, 'POST', '/contacts', contactBody());
    await must(t, 'PATCH', `/contacts/${created.id}`, { name: 'Changed by a form' }, integration());

    const history = await t.call('GET', `/contacts/${created.id}/history?limit=1`);

    expect(history.body.items[0]).toMatchObject({ action: 'updated', actor: butlerVia });
  });

  it('record a stage move by the Butler via the integration in history', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());
    await must(t, 'PATCH', `/deals/${deal.id}`, { stageId: 'won' }, integration());

    const history = await t.call('GET', `/deals/${deal.id}/history?limit=1`);

    expect(history.body.items[0]).toMatchObject({ action: 'stageChanged', actor: butlerVia });
  });

  it('record a delete by the Butler via the integration in history', async () => {
    const created = await must(t, 'POST', '/contacts', contactBody());
    await must(t, 'DELETE', `/contacts/${created.id}`, undefined, integration());

    const history = await t.call('GET', `/contacts/${created.id}/history?limit=1`);

    expect(history.body.items[0]).toMatchObject({ action: 'deleted', actor: butlerVia });
  });
});

describe('writes with a person’s token', () => {
  it('record that person in history, without via', async () => {
    const created = await must(t, 'POST', '/contacts', contactBody(), { token: t.memberToken });

    const history = await t.call('GET', `/contacts/${created.id}/history`);

    expect(history.body.items[0].actor).toEqual({ kind: 'user', id: t.member.id, name: t.member.name });
  });

  it('author the record as that person', async () => {
    const created = await t.call('POST', '/contacts', contactBody(), { token: t.memberToken });

    expect(created.body).toMatchObject({ createdBy: t.member.id, updatedBy: t.member.id });
  });
});

const systemFieldValues: Record<string, unknown> = {
  createdBy: 'butler',
  updatedBy: 'butler',
  id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  version: 7,
  createdAt: '2020-01-01T00:00:00.000Z',
  updatedAt: '2020-01-01T00:00:00.000Z',
};

describe.each(Object.keys(systemFieldValues))('a body setting %s', (field) => {
  const value = systemFieldValues[field];

  it('is refused on POST with 400 naming the field', async () => {
    const result = await t.call('POST', '/contacts', contactBody({ [field]: value }), { token: t.memberToken });

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('VALIDATION_FAILED');
    expect(namesField(result, field)).toBe(true);
  });

  it('is refused on PATCH with 400, leaving the record as it was', async () => {
    const created = await must(t, 'POST', '/contacts', contactBody());

    const result = await t.call('PATCH', `/contacts/${created.id}`, { name: 'Sneaky', [field]: value });
    const read = await must(t, 'GET', `/contacts/${created.id}`);

    expect(result.status).toBe(400);
    expect(namesField(result, field)).toBe(true);
    expect(read).toEqual(created);
  });

  it('is refused on PATCH with null too', async () => {
    const created = await must(t, 'POST', '/contacts', contactBody());

    const result = await t.call('PATCH', `/contacts/${created.id}`, { [field]: null });

    expect(result.status).toBe(400);
    expect(namesField(result, field)).toBe(true);
  });

  it('is refused from an integration key as well', async () => {
    const result = await t.call('POST', '/leads', leadBody({ [field]: value }), integration());

    expect(result.status).toBe(400);
  });
});
