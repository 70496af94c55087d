// Idempotency-Key (docs/ARCHITECTURE.md §8): a retried POST gets the first response and writes
// nothing again; a key belongs to one caller and one request.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { companyBody, contactBody, documentBody, errorPaths, listAll, must, unique } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

const aKey = () => `key-${unique()}-${Date.now()}`;
const withKey = (key: string, options: { token?: string; apiKey?: string } = {}) => ({ ...options, headers: { 'idempotency-key': key } });

/** How many companies carry this name, counted through the listing. */
async function companiesNamed(name: unknown): Promise<number> {
  const all = await listAll(t, '/companies?limit=100');
  return all.filter((company: { name: string }) => company.name === name).length;
}

describe('a repeated POST with the same Idempotency-Key', () => {
  it('answers the first response again: same status, same id', async () => {
    const key = aKey();
    const body = companyBody();
    const first = await t.call('POST', '/companies', body, withKey(key));

    const retry = await t.call('POST', '/companies', body, withKey(key));

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
  });

  it('answers the first response headers again (ETag, Location)', async () => {
    const key = aKey();
    const body = companyBody();
    const first = await t.call('POST', '/companies', body, withKey(key));

    const retry = await t.call('POST', '/companies', body, withKey(key));

    expect(retry.headers).toMatchObject({ etag: first.headers.etag, location: first.headers.location });
  });

  it('stores the record once', async () => {
    const key = aKey();
    const body = companyBody();
    await must(t, 'POST', '/companies', body, withKey(key));

    await t.call('POST', '/companies', body, withKey(key));
    await t.call('POST', '/companies', body, withKey(key));

    expect(await companiesNamed(body.name)).toBe(1);
  });

  it('writes one history entry', async () => {
    const key = aKey();
    const body = companyBody();
    const first = await must(t, 'POST', '/companies', body, withKey(key));

    await t.call('POST', '/companies', body, withKey(key));
    const history = await must(t, 'GET', `/companies/${first.id}/history`);

    expect(history.items).toHaveLength(1);
  });

  it('is answered the same also after the record changed', async () => {
    const key = aKey();
    const body = companyBody();
    const first = await must(t, 'POST', '/companies', body, withKey(key));
    await must(t, 'PATCH', `/companies/${first.id}`, { name: 'Changed since' });

    const retry = await t.call('POST', '/companies', body, withKey(key));

    expect(retry.body).toEqual(first);
  });

  it('does not record a second view of a document', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    const document = await must(t, 'POST', '/documents', documentBody({ entityType: 'contact', entityId: contact.id }));
    const key = aKey();
    const first = await must(t, 'POST', `/documents/${document.id}/view`, undefined, { ...withKey(key), expected: 200 });

    const retry = await t.call('POST', `/documents/${document.id}/view`, undefined, withKey(key));

    expect(retry.status).toBe(200);
    expect(retry.body.version).toBe(first.version);
  });

  it('without a key creates a second record (the control)', async () => {
    const body = companyBody();
    await must(t, 'POST', '/companies', body);

    await must(t, 'POST', '/companies', body);

    expect(await companiesNamed(body.name)).toBe(2);
  });
});

describe('the same key with another request', () => {
  it('answers 409 IDEMPOTENCY_KEY_REUSED for another body', async () => {
    const key = aKey();
    await must(t, 'POST', '/companies', companyBody(), withKey(key));

    const other = await t.call('POST', '/companies', companyBody(), withKey(key));

    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('stores nothing for the refused body', async () => {
    const key = aKey();
    await must(t, 'POST', '/companies', companyBody(), withKey(key));
    const refused = companyBody();

    await t.call('POST', '/companies', refused, withKey(key));

    expect(await companiesNamed(refused.name)).toBe(0);
  });

  it('answers 409 IDEMPOTENCY_KEY_REUSED for another path', async () => {
    const key = aKey();
    const body = { name: `Same body ${unique()}` };
    await must(t, 'POST', '/companies', body, withKey(key));

    const other = await t.call('POST', '/contacts', body, withKey(key));

    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('the same key from another caller', () => {
  it('is independent: a member gets a record of their own', async () => {
    const key = aKey();
    const body = companyBody();
    const admins = await must(t, 'POST', '/companies', body, withKey(key));

    const members = await t.call('POST', '/companies', body, withKey(key, { token: t.memberToken }));

    expect(members.status).toBe(201);
    expect(members.body.id).not.toBe(admins.id);
    expect(members.body.createdBy).toBe(t.member.id);
  });

  it('is independent: an integration gets a record of its own', async () => {
    const key = aKey();
    const body = companyBody();
    await must(t, 'POST', '/companies', body, withKey(key));

    const integrations = await t.call('POST', '/companies', body, withKey(key, { apiKey: t.integrationKey }));

    expect(integrations.status).toBe(201);
    expect(integrations.body.createdBy).toBe('butler');
    expect(await companiesNamed(body.name)).toBe(2);
  });
});

describe('a failed first attempt', () => {
  it('is not remembered after a 400: the corrected request with the same key is created', async () => {
    const key = aKey();
    const failed = await t.call('POST', '/companies', { name: '' }, withKey(key));

    const corrected = await t.call('POST', '/companies', companyBody(), withKey(key));

    expect(failed.status).toBe(400);
    expect(corrected.status).toBe(201);
  });

  it('is not replayed after a 400: the same bad request is validated again', async () => {
    const key = aKey();
    await t.call('POST', '/companies', { name: '' }, withKey(key));

    const again = await t.call('POST', '/companies', { name: '' }, withKey(key));

    expect(again.status).toBe(400);
    expect(again.headers).not.toHaveProperty('idempotent-replayed');
  });

  it('is not remembered after a 409: once the exception is lifted, the same request succeeds', async () => {
    const email = `idem${unique()}@example.com`;
    await must(t, 'POST', '/exceptions', { value: email });
    const key = aKey();
    const body = contactBody({ emails: [email] });
    const refused = await t.call('POST', '/contacts', body, withKey(key));
    await must(t, 'DELETE', `/exceptions/${encodeURIComponent(email)}`);

    const retried = await t.call('POST', '/contacts', body, withKey(key));

    expect(refused.status).toBe(409);
    expect(retried.status).toBe(201);
  });
});

describe('concurrent retries with one key', () => {
  it('store the record once, answering the others with the first response or 409 in progress', async () => {
    const key = aKey();
    const body = companyBody();

    const replies = await Promise.all([1, 2, 3].map(() => t.call('POST', '/companies', body, withKey(key))));

    const created = replies.filter((reply) => reply.status === 201);
    const busy = replies.filter((reply) => reply.status === 409);
    expect(created.length + busy.length).toBe(replies.length);
    expect(new Set(created.map((reply) => reply.body.id)).size).toBe(1);
    expect(busy.every((reply) => reply.body.error.code === 'IDEMPOTENCY_IN_PROGRESS')).toBe(true);
    expect(await companiesNamed(body.name)).toBe(1);
  });
});

describe('the key itself', () => {
  it('is refused when longer than 255 characters, naming the header', async () => {
    const result = await t.call('POST', '/companies', companyBody(), withKey('k'.repeat(256)));

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['(headers).idempotency-key']);
  });

  it('is refused when empty', async () => {
    const result = await t.call('POST', '/companies', companyBody(), withKey(''));

    expect(result.status).toBe(400);
  });
});
