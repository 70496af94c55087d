import { beforeAll, describe, expect, it } from 'vitest';
import { ContactExcepted, VersionMismatch } from '#shared/errors.ts';
import { type Store, createStore } from '#shared/store/index.ts';
import { aContact, aDeal, asIntegration, asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock, ulidIds } from '#test/support/table.ts';

let store: Store;
const clock = manualClock('2026-03-01T10:00:00.000Z');

beforeAll(async () => {
  const table = await createTestTable();
  store = createStore(table, clock, ulidIds(clock));
});

describe('an entity by type and id', () => {
  it('reads back what was created, with version 1 and its author', async () => {
    const created = await store.records.create('contact', aContact({ name: 'Ada' }), asUser('u1'));

    const read = await store.records.get('contact', created.id);

    expect(read).toMatchObject({ id: created.id, name: 'Ada', version: 1, createdBy: 'u1', updatedBy: 'u1' });
  });

  it('keeps bookkeeping attributes out of the record', async () => {
    const created = await store.records.create('contact', aContact(), asUser('u1'));

    const read = await store.records.get('contact', created.id);

    expect(read).not.toHaveProperty('pk');
    expect(read).not.toHaveProperty('itemKind');
    expect(read).not.toHaveProperty('gsi1pk');
    expect(read).not.toHaveProperty('lastWrite');
  });
});

describe('a page of one type, newest first', () => {
  it('pages with a cursor and never repeats a record', async () => {
    const { records } = createStore((await createTestTable()) as never, clock, ulidIds(clock));
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await records.create('company', { name: `Co ${i}`, emails: [], phones: [] }, asUser('u1')));

    const first = await records.list('company', { limit: 2 });
    const second = await records.list('company', { limit: 2, cursor: first.cursor });
    const third = await records.list('company', { limit: 2, cursor: second.cursor });

    const ids = [...first.items, ...second.items, ...third.items].map((record) => record.id);
    expect(ids).toEqual(made.map((record) => record.id).reverse());
    expect(third.cursor).toBeUndefined();
  });
});

describe('deals by pipeline and stage', () => {
  it('lists the deals of one board column and follows a stage move', async () => {
    const staying = await store.records.create('deal', aDeal({ pipelineId: 'board-test', stageId: 'a' }), asUser('u1'));
    const moving = await store.records.create('deal', aDeal({ pipelineId: 'board-test', stageId: 'a' }), asUser('u1'));

    await store.records.update('deal', moving.id, (current) => ({ ...current, stageId: 'b' }), asUser('u1'));

    const columnA = await store.records.list('deal', { filter: { by: 'board', pipelineId: 'board-test', stageId: 'a' } });
    const columnB = await store.records.list('deal', { filter: { by: 'board', pipelineId: 'board-test', stageId: 'b' } });
    const pipeline = await store.records.list('deal', { filter: { by: 'pipeline', pipelineId: 'board-test' } });
    expect(columnA.items.map((deal) => deal.id)).toEqual([staying.id]);
    expect(columnB.items.map((deal) => deal.id)).toEqual([moving.id]);
    expect(pipeline.items).toHaveLength(2);
  });
});

describe('records by e-mail or phone', () => {
  it('finds every record carrying a value and forgets it when the value is removed', async () => {
    const contact = await store.records.create('contact', aContact({ emails: ['shared@example.com'] }), asUser('u1'));
    const lead = await store.records.create('lead', { title: 'L', emails: ['shared@example.com'], phones: [], stageId: 'new' }, asUser('u1'));

    await store.records.update('contact', contact.id, (current) => ({ ...current, emails: ['other@example.com'] }), asUser('u1'));

    const found = await store.lookups.byContactPoint('email', 'shared@example.com');
    expect(found).toEqual([{ type: 'lead', id: lead.id }]);
  });
});

describe('history', () => {
  it('writes one entry per change, newest first, with the changed fields', async () => {
    const deal = await store.records.create('deal', aDeal({ amount: 10 }), asUser('u1'));
    clock.advance(1000);
    await store.records.update('deal', deal.id, (current) => ({ ...current, amount: 20 }), asUser('u2'));
    clock.advance(1000);
    await store.records.update('deal', deal.id, (current) => ({ ...current, stageId: 'won' }), asIntegration());

    const history = await store.records.history('deal', deal.id);

    expect(history.items.map((entry) => [entry.action, entry.actor.id])).toEqual([
      ['stageChanged', 'butler'],
      ['updated', 'u2'],
      ['created', 'u1'],
    ]);
    expect(history.items[1]?.changes).toEqual({ amount: { from: 10, to: 20 } });
  });

  it('is kept after the record is deleted, with the deletion on top', async () => {
    const contact = await store.records.create('contact', aContact(), asUser('u1'));

    await store.records.remove('contact', contact.id, asUser('u2'));

    expect(await store.records.get('contact', contact.id)).toBeUndefined();
    const history = await store.records.history('contact', contact.id);
    expect(history.items.map((entry) => entry.action)).toEqual(['deleted', 'created']);
    expect(history.items[0]?.actor).toEqual({ kind: 'user', id: 'u2' });
  });

  it('writes nothing when an update changes nothing', async () => {
    const contact = await store.records.create('contact', aContact(), asUser('u1'));

    const same = await store.records.update('contact', contact.id, (current) => ({ ...current }), asUser('u1'));

    expect(same.version).toBe(1);
    expect((await store.records.history('contact', contact.id)).items).toHaveLength(1);
  });
});

