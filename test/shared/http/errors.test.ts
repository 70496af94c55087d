// The error contract of docs/ARCHITECTURE.md §8: `{"error": {code, message, details}}` with 400
// VALIDATION_FAILED naming each bad field path, 401, 403, 404, 405, 409, 412, 413,
// and never a 500 for something the caller did.
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '#shared/http/api.ts';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import {
  activityBody,
  contactBody,
  dealBody,
  errorPaths,
  forgedCursor,
  leadBody,
  must,
  pipelineBody,
} from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

const errorShape = {
  error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) },
};

describe('400 VALIDATION_FAILED', () => {
  it('has the error shape of the contract and a JSON content type', async () => {
    const result = await t.call('POST', '/contacts', { name: '' });

    expect(result.status).toBe(400);
    expect(result.body).toEqual(errorShape);
    expect(result.headers['content-type']).toBe('application/json');
  });

  it('names each bad field of a contact', async () => {
    const result = await t.call('POST', '/contacts', { name: ' ', emails: ['ok@example.com', 'nope'], phones: ['12'], companyId: 'a b' });

    expect(errorPaths(result)).toEqual(['companyId', 'emails.1', 'name', 'phones.0']);
  });

  it('says in its message what is wrong with each field, as its details do', async () => {
    const result = await t.call('PATCH', `/contacts/${(await must(t, 'POST', '/contacts', contactBody())).id}`, { name: null });

    expect(result.status).toBe(400);
    const { message, details } = result.body.error as { message: string; details: Array<{ path: string; message: string }> };
    expect(message).toBe(details.map((detail) => `${detail.path}: ${detail.message}`).join('; '));
    expect(message).toMatch(/^name: /);
  });

  it('says a length limit in words, not in the schema library\'s', async () => {
    const result = await t.call('POST', '/automations', { name: 'Round robin', trigger: { type: 'created', entity: 'lead' }, actions: [{ type: 'assign', users: [] }] });

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([{ path: 'actions.0.users', message: 'at least 1 item' }]);
  });

  it('names each bad field of a deal', async () => {
    const result = await t.call('POST', '/deals', dealBody({ amount: -1, currency: 'eur', closeDate: '31.12.2026' }));

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['amount', 'closeDate', 'currency']);
  });

  it('names each bad field of an activity', async () => {
    const result = await t.call(
      'POST',
      '/activities',
      activityBody({ entityType: 'deal', entityId: 'x' }, t.admin.id, { activityType: 'lunch', dueAt: 'tomorrow', status: 'maybe' }),
    );

    expect(errorPaths(result)).toEqual(['activityType', 'dueAt', 'status']);
  });

  it('names a missing required field', async () => {
    const result = await t.call('POST', '/deals', { title: 'No pipeline', stageId: 'new' });

    expect(errorPaths(result)).toEqual(['pipelineId']);
  });

  it('names a bad custom field by its nested path', async () => {
    const result = await t.call('POST', '/contacts', contactBody({ fields: { shoeSize: { eu: 42 } } }));

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['fields.shoeSize']);
  });

  it('names a bad field of a PATCH', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());

    const result = await t.call('PATCH', `/deals/${deal.id}`, { amount: 'a lot' });

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['amount']);
  });

  it('refuses an empty PATCH', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());

    const result = await t.call('PATCH', `/deals/${deal.id}`, {});

    expect(result.status).toBe(400);
  });

  it('refuses a body that is not valid JSON', async () => {
    const result = await t.call('POST', '/contacts', undefined, { rawBody: '{"name": "Ada",' });

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('VALIDATION_FAILED');
    expect(errorPaths(result)).toEqual(['(body)']);
  });

  it('refuses a POST without a body', async () => {
    const result = await t.call('POST', '/contacts');

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['(body)']);
  });

  it.each([['null'], ['[]'], ['"a contact"'], ['42']])('refuses the JSON body %s', async (raw) => {
    const result = await t.call('POST', '/contacts', undefined, { rawBody: raw });

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['(body)']);
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=ten', 'query.limit'],
    ['limit=2.5', 'query.limit'],
  ])('names a bad query parameter: %s', async (query, path) => {
    const result = await t.call('GET', `/contacts?${query}`);

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual([path]);
  });

  it('refuses an unknown query parameter, naming it', async () => {
    const result = await t.call('GET', '/contacts?sort=name');

    expect(result.status).toBe(400);
    expect(JSON.stringify(result.body.error.details)).toContain('sort');
  });

  it('refuses a bad history query parameter', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const result = await t.call('GET', `/contacts/${contact.id}/history?limit=-3`);

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['query.limit']);
  });

  it('refuses a cursor that is not base64 JSON, naming cursor', async () => {
    const result = await t.call('GET', '/contacts?cursor=not-a-cursor');

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['cursor']);
  });

  it('refuses a well-formed cursor that this listing never returned', async () => {
    const result = await t.call('GET', `/contacts?cursor=${forgedCursor({ pk: 'contact#x', sk: 'entity' })}`);

    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a listing cursor replayed on a history', async () => {
    await must(t, 'POST', '/contacts', contactBody());
    await must(t, 'POST', '/contacts', contactBody());
    const contact = await must(t, 'POST', '/contacts', contactBody());
    const page = await must(t, 'GET', '/contacts?limit=1');

    const result = await t.call('GET', `/contacts/${contact.id}/history?cursor=${encodeURIComponent(page.cursor)}`);

    expect(result.status).toBe(400);
  });

  it.each([['abc'], ['1.0'], ['-1'], ['**'], ['9999999999999999']])('refuses If-Match %s, naming the header', async (value) => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { name: 'New' }, { headers: { 'if-match': value } });

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['(headers).if-match']);
  });

  it.each([['"1"'], ['1'], ['W/"1"'], ['*']])('accepts If-Match %s for version 1', async (value) => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { name: 'New' }, { headers: { 'if-match': value } });

    expect(result.status).toBe(200);
  });
});

