// Custom fields and updateFields keys named like members every JavaScript object inherits (constructor,
// __proto__, toString, …) are refused with 400 and the key's path, never stored, dropped or left to fail a run.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { companyBody, contactBody, errorPaths, must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

/** The message of the issue at `path`. */
const messageAt = (reply: { body: any }, path: string): string =>
  String((reply.body?.error?.details ?? []).find((detail: { path: string }) => detail.path === path)?.message ?? '');

/** A body sent as the caller typed it: JSON.stringify would not write an own `__proto__` key. */
const withFields = (body: Record<string, unknown>, fieldsJson: string) => JSON.stringify(body).replace(/}$/, `,"fields":${fieldsJson}}`);

describe('a custom field named like an inherited member', () => {
  it.each([
    ['contacts', contactBody],
    ['companies', companyBody],
  ])('is refused on POST /%s with its path and why', async (route, body) => {
    // Prepare
    const sent = body({ fields: { constructor: 'a' } });

    // Act
    const reply = await t.call('POST', `/${route}`, sent);

    // Assess
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['fields.constructor']);
    expect(messageAt(reply, 'fields.constructor')).toMatch(/reserved/);
  });

  it('is refused on PATCH, and the record keeps its fields', async () => {
    // Prepare
    const contact = await must(t, 'POST', '/contacts', contactBody({ fields: { colour: 'red' } }));

    // Act
    const reply = await t.call('PATCH', `/contacts/${contact.id}`, { fields: { constructor: 'x' } });

    // Assess
    const read = await must(t, 'GET', `/contacts/${contact.id}`);
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['fields.constructor']);
    expect(read.fields).toEqual({ colour: 'red' });
  });

  it('is refused as __proto__ on POST, not silently dropped', async () => {
    // Prepare
    const raw = withFields(contactBody(), '{"__proto__":{"admin":true},"colour":"red"}');

    // Act
    const reply = await t.call('POST', '/contacts', undefined, { rawBody: raw });

    // Assess
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['fields.__proto__']);
    expect(messageAt(reply, 'fields.__proto__')).toMatch(/reserved/);
  });

  it('is refused as __proto__ on PATCH', async () => {
    // Prepare
    const contact = await must(t, 'POST', '/contacts', contactBody());

    // Act
    const reply = await t.call('PATCH', `/contacts/${contact.id}`, undefined, { rawBody: '{"fields":{"__proto__":"x"}}' });

    // Assess
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['fields.__proto__']);
  });

  it.each(['toString', 'hasOwnProperty', 'prototype'])('is refused as %s', async (name) => {
    // Act
    const reply = await t.call('POST', '/contacts', contactBody({ fields: { [name]: 'a' } }));

    // Assess
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual([`fields.${name}`]);
  });

  it('leaves ordinary names that merely contain one alone', async () => {
    // Act
    const reply = await t.call('POST', '/contacts', contactBody({ fields: { constructor_name: 'Bob', Constructor: 'x' } }));

    // Assess
    expect(reply.status).toBe(201);
    expect(reply.body.fields).toEqual({ constructor_name: 'Bob', Constructor: 'x' });
  });
});

describe('a top-level field named like an inherited member, cleared with null', () => {
  it('is refused as not a field of the record', async () => {
    // Prepare
    const contact = await must(t, 'POST', '/contacts', contactBody());

    // Act
    const reply = await t.call('PATCH', `/contacts/${contact.id}`, { constructor: null });

    // Assess
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['constructor']);
  });
});

describe('updateFields naming an inherited member', () => {
  const save = (set: Record<string, string>) =>
    t.call('POST', '/automations', {
      name: 'Sets a reserved name',
      status: 'stopped',
      trigger: { type: 'created', entity: 'deal' },
      actions: [{ type: 'updateFields', set }],
    });

  it.each(['constructor', 'toString', 'fields.constructor', 'fields.__proto__'])('refuses set.%s at save', async (field) => {
    // Act
    const reply = await save({ [field]: 'x' });

    // Assess
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual([`actions.0.set.${field}`]);
  });
});
