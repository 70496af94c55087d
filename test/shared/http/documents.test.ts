// POST /documents/{id}/sign and /view (docs/ARCHITECTURE.md §8): each party signs once; viewing is recorded.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, documentBody, must } from '#test/support/http-factories.ts';

let t: TestApp;
let contactId: string;

beforeAll(async () => {
  t = await createTestApp();
  contactId = (await must(t, 'POST', '/contacts', contactBody())).id;
});

const aDocument = () => must(t, 'POST', '/documents', documentBody({ entityType: 'contact', entityId: contactId }));

describe('POST /documents/{id}/sign', () => {
  it('records the sender signature at the current time', async () => {
    const document = await aDocument();
    t.clock.advance(60_000);

    const signed = await t.call('POST', `/documents/${document.id}/sign`, { party: 'sender' });

    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ id: document.id, signedBySenderAt: t.clock.now().toISOString(), version: 2 });
    expect(signed.body).not.toHaveProperty('signedByRecipientAt');
  });

  it('records the recipient signature beside the sender one', async () => {
    const document = await aDocument();
    await must(t, 'POST', `/documents/${document.id}/sign`, { party: 'sender' }, { expected: 200 });

    const signed = await t.call('POST', `/documents/${document.id}/sign`, { party: 'recipient' });

    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ signedBySenderAt: expect.any(String), signedByRecipientAt: expect.any(String), version: 3 });
  });

  it('signing twice changes nothing: same time, same version', async () => {
    const document = await aDocument();
    const first = await must(t, 'POST', `/documents/${document.id}/sign`, { party: 'recipient' }, { expected: 200 });
    t.clock.advance(60_000);

    const again = await t.call('POST', `/documents/${document.id}/sign`, { party: 'recipient' });

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first);
  });

  it('signing twice writes no second history entry', async () => {
    const document = await aDocument();
    await must(t, 'POST', `/documents/${document.id}/sign`, { party: 'sender' }, { expected: 200 });
    await must(t, 'POST', `/documents/${document.id}/sign`, { party: 'sender' }, { expected: 200 });

    const history = await t.call('GET', `/documents/${document.id}/history`);

    expect(history.body.items.map((entry: { action: string }) => entry.action)).toEqual(['updated', 'created']);
  });

  it('signed by an integration, the signature is the Butler’s', async () => {
    const document = await aDocument();

    const signed = await t.call('POST', `/documents/${document.id}/sign`, { party: 'sender' }, { apiKey: t.integrationKey });

    expect(signed.body.updatedBy).toBe('butler');
  });

  it('refuses a party other than sender or recipient, naming the field', async () => {
    const document = await aDocument();

    const result = await t.call('POST', `/documents/${document.id}/sign`, { party: 'witness' });

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'party' })]);
  });

  it('refuses a missing body', async () => {
    const document = await aDocument();

    const result = await t.call('POST', `/documents/${document.id}/sign`);

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 404 for an unknown document', async () => {
    const result = await t.call('POST', '/documents/01ARZ3NDEKTSV4RRFFQ69G5FAV/sign', { party: 'sender' });

    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 404 for a deleted document', async () => {
    const document = await aDocument();
    await must(t, 'DELETE', `/documents/${document.id}`);

    const result = await t.call('POST', `/documents/${document.id}/sign`, { party: 'sender' });

    expect(result.status).toBe(404);
  });

  it('cannot be faked through PATCH', async () => {
    const document = await aDocument();

    const result = await t.call('PATCH', `/documents/${document.id}`, { signedBySenderAt: '2026-01-01T00:00:00Z' });

    expect(result.status).toBe(400);
  });
});

describe('POST /documents/{id}/view', () => {
  it('records when the document was viewed', async () => {
    const document = await aDocument();
    t.clock.advance(60_000);

    const viewed = await t.call('POST', `/documents/${document.id}/view`);

    expect(viewed.status).toBe(200);
    expect(viewed.body).toMatchObject({ id: document.id, viewedAt: t.clock.now().toISOString(), version: 2 });
  });

  it('is kept in the document: GET reads viewedAt', async () => {
    const document = await aDocument();
    await must(t, 'POST', `/documents/${document.id}/view`, undefined, { expected: 200 });

    const read = await t.call('GET', `/documents/${document.id}`);

    expect(read.body.viewedAt).toBe(t.clock.now().toISOString());
  });

  it('answers 404 for an unknown document', async () => {
    const result = await t.call('POST', '/documents/01ARZ3NDEKTSV4RRFFQ69G5FAV/view');

    expect(result.status).toBe(404);
  });
});
