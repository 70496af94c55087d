// The record routes of docs/ARCHITECTURE.md §8, for each of contacts, companies, leads, deals,
// activities and documents: create, list, read, change, delete and history.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import {
  ULID,
  activityBody,
  companyBody,
  contactBody,
  dealBody,
  documentBody,
  leadBody,
  listAll,
  must,
  type Owner,
} from '#test/support/http-factories.ts';

let t: TestApp;
let owner: Owner;

beforeAll(async () => {
  t = await createTestApp();
  const contact = await must(t, 'POST', '/contacts', contactBody());
  owner = { entityType: 'contact', entityId: contact.id };
});

interface RecordKind {
  collection: string;
  body: () => Record<string, unknown>;
  change: Record<string, unknown>;
}

const kinds: RecordKind[] = [
  { collection: 'contacts', body: () => contactBody(), change: { name: 'Renamed Contact' } },
  { collection: 'companies', body: () => companyBody(), change: { name: 'Renamed Company' } },
  { collection: 'leads', body: () => leadBody(), change: { title: 'Renamed Lead' } },
  { collection: 'deals', body: () => dealBody(), change: { title: 'Renamed Deal' } },
  { collection: 'activities', body: () => activityBody(owner, t.admin.id), change: { subject: 'Renamed Activity' } },
  { collection: 'documents', body: () => documentBody(owner), change: { title: 'Renamed Document' } },
];

describe.each(kinds)('/$collection', ({ collection, body, change }) => {
  const path = `/${collection}`;

  it('POST answers 201 with the entity, its id, version 1 and its author', async () => {
    const sent = body();

    const created = await t.call('POST', path, sent);

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...sent, version: 1, createdBy: t.admin.id, updatedBy: t.admin.id });
    expect(created.body.id).toMatch(ULID);
    expect(created.body.createdAt).toBe(t.clock.now().toISOString());
  });

  it('POST sends the version as ETag and the new address as Location', async () => {
    const created = await t.call('POST', path, body());

    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`${path}/${created.body.id}`);
  });

  it('GET /{id} reads back what POST answered', async () => {
    const created = await must(t, 'POST', path, body());

    const read = await t.call('GET', `${path}/${created.id}`);

    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);
    expect(read.headers.etag).toBe('"1"');
  });

  it('GET lists newest first', async () => {
    const first = await must(t, 'POST', path, body());
    const second = await must(t, 'POST', path, body());
    const third = await must(t, 'POST', path, body());

    const page = await t.call('GET', `${path}?limit=3`);

    expect(page.status).toBe(200);
    expect(page.body.items.map((item: { id: string }) => item.id)).toEqual([third.id, second.id, first.id]);
  });

  it('GET pages with limit and cursor, continuing where the page ended', async () => {
    const older = await must(t, 'POST', path, body());
    const newer = await must(t, 'POST', path, body());

    const firstPage = await t.call('GET', `${path}?limit=1`);
    const nextPage = await t.call('GET', `${path}?limit=1&cursor=${encodeURIComponent(firstPage.body.cursor)}`);

    expect(firstPage.body.items.map((item: { id: string }) => item.id)).toEqual([newer.id]);
    expect(firstPage.body.cursor).toEqual(expect.any(String));
    expect(nextPage.status).toBe(200);
    expect(nextPage.body.items.map((item: { id: string }) => item.id)).toEqual([older.id]);
  });

  it('GET visits every record exactly once when the cursors are followed', async () => {
    const made = [await must(t, 'POST', path, body()), await must(t, 'POST', path, body()), await must(t, 'POST', path, body())];

    const all = await listAll(t, `${path}?limit=2`);

    const ids = all.map((item: { id: string }) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(made.map((record) => record.id)));
  });

  it('PATCH without If-Match changes the record and raises its version', async () => {
    const created = await must(t, 'POST', path, body());

    const changed = await t.call('PATCH', `${path}/${created.id}`, change);

    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ ...change, id: created.id, version: 2, createdAt: created.createdAt });
    expect(changed.headers.etag).toBe('"2"');
  });

  it('PATCH with the current version in If-Match succeeds', async () => {
    const created = await must(t, 'POST', path, body());

    const changed = await t.call('PATCH', `${path}/${created.id}`, change, { headers: { 'if-match': '"1"' } });

    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ ...change, version: 2 });
  });

  it('PATCH is persisted: GET reads the changed record', async () => {
    const created = await must(t, 'POST', path, body());
    await must(t, 'PATCH', `${path}/${created.id}`, change);

    const read = await t.call('GET', `${path}/${created.id}`);

    expect(read.body).toMatchObject({ ...change, version: 2 });
  });

  it('PATCH with a stale If-Match answers 412 VERSION_MISMATCH and changes nothing', async () => {
    const created = await must(t, 'POST', path, body());
    await must(t, 'PATCH', `${path}/${created.id}`, change);

    const stale = await t.call('PATCH', `${path}/${created.id}`, change, { headers: { 'if-match': '"1"' } });
    const read = await t.call('GET', `${path}/${created.id}`);

    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('VERSION_MISMATCH');
    expect(read.body.version).toBe(2);
  });

  it('DELETE answers 204 without a body', async () => {
    const created = await must(t, 'POST', path, body());

    const deleted = await t.call('DELETE', `${path}/${created.id}`);

    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
  });

  it('a deleted record is gone from GET /{id} and from the listing', async () => {
    const created = await must(t, 'POST', path, body());
    await must(t, 'DELETE', `${path}/${created.id}`);

    const read = await t.call('GET', `${path}/${created.id}`);
    const listed = await listAll(t, `${path}?limit=100`);

    expect(read.status).toBe(404);
    expect(read.body.error.code).toBe('NOT_FOUND');
    expect(listed.map((item: { id: string }) => item.id)).not.toContain(created.id);
  });

  it('history lists created, updated and deleted, newest first, after the delete', async () => {
    const created = await must(t, 'POST', path, body());
    await must(t, 'PATCH', `${path}/${created.id}`, change);
    await must(t, 'DELETE', `${path}/${created.id}`);

    const history = await t.call('GET', `${path}/${created.id}/history`);

    expect(history.status).toBe(200);
    expect(history.body.items.map((entry: { action: string }) => entry.action)).toEqual(['deleted', 'updated', 'created']);
  });

  it('history entries carry at, actor, action and changes, and nothing else', async () => {
    const created = await must(t, 'POST', path, body());
    await must(t, 'PATCH', `${path}/${created.id}`, change);

    const history = await t.call('GET', `${path}/${created.id}/history`);

    const [field, value] = Object.entries(change)[0]!;
    expect(history.body.items[0]).toEqual({
      at: t.clock.now().toISOString(),
      actor: { kind: 'user', id: t.admin.id, name: t.admin.name },
      action: 'updated',
      changes: { [field]: { from: created[field], to: value } },
    });
  });
});

