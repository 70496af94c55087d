// The system rule on `<Entity> Deleted`, in local mode over DynamoDB Local: records deleted through the HTTP API, the
// stream, the local bus and the rule's target, and the Butler unlinking what pointed at them.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalEvents } from '#infra/local/events.ts';
import type { CrmEvent } from '#shared/crm/complete-activities.ts';
import { UNLINK_DELETED_RULE, createUnlinkDeleted } from '#shared/crm/unlink-deleted.ts';
import type { TestApp } from '#test/support/app.ts';
import { systemRuleUnderTest } from '#test/support/system-rule.ts';
import { silentLogger } from '#test/support/table.ts';

const eventually = { timeout: 30_000, interval: 20 };
const rule = systemRuleUnderTest('unlink', (t) => {
  const unlinkDeleted = createUnlinkDeleted({ store: t.app.store, logger: silentLogger });
  return { unlinkDeleted: (event) => unlinkDeleted(event) };
});
let t: TestApp;
let events: LocalEvents;
beforeAll(() => {
  ({ t, events } = rule);
});

async function created(collection: string, body: Record<string, unknown>): Promise<string> {
  const reply = await t.call('POST', `/${collection}`, body);
  expect(reply.status).toBe(201);
  return reply.body.id;
}

const aCompany = () => created('companies', { name: 'Acme' });
const aContact = (fields: Record<string, unknown> = {}) => created('contacts', { name: 'Greta Garbo', ...fields });
const aDeal = (fields: Record<string, unknown> = {}) => created('deals', { title: 'Solar roof', pipelineId: 'sales', stageId: 'new', ...fields });
const anActivity = (entityType: string, entityId: string, fields: Record<string, unknown> = {}) =>
  created('activities', { subject: 'Call back', activityType: 'call', dueAt: '2026-01-20T10:00:00.000Z', responsibleId: t.admin.id, entityType, entityId, ...fields });
const aDocument = (entityType: string, entityId: string) => created('documents', { title: 'Offer', entityType, entityId });

const read = async (collection: string, id: string) => t.call('GET', `/${collection}/${id}`);

/** Deletes through the API and waits until the rule has handled the deletion; answers the Deleted event. */
async function deleted(collection: string, entityType: string, id: string): Promise<CrmEvent> {
  t.clock.advance(1000);
  const reply = await t.call('DELETE', `/${collection}/${id}`);
  expect(reply.status).toBe(204);
  let handled: CrmEvent | undefined;
  await vi.waitFor(() => {
    const record = events.bus
      .recent(5000)
      .find((item) => item.event['detail-type'].endsWith(' Deleted') && item.event.detail.entityType === entityType && item.event.detail.entityId === id);
    expect(record?.deliveries).toEqual([expect.objectContaining({ rule: UNLINK_DELETED_RULE, status: 'delivered' })]);
    handled = record?.event as unknown as CrmEvent;
  }, eventually);
  return handled!;
}

describe('deleting a company', () => {
  it('unlinks its contacts and its deals', async () => {
    // Prepare
    const companyId = await aCompany();
    const contactId = await aContact({ companyId });
    const dealId = await aDeal({ companyId, contactId });

    // Act
    await deleted('companies', 'company', companyId);

    // Assess
    const contact = (await read('contacts', contactId)).body;
    const deal = (await read('deals', dealId)).body;
    expect(contact).not.toHaveProperty('companyId');
    expect(contact).toMatchObject({ version: 2, updatedBy: 'butler' });
    expect(deal).not.toHaveProperty('companyId');
    expect(deal).toMatchObject({ version: 2, updatedBy: 'butler', contactId });
    expect((await t.call('GET', `/deals?companyId=${companyId}`)).body.items).toEqual([]);
    expect((await t.call('GET', `/contacts?companyId=${companyId}`)).body.items).toEqual([]);
  });

  it('unlinks contacts and deals beyond the first page', async () => {
    // Prepare
    const companyId = await aCompany();
    const contactIds: string[] = [];
    for (let index = 0; index < 60; index++) contactIds.push(await aContact({ name: `Contact ${index}`, companyId }));
    const dealIds: string[] = [];
    for (let index = 0; index < 30; index++) dealIds.push(await aDeal({ title: `Deal ${index}`, companyId }));

    // Act
    await deleted('companies', 'company', companyId);

    // Assess
    const contacts = await t.app.store.records.getMany('contact', contactIds);
    const deals = await t.app.store.records.getMany('deal', dealIds);
    expect([...contacts.values()].filter((contact) => contact.companyId !== undefined)).toEqual([]);
    expect([...deals.values()].filter((deal) => deal.companyId !== undefined)).toEqual([]);
    expect(contacts.size + deals.size).toBe(90);
  });

  it('unlinks a contact whose e-mail was put on the exceptions list after it was stored', async () => {
    // Prepare
    const companyId = await aCompany();
    const contactId = await aContact({ companyId, emails: ['greta@example.com'] });
    expect((await t.call('POST', '/exceptions', { value: 'greta@example.com', reason: 'asked not to be mailed' })).status).toBe(201);

    // Act
    await deleted('companies', 'company', companyId);

    // Assess
    const contact = (await read('contacts', contactId)).body;
    expect(contact).not.toHaveProperty('companyId');
    expect(contact.emails).toEqual(['greta@example.com']);
  });

  it("writes its contacts' unlinking into their history as the Butler, for the rule and the deletion", async () => {
    // Prepare
    const companyId = await aCompany();
    const contactId = await aContact({ companyId });

    // Act
    const companyDeleted = await deleted('companies', 'company', companyId);

    // Assess
    const history = await t.call('GET', `/contacts/${contactId}/history`);
    expect(history.body.items[0]).toMatchObject({
      action: 'updated',
      actor: { kind: 'butler', id: 'butler', via: { system: UNLINK_DELETED_RULE, eventId: companyDeleted.detail.eventId } },
      changes: { companyId: { from: companyId, to: null } },
    });
  });

  it('counts the unlinking for the Butler, not for the person who deleted the company', async () => {
    // Prepare
    const companyId = await aCompany();
    await aContact({ companyId });
    await aDeal({ companyId });
    t.clock.advance(1000);
    const from = t.clock.now().toISOString();

    // Act
    await deleted('companies', 'company', companyId);

    // Assess
    const to = new Date(t.clock.now().getTime() + 1000).toISOString();
    const stats = await t.call('GET', `/stats/activity?from=${from}&to=${to}`);
    const admin = stats.body.humans.find((human: { userId: string }) => human.userId === t.admin.id);
    expect(admin).toMatchObject({ created: 0, updated: 0, deleted: 1 });
    expect(stats.body.butler).toMatchObject({ updated: 2 });
  });
});