describe('open activities of a deal', () => {
  it('lists a deal’s activities by status', async () => {
    const deal = await store.records.create('deal', aDeal(), asUser('u1'));
    const base = { subject: 'Call', activityType: 'call', dueAt: '2026-03-02T10:00:00Z', responsibleId: 'u1', entityType: 'deal', entityId: deal.id };
    const open = await store.records.create('activity', { ...base, status: 'open' }, asUser('u1'));
    await store.records.create('activity', { ...base, status: 'completed' }, asUser('u1'));

    const page = await store.records.list('activity', { filter: { by: 'owner', ownerType: 'deal', ownerId: deal.id, status: 'open' } });

    expect(page.items.map((activity) => activity.id)).toEqual([open.id]);
  });
});

describe('optimistic concurrency', () => {
  it('lets exactly one of two writers of the same version win', async () => {
    const deal = await store.records.create('deal', aDeal({ amount: 1 }), asUser('u1'));

    const results = await Promise.allSettled([
      store.records.update('deal', deal.id, (current) => ({ ...current, amount: 2 }), asUser('u1'), { expectedVersion: 1 }),
      store.records.update('deal', deal.id, (current) => ({ ...current, amount: 3 }), asUser('u2'), { expectedVersion: 1 }),
    ]);

    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(VersionMismatch);
    const history = await store.records.history('deal', deal.id);
    expect(history.items).toHaveLength(2);
    expect((await store.records.get('deal', deal.id))?.version).toBe(2);
  });

  it('refuses a stale expected version before writing', async () => {
    const contact = await store.records.create('contact', aContact(), asUser('u1'));
    await store.records.update('contact', contact.id, (current) => ({ ...current, name: 'Second' }), asUser('u1'));

    const stale = store.records.update('contact', contact.id, (current) => ({ ...current, name: 'Third' }), asUser('u1'), { expectedVersion: 1 });

    await expect(stale).rejects.toBeInstanceOf(VersionMismatch);
    expect((await store.records.get('contact', contact.id))?.name).toBe('Second');
  });
});

describe('the exceptions list', () => {
  it('refuses a contact carrying an excepted e-mail and stores nothing', async () => {
    await store.exceptions.add({ kind: 'email', value: 'blocked@example.com' }, 'spam', asUser('u1').actor);
    const before = await store.lookups.byContactPoint('email', 'blocked@example.com');

    const attempt = store.records.create('contact', aContact({ emails: ['fine@example.com', 'blocked@example.com'] }), asUser('u1'));

    await expect(attempt).rejects.toBeInstanceOf(ContactExcepted);
    await expect(attempt).rejects.toMatchObject({ details: [{ value: 'blocked@example.com' }] });
    expect(await store.lookups.byContactPoint('email', 'fine@example.com')).toEqual([]);
    expect(await store.lookups.byContactPoint('email', 'blocked@example.com')).toEqual(before);
  });

  it('refuses an update that adds an excepted phone, leaving the record as it was', async () => {
    await store.exceptions.add({ kind: 'phone', value: '+14155550100' }, undefined, asUser('u1').actor);
    const lead = await store.records.create('lead', { title: 'L', emails: [], phones: [], stageId: 'new' }, asUser('u1'));

    const attempt = store.records.update('lead', lead.id, (current) => ({ ...current, phones: ['+14155550100'] }), asUser('u1'));

    await expect(attempt).rejects.toBeInstanceOf(ContactExcepted);
    expect((await store.records.get('lead', lead.id))?.version).toBe(1);
    expect((await store.records.history('lead', lead.id)).items).toHaveLength(1);
  });

  it('lists entries and adds a value only once', async () => {
    const first = await store.exceptions.add({ kind: 'email', value: 'twice@example.com' }, 'first', asUser('u1').actor);
    const second = await store.exceptions.add({ kind: 'email', value: 'twice@example.com' }, 'second', asUser('u2').actor);

    const listed = await store.exceptions.list({ limit: 100 });

    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.entry.reason).toBe('first');
    expect(listed.items.filter((entry) => entry.value === 'twice@example.com')).toHaveLength(1);
  });
});

describe('actions per actor in a date range', () => {
  it('counts each kind of write by its actor inside the window only', async () => {
    clock.set('2026-05-01T00:00:00.000Z');
    const contact = await store.records.create('contact', aContact(), asUser('counter'));
    await store.records.update('contact', contact.id, (current) => ({ ...current, name: 'Renamed' }), asUser('counter'));
    clock.set('2026-06-01T00:00:00.000Z');
    await store.records.remove('contact', contact.id, asUser('counter'));

    const may = await store.lookups.actionCounts('counter', '2026-05-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z');

    expect(may).toEqual({ created: 1, updated: 1, deleted: 0, stageChanged: 0 });
  });
});