describe('401', () => {
  const expect401 = (result: { status: number; body: unknown }) => {
    expect(result.status).toBe(401);
    expect(result.body).toEqual(errorShape);
    expect((result.body as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  };

  it('without credentials', async () => {
    expect401(await t.call('GET', '/contacts', undefined, { token: null }));
  });

  it('with an unknown API key', async () => {
    expect401(await t.call('GET', '/contacts', undefined, { apiKey: 'sc_key_unknown' }));
  });

  it('with an unknown token', async () => {
    expect401(await t.call('GET', '/contacts', undefined, { token: 'sc_user_unknown' }));
  });

  it('with a token that no verifier knows', async () => {
    expect401(await t.call('GET', '/contacts', undefined, { token: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln' }));
  });

  it('with both a token and an API key', async () => {
    expect401(await t.call('GET', '/contacts', undefined, { apiKey: t.integrationKey, headers: { authorization: `Bearer ${t.adminToken}` } }));
  });

  it('with another authorization scheme', async () => {
    expect401(await t.call('GET', '/contacts', undefined, { token: null, headers: { authorization: `Basic ${t.adminToken}` } }));
  });

  it('with an API key sent as a bearer token', async () => {
    expect401(await t.call('GET', '/contacts', undefined, { token: t.integrationKey }));
  });

  it('with a user token sent as an API key', async () => {
    expect401(await t.call('GET', '/contacts', undefined, { apiKey: t.adminToken }));
  });

  it('before the body is looked at: a write without credentials stores nothing', async () => {
    const before = await must(t, 'GET', '/contacts?limit=100');

    const result = await t.call('POST', '/contacts', contactBody(), { token: null });
    const after = await must(t, 'GET', '/contacts?limit=100');

    expect(result.status).toBe(401);
    expect(after.items).toEqual(before.items);
  });
});

describe('403', () => {
  it('for a member creating a pipeline', async () => {
    const result = await t.call('POST', '/pipelines', pipelineBody(), { token: t.memberToken });

    expect(result.status).toBe(403);
    expect(result.body).toEqual(errorShape);
    expect(result.body.error.code).toBe('FORBIDDEN');
  });
});

describe('404 NOT_FOUND', () => {
  it.each([['GET'], ['PATCH'], ['DELETE']])('%s of an unknown id', async (method) => {
    const result = await t.call(method, '/contacts/01ARZ3NDEKTSV4RRFFQ69G5FAV', method === 'PATCH' ? { name: 'X' } : undefined);

    expect(result.status).toBe(404);
    expect(result.body).toEqual(errorShape);
    expect(result.body.error.code).toBe('NOT_FOUND');
  });

  it('GET of an id that belongs to another type', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const result = await t.call('GET', `/leads/${contact.id}`);

    expect(result.status).toBe(404);
  });

  it('for an unknown route', async () => {
    const result = await t.call('GET', '/invoices');

    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe('NOT_FOUND');
  });

  it('for a path below a record that has no route', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const result = await t.call('GET', `/contacts/${contact.id}/friends`);

    expect(result.status).toBe(404);
  });

  it('for PATCH of a deleted record', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    await must(t, 'DELETE', `/contacts/${contact.id}`);

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { name: 'Back' });

    expect(result.status).toBe(404);
  });

  it('for a second DELETE', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    await must(t, 'DELETE', `/contacts/${contact.id}`);

    const result = await t.call('DELETE', `/contacts/${contact.id}`);

    expect(result.status).toBe(404);
  });
});

