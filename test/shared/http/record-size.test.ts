// A PATCH whose body fits the 256 KB body limit but whose merged record would not fit one DynamoDB item
// (400 KB) is answered 413 saying so, never 500; the record stays as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

/** `count` custom fields of 9,500 characters each, named from `first` on: 25 of them make a 238 KB body. */
const bigFields = (count: number, first = 0) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${first + index}`, 'y'.repeat(9_500)]));

describe('a PATCH that grows a record past the item limit', () => {
  it('is answered 413 saying the record would be too large', async () => {
    // Prepare
    const contact = await must(t, 'POST', '/contacts', contactBody({ fields: bigFields(25) }));

    // Act
    const reply = await t.call('PATCH', `/contacts/${contact.id}`, { fields: bigFields(25, 25) });

    // Assess
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(reply.body.error.message).toMatch(/contact would be too large/);
  });

  it('leaves the record as it was', async () => {
    // Prepare
    const contact = await must(t, 'POST', '/contacts', contactBody({ fields: bigFields(25) }));

    // Act
    await t.call('PATCH', `/contacts/${contact.id}`, { fields: bigFields(25, 25) });

    // Assess
    const read = await must(t, 'GET', `/contacts/${contact.id}`);
    expect(read.version).toBe(1);
    expect(Object.keys(read.fields)).toHaveLength(25);
  });
});
