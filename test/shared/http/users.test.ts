// /users (docs/ARCHITECTURE.md §4, §8): admins manage people; the Butler always exists, can be
// renamed and given an icon, and can be neither deleted nor turned into a person.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, listAll, must, userBody } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

/** A fresh member with a token of their own. */
async function aMember() {
  const user = await must(t, 'POST', '/users', userBody());
  const token = await t.app.store.credentials.issue({ kind: 'user', userId: user.id }, 'test');
  return { user, token };
}

describe('the Butler', () => {
  it('exists at /users/butler', async () => {
    const result = await t.call('GET', '/users/butler');

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ id: 'butler', kind: 'butler', name: expect.any(String) });
  });

  it('is listed among the users', async () => {
    const users = await listAll(t, '/users');

    expect(users.filter((user: { kind: string }) => user.kind === 'butler').map((user: { id: string }) => user.id)).toEqual(['butler']);
  });

  it('cannot be deleted: 409 BUTLER_UNDELETABLE', async () => {
    const result = await t.call('DELETE', '/users/butler');

    expect(result.status).toBe(409);
    expect(result.body.error.code).toBe('BUTLER_UNDELETABLE');
  });

  it('is still there after a refused delete', async () => {
    await t.call('DELETE', '/users/butler');

    const result = await t.call('GET', '/users/butler');

    expect(result.status).toBe(200);
  });

  it('can be renamed and given an icon by an admin', async () => {
    const renamed = await t.call('PATCH', '/users/butler', { name: 'Jeeves', icon: '🎩' });
    const read = await t.call('GET', '/users/butler');

    expect(renamed.status).toBe(200);
    expect(read.body).toMatchObject({ id: 'butler', kind: 'butler', name: 'Jeeves', icon: '🎩' });
  });

  it('cannot be given a role', async () => {
    const before = await must(t, 'GET', '/users/butler');

    const result = await t.call('PATCH', '/users/butler', { role: 'admin' });
    const after = await must(t, 'GET', '/users/butler');

    expect(result.status).toBe(400);
    expect(after.role).toBe(before.role);
  });

  it('cannot be given an e-mail address', async () => {
    const result = await t.call('PATCH', '/users/butler', { email: 'butler@example.com' });
    const after = await must(t, 'GET', '/users/butler');

    expect(result.status).toBe(400);
    expect(after).not.toHaveProperty('email');
  });

  it('cannot be turned into a human', async () => {
    const result = await t.call('PATCH', '/users/butler', { kind: 'human' });

    expect(result.status).toBe(400);
  });

  it('cannot be renamed by a member', async () => {
    const result = await t.call('PATCH', '/users/butler', { name: 'Mine' }, { token: t.memberToken });

    expect(result.status).toBe(403);
  });

  it('cannot be renamed to an empty name', async () => {
    const result = await t.call('PATCH', '/users/butler', { name: '  ' });

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'name' })]));
  });

  it('is nobody’s login: a token naming the Butler gets 401', async () => {
    const token = await t.app.store.credentials.issue({ kind: 'user', userId: 'butler' }, 'forged');

    const result = await t.call('POST', '/contacts', contactBody(), { token });

    expect(result.status).toBe(401);
  });

  it('cannot be created a second time through POST /users', async () => {
    const result = await t.call('POST', '/users', userBody({ id: 'butler' }));

    expect(result.status).toBe(400);
  });
});

describe('POST /users', () => {
  it('lets an admin create a human member', async () => {
    const sent = userBody();

    const created = await t.call('POST', '/users', sent);

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...sent, kind: 'human', role: 'member', version: 1, createdBy: t.admin.id });
  });

  it('refuses a member with 403', async () => {
    const result = await t.call('POST', '/users', userBody(), { token: t.memberToken });

    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses an integration with 403', async () => {
    const result = await t.call('POST', '/users', userBody(), { apiKey: t.integrationKey });

    expect(result.status).toBe(403);
  });

  it('refuses to create a second Butler', async () => {
    const result = await t.call('POST', '/users', userBody({ kind: 'butler' }));

    expect(result.status).toBe(400);
  });

  it('names each bad field', async () => {
    const result = await t.call('POST', '/users', { name: '', email: 'not-an-address', role: 'owner' });

    expect(result.status).toBe(400);
    expect(result.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['email', 'name', 'role']);
  });
});

describe('GET /users/{id}', () => {
  it('answers 404 for an unknown user', async () => {
    const result = await t.call('GET', '/users/nobody');

    expect(result.status).toBe(404);
  });
});

describe('PATCH /users/{id}', () => {
  it('lets an admin change a role', async () => {
    const { user } = await aMember();

    const result = await t.call('PATCH', `/users/${user.id}`, { role: 'admin' });

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ role: 'admin', version: 2 });
  });

  it('lets a member rename themselves', async () => {
    const { user, token } = await aMember();

    const result = await t.call('PATCH', `/users/${user.id}`, { name: 'New Me' }, { token });

    expect(result.status).toBe(200);
    expect(result.body.name).toBe('New Me');
  });

  it('does not let a member make themselves admin', async () => {
    const { user, token } = await aMember();

    const result = await t.call('PATCH', `/users/${user.id}`, { role: 'admin' }, { token });
    const after = await must(t, 'GET', `/users/${user.id}`);

    expect([400, 403]).toContain(result.status);
    expect(after.role).toBe('member');
  });

  it('does not let a member change someone else', async () => {
    const { user } = await aMember();

    const result = await t.call('PATCH', `/users/${user.id}`, { name: 'Hijacked' }, { token: t.memberToken });

    expect(result.status).toBe(403);
  });

  it('answers 412 for a stale If-Match', async () => {
    const { user } = await aMember();
    await must(t, 'PATCH', `/users/${user.id}`, { name: 'Once' });

    const result = await t.call('PATCH', `/users/${user.id}`, { name: 'Twice' }, { headers: { 'if-match': '"1"' } });

    expect(result.status).toBe(412);
  });

  it('answers 404 for an unknown user', async () => {
    const result = await t.call('PATCH', '/users/nobody', { name: 'X' });

    expect(result.status).toBe(404);
  });
});

describe('DELETE /users/{id}', () => {
  it('lets an admin delete a user: 204, then 404', async () => {
    const { user } = await aMember();

    const deleted = await t.call('DELETE', `/users/${user.id}`);
    const read = await t.call('GET', `/users/${user.id}`);

    expect(deleted.status).toBe(204);
    expect(read.status).toBe(404);
  });

  it('locks the deleted user out: their token gets 401', async () => {
    const { user, token } = await aMember();
    await must(t, 'DELETE', `/users/${user.id}`);

    const result = await t.call('GET', '/contacts', undefined, { token });

    expect(result.status).toBe(401);
  });

  it('refuses a member with 403', async () => {
    const { user } = await aMember();

    const result = await t.call('DELETE', `/users/${user.id}`, undefined, { token: t.memberToken });

    expect(result.status).toBe(403);
  });

  it('refuses an admin deleting themselves with 409', async () => {
    const result = await t.call('DELETE', `/users/${t.admin.id}`);

    expect(result.status).toBe(409);
  });

  it('answers 404 for an unknown user', async () => {
    const result = await t.call('DELETE', '/users/nobody');

    expect(result.status).toBe(404);
  });
});