describe('history paging', () => {
  it('pages newest first with limit and cursor', async () => {
    const created = await must(t, 'POST', '/companies', companyBody());
    await must(t, 'PATCH', `/companies/${created.id}`, { name: 'Second name' });
    await must(t, 'PATCH', `/companies/${created.id}`, { name: 'Third name' });

    const first = await t.call('GET', `/companies/${created.id}/history?limit=2`);
    const rest = await t.call('GET', `/companies/${created.id}/history?limit=2&cursor=${encodeURIComponent(first.body.cursor)}`);

    expect(first.body.items.map((entry: { changes: { name?: { to: string } } }) => entry.changes.name?.to)).toEqual(['Third name', 'Second name']);
    expect(rest.body.items.map((entry: { action: string }) => entry.action)).toEqual(['created']);
  });

  it('answers 404 for a record that never existed', async () => {
    const history = await t.call('GET', '/companies/01ARZ3NDEKTSV4RRFFQ69G5FAV/history');

    expect(history.status).toBe(404);
    expect(history.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 404 when the id belongs to another type', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const history = await t.call('GET', `/companies/${contact.id}/history`);

    expect(history.status).toBe(404);
  });
});

describe('PATCH with null', () => {
  it('clears an optional field', async () => {
    const created = await must(t, 'POST', '/contacts', contactBody({ responsibleId: t.member.id }));

    const cleared = await t.call('PATCH', `/contacts/${created.id}`, { responsibleId: null });

    expect(cleared.status).toBe(200);
    expect(cleared.body).not.toHaveProperty('responsibleId');
  });

  it('refuses to clear a required field, naming it', async () => {
    const created = await must(t, 'POST', '/contacts', contactBody());

    const cleared = await t.call('PATCH', `/contacts/${created.id}`, { name: null });

    expect(cleared.status).toBe(400);
    expect(cleared.body.error.details).toEqual([expect.objectContaining({ path: 'name' })]);
  });

  it('leaves the record unchanged when nothing differs', async () => {
    const created = await must(t, 'POST', '/companies', companyBody());

    const same = await t.call('PATCH', `/companies/${created.id}`, { name: created.name });

    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);
  });
});

describe('links between records', () => {
  it('refuses a responsibleId that names no user', async () => {
    const result = await t.call('POST', '/contacts', contactBody({ responsibleId: 'nobody' }));

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'responsibleId' })]);
  });

  it('refuses an activity on a record that does not exist', async () => {
    const result = await t.call('POST', '/activities', activityBody({ entityType: 'deal', entityId: 'missing' }, t.admin.id));

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'entityId' })]);
  });

  it('refuses a document on a record that does not exist', async () => {
    const result = await t.call('POST', '/documents', documentBody({ entityType: 'lead', entityId: 'missing' }));

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'entityId' })]);
  });
});
