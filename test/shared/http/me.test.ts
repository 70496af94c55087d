// GET /me: who the caller is, so the console offers a member only what the API lets them do.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

describe('GET /me', () => {
  it('names a person and their role', async () => {
    // Act
    const admin = await t.call('GET', '/me');
    const member = await t.call('GET', '/me', undefined, { token: t.memberToken });

    // Assess
    expect(admin.body).toEqual({ kind: 'user', userId: t.admin.id, role: 'admin' });
    expect(member.body).toEqual({ kind: 'user', userId: t.member.id, role: 'member' });
  });

  it('names an integration key as its integration', async () => {
    // Act
    const reply = await t.call('GET', '/me', undefined, { apiKey: t.integrationKey });

    // Assess
    expect(reply.body).toEqual({ kind: 'integration', integrationId: expect.any(String) });
  });

  it('answers 401 without credentials', async () => {
    // Act
    const reply = await t.call('GET', '/me', undefined, { token: '' });

    // Assess
    expect(reply.status).toBe(401);
  });
});
