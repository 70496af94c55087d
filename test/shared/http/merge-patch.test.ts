// PATCH is a JSON merge patch (RFC 7396): nested objects merge, null removes a key, and
// writers without If-Match on different fields never lose one another's change.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, dealBody, errorPaths, must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

describe('PATCH with a custom field', () => {
  it('keeps the other custom fields', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody({ fields: { a: '1', b: '2' } }));

    const reply = await t.call('PATCH', `/deals/${deal.id}`, { fields: { c: '3' } });
    const read = await must(t, 'GET', `/deals/${deal.id}`);

    expect(reply.status).toBe(200);
    expect(read.fields).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('replaces the value of a custom field it names', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody({ fields: { a: '1', b: '2' } }));

    await must(t, 'PATCH', `/deals/${deal.id}`, { fields: { a: 'one' } });
    const read = await must(t, 'GET', `/deals/${deal.id}`);

    expect(read.fields).toEqual({ a: 'one', b: '2' });
  });

  it('removes a custom field sent as null and keeps the rest', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody({ fields: { a: '1', b: '2' } }));

    await must(t, 'PATCH', `/contacts/${contact.id}`, { fields: { a: null } });
    const read = await must(t, 'GET', `/contacts/${contact.id}`);

    expect(read.fields).toEqual({ b: '2' });
  });

  it('adds custom fields to a record that had none', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());

    await must(t, 'PATCH', `/deals/${deal.id}`, { fields: { x: 'v' } });
    const read = await must(t, 'GET', `/deals/${deal.id}`);

    expect(read.fields).toEqual({ x: 'v' });
  });

  it('records only the merged result in history', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody({ fields: { a: '1' } }));

    await must(t, 'PATCH', `/deals/${deal.id}`, { fields: { c: '3' } });
    const history = await must(t, 'GET', `/deals/${deal.id}/history`);

    expect(history.items[0].changes.fields).toEqual({ from: { a: '1' }, to: { a: '1', c: '3' } });
  });

  it('still replaces a list whole (a list is a value, not an object)', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody({ emails: ['one@example.com', 'two@example.com'] }));

    await must(t, 'PATCH', `/contacts/${contact.id}`, { emails: ['three@example.com'] });
    const read = await must(t, 'GET', `/contacts/${contact.id}`);

    expect(read.emails).toEqual(['three@example.com']);
  });

  it('refuses a merge that would pass 100 custom fields, naming fields', async () => {
    const full = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`f${index}`, 'x']));
    const deal = await must(t, 'POST', '/deals', dealBody({ fields: full }));

    const reply = await t.call('PATCH', `/deals/${deal.id}`, { fields: { one_more: 'x' } });

    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['fields']);
  });
});

describe('ten concurrent PATCHes without If-Match, each of another custom field', () => {
  const names = Array.from({ length: 10 }, (_, index) => `field_${index}`);

  it('all answer 200', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody({ fields: { kept: 'yes' } }));

    const replies = await Promise.all(names.map((name) => t.call('PATCH', `/deals/${deal.id}`, { fields: { [name]: name } })));

    expect(replies.map((reply) => reply.status)).toEqual(names.map(() => 200));
  });

  it('leave all ten fields and the one before them', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody({ fields: { kept: 'yes' } }));

    await Promise.all(names.map((name) => t.call('PATCH', `/deals/${deal.id}`, { fields: { [name]: name } })));
    const read = await must(t, 'GET', `/deals/${deal.id}`);

    expect(read.fields).toEqual({ kept: 'yes', ...Object.fromEntries(names.map((name) => [name, name])) });
    expect(read.version).toBe(11);
  });

  it('leave ten history entries, one per writer', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());

    await Promise.all(names.map((name) => t.call('PATCH', `/deals/${deal.id}`, { fields: { [name]: name } })));
    const history = await must(t, 'GET', `/deals/${deal.id}/history?limit=100`);

    const updates = history.items.filter((entry: { action: string }) => entry.action === 'updated');
    expect(updates).toHaveLength(10);
  });
});
