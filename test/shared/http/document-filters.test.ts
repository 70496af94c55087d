// GET /documents?entityType&entityId: a record's documents, as the console's record page lists them.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { activityBody, dealBody, must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

describe('GET /documents by record', () => {
  it('lists the documents of that record only, leaving its activities and other records out', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());
    const other = await must(t, 'POST', '/deals', dealBody());
    const offer = await must(t, 'POST', '/documents', { title: 'Offer', entityType: 'deal', entityId: deal.id });
    await must(t, 'POST', '/documents', { title: 'Elsewhere', entityType: 'deal', entityId: other.id });
    await must(t, 'POST', '/activities', activityBody({ entityType: 'deal', entityId: deal.id }, t.admin.id));

    const page = await t.call('GET', `/documents?entityType=deal&entityId=${deal.id}`);

    expect(page.status).toBe(200);
    expect(page.body.items.map((item: { id: string }) => item.id)).toEqual([offer.id]);
  });

  it('refuses entityId without entityType, naming the field', async () => {
    const result = await t.call('GET', '/documents?entityId=x');

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'query.entityId' })]);
  });
});