describe('deleting a contact', () => {
  it('unlinks its deals and keeps their other links', async () => {
    // Prepare
    const companyId = await aCompany();
    const contactId = await aContact();
    const dealId = await aDeal({ contactId, companyId });

    // Act
    await deleted('contacts', 'contact', contactId);

    // Assess
    const deal = (await read('deals', dealId)).body;
    expect(deal).not.toHaveProperty('contactId');
    expect(deal.companyId).toBe(companyId);
    expect((await t.call('GET', `/deals?contactId=${contactId}`)).body.items).toEqual([]);
  });

  it('deletes its open activities and keeps its completed ones', async () => {
    // Prepare
    const contactId = await aContact();
    const open = await anActivity('contact', contactId);
    const done = await anActivity('contact', contactId, { status: 'completed' });

    // Act
    await deleted('contacts', 'contact', contactId);

    // Assess
    expect((await read('activities', open)).status).toBe(404);
    expect((await read('activities', done)).body).toMatchObject({ status: 'completed', version: 1 });
    const history = await t.call('GET', `/activities/${open}/history`);
    expect(history.body.items[0]).toMatchObject({ action: 'deleted', actor: { kind: 'butler', via: { system: UNLINK_DELETED_RULE } } });
  });

  it('deletes its documents', async () => {
    // Prepare
    const contactId = await aContact();
    const documentId = await aDocument('contact', contactId);

    // Act
    await deleted('contacts', 'contact', contactId);

    // Assess
    expect((await read('documents', documentId)).status).toBe(404);
    expect((await t.call('GET', `/documents?entityType=contact&entityId=${contactId}`)).body.items).toEqual([]);
  });
});

describe('deleting a deal', () => {
  it('deletes its open activities and leaves those of other deals', async () => {
    // Prepare
    const dealId = await aDeal();
    const mine = await anActivity('deal', dealId);
    const others = await anActivity('deal', await aDeal());

    // Act
    await deleted('deals', 'deal', dealId);

    // Assess
    expect((await read('activities', mine)).status).toBe(404);
    expect((await read('activities', others)).body).toMatchObject({ status: 'open', version: 1 });
    expect((await t.call('GET', `/activities?entityType=deal&entityId=${dealId}&status=open`)).body.items).toEqual([]);
  });
});

describe('replays', () => {
  it('changes nothing twice when the same Deleted event arrives again', async () => {
    // Prepare
    const companyId = await aCompany();
    const contactId = await aContact({ companyId });
    const activityId = await anActivity('company', companyId);
    const companyDeleted = await deleted('companies', 'company', companyId);
    const unlinkDeleted = createUnlinkDeleted({ store: t.app.store, logger: silentLogger });

    // Act
    const replay = await unlinkDeleted(companyDeleted);

    // Assess
    expect(replay).toEqual({ unlinked: [], deleted: [] });
    const contactHistory = await t.call('GET', `/contacts/${contactId}/history`);
    expect(contactHistory.body.items.map((entry: { action: string }) => entry.action)).toEqual(['updated', 'created']);
    const activityHistory = await t.call('GET', `/activities/${activityId}/history`);
    expect(activityHistory.body.items.map((entry: { action: string }) => entry.action)).toEqual(['deleted', 'created']);
  });

  it('leaves a contact linked to another company since alone, also when the index still lists it under the deleted one', async () => {
    // Prepare: the company's contacts as read before the contact moved, which a lagging index answers (DynamoDB's
    // secondary indexes are eventually consistent; DynamoDB Local's are not, so the listing is kept from before).
    const companyId = await aCompany();
    const contactId = await aContact({ companyId });
    const { records } = t.app.store;
    const listedBefore = await records.list('contact', { filter: { by: 'company', companyId }, limit: 25 });
    const companyDeleted = await deleted('companies', 'company', companyId);
    const otherCompany = await aCompany();
    expect((await t.call('PATCH', `/contacts/${contactId}`, { companyId: otherCompany })).status).toBe(200);
    const laggingIndex: typeof records = {
      ...records,
      list: (type, options) => (type === 'contact' && !options?.cursor ? Promise.resolve(listedBefore) : records.list(type, options)),
    };
    const unlinkDeleted = createUnlinkDeleted({ store: { records: laggingIndex }, logger: silentLogger });

    // Act
    const replay = await unlinkDeleted(companyDeleted);

    // Assess
    expect(listedBefore.items.map((contact) => contact.id)).toEqual([contactId]);
    expect(replay.unlinked).toEqual([]);
    expect((await read('contacts', contactId)).body).toMatchObject({ companyId: otherCompany, version: 3 });
  });
});