describe('405 with Allow', () => {
  it.each([
    ['PUT', '/contacts', ['GET', 'POST']],
    ['DELETE', '/pipelines/sales', ['GET', 'PATCH']],
    ['GET', '/documents/x/sign', ['POST']],
    ['POST', '/users/butler', ['DELETE', 'GET', 'PATCH']],
    ['PATCH', '/exceptions/a@b.co', ['DELETE']],
  ])('%s %s', async (method, path, allowed) => {
    const result = await t.call(method, path, method === 'GET' ? undefined : {});

    expect(result.status).toBe(405);
    expect(result.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(
      result.headers.allow
        ?.split(',')
        .map((name) => name.trim())
        .sort(),
    ).toEqual(allowed);
  });
});

describe('409', () => {
  it('CONTACT_EXCEPTED has the error shape', async () => {
    await must(t, 'POST', '/exceptions', { value: 'shape@example.com' });

    const result = await t.call('POST', '/leads', leadBody({ emails: ['shape@example.com'] }));

    expect(result.status).toBe(409);
    expect(result.body).toEqual(errorShape);
  });
});

describe('412 VERSION_MISMATCH', () => {
  it('for a PATCH with a stale If-Match, naming both versions', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    await must(t, 'PATCH', `/contacts/${contact.id}`, { name: 'Second' });

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { name: 'Third' }, { headers: { 'if-match': '"1"' } });

    expect(result.status).toBe(412);
    expect(result.body.error).toMatchObject({ code: 'VERSION_MISMATCH', details: [{ expectedVersion: 1, currentVersion: 2 }] });
  });

  it('for an If-Match ahead of the record', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { name: 'Future' }, { headers: { 'if-match': '"5"' } });

    expect(result.status).toBe(412);
  });

  it('for a DELETE with a stale If-Match, which then deletes nothing', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    await must(t, 'PATCH', `/contacts/${contact.id}`, { name: 'Second' });

    const result = await t.call('DELETE', `/contacts/${contact.id}`, undefined, { headers: { 'if-match': '"1"' } });
    const read = await t.call('GET', `/contacts/${contact.id}`);

    expect(result.status).toBe(412);
    expect(read.status).toBe(200);
  });

  it('not for a DELETE with the current If-Match', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const result = await t.call('DELETE', `/contacts/${contact.id}`, undefined, { headers: { 'if-match': '"1"' } });

    expect(result.status).toBe(204);
  });
});

describe('413', () => {
  it('for a body over 256 KB', async () => {
    const body = JSON.stringify(contactBody({ fields: { notes: 'x'.repeat(MAX_BODY_BYTES) } }));

    const result = await t.call('POST', '/contacts', undefined, { rawBody: body });

    expect(result.status).toBe(413);
    expect(result.body).toEqual(errorShape);
    expect(result.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('counts bytes, not characters', async () => {
    const body = JSON.stringify(contactBody({ name: 'Ö'.repeat(MAX_BODY_BYTES / 2 + 10) }));

    const result = await t.call('POST', '/contacts', undefined, { rawBody: body });

    expect(result.status).toBe(413);
  });

  it('not for a body of exactly 256 KB', async () => {
    const json = JSON.stringify(contactBody());
    const body = json + ' '.repeat(MAX_BODY_BYTES - Buffer.byteLength(json));

    const result = await t.call('POST', '/contacts', undefined, { rawBody: body });

    expect(result.status).toBe(201);
  });

  it('for a PATCH body over 256 KB', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const result = await t.call('PATCH', `/contacts/${contact.id}`, undefined, { rawBody: JSON.stringify({ name: 'y'.repeat(MAX_BODY_BYTES) }) });

    expect(result.status).toBe(413);
  });
});

describe('never a 500 for what the caller sent', () => {
  it('a malformed percent-encoding in the path', async () => {
    const result = await t.call('GET', '/contacts/%E0%A4%A');

    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
  });

  it('an id longer than any record id', async () => {
    const result = await t.call('GET', `/contacts/${'x'.repeat(3000)}`);

    expect(result.status).toBe(404);
  });

  it('the history of an id longer than any record id', async () => {
    const result = await t.call('GET', `/deals/${'x'.repeat(3000)}/history`);

    expect(result.status).toBe(404);
  });

  it('an exceptions value longer than any e-mail address', async () => {
    const result = await t.call('DELETE', `/exceptions/${'a'.repeat(3000)}@example.com`);

    expect(result.status).toBe(404);
  });

  it('an e-mail address longer than any e-mail address, refused naming the field', async () => {
    const result = await t.call('POST', '/contacts', contactBody({ emails: [`${'a'.repeat(3000)}@example.com`] }));

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['emails.0']);
  });

  it('a deal amount beyond 2^53', async () => {
    const result = await t.call('POST', '/deals', dealBody({ amount: 1e16 }));

    expect([201, 400]).toContain(result.status);
  });

  it('a deal amount of 1e200', async () => {
    const result = await t.call('POST', '/deals', dealBody({ amount: 1e200 }));

    expect([201, 400]).toContain(result.status);
  });

  it('a custom number field of 1e-200', async () => {
    const result = await t.call('POST', '/contacts', contactBody({ fields: { ratio: 1e-200 } }));

    expect([201, 400]).toContain(result.status);
  });

  it('a PATCH replacing 250 KB of custom fields with 250 KB of others', async () => {
    const fields = (fill: string) => Object.fromEntries(Array.from({ length: 25 }, (_, index) => [`f${index}`, fill.repeat(10_000)]));
    const contact = await must(t, 'POST', '/contacts', contactBody({ fields: fields('a') }));

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { fields: fields('b') });

    expect(result.status).toBeLessThan(500);
  });
});
