// The workspace around the records (shared/crm/workspace.ts), through the HTTP API: pipelines made without an
// id stay usable, user patches follow merge patch, and the workspace always keeps an active admin.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { dealBody, errorPaths, must, pipelineBody, userBody } from '#test/support/http-factories.ts';

const SLUG = /^[a-z0-9][a-z0-9_-]*$/;

/** A fresh user with a token of their own. */
async function aUser(t: TestApp, overrides: Record<string, unknown> = {}) {
  const user = await must(t, 'POST', '/users', userBody(overrides));
  const token = await t.app.store.credentials.issue({ kind: 'user', userId: user.id }, 'test');
  return { user, token };
}

describe('POST /pipelines without an id', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  it('gives the pipeline a generated lower-case slug id', async () => {
    // Prepare
    const { id: _id, ...body } = pipelineBody();

    // Act
    const created = await t.call('POST', '/pipelines', body);

    // Assess
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(SLUG);
  });

  it('makes a pipeline that deals can be opened in and that shows as a board', async () => {
    // Prepare
    const { id: _id, ...body } = pipelineBody();
    const pipeline = await must(t, 'POST', '/pipelines', body);

    // Act
    const deal = await t.call('POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'new' }));
    const board = await t.call('GET', `/pipelines/${pipeline.id}/board`);

    // Assess
    expect(deal.status).toBe(201);
    expect(board.status).toBe(200);
    expect(board.body.columns.new.items.map((item: { id: string }) => item.id)).toEqual([deal.body.id]);
  });

  it('leaves automations savable in the workspace, on its own stages too', async () => {
    // Prepare
    const { id: _id, ...body } = pipelineBody();
    const pipeline = await must(t, 'POST', '/pipelines', body);

    // Act
    const saved = await t.call('POST', '/automations', {
      name: 'On offer',
      status: 'active',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: pipeline.id, stageId: 'offer' },
      actions: [{ type: 'updateFields', set: { currency: 'EUR' } }],
    });

    // Assess
    expect(saved.status).toBe(201);
  });

  it('can be renamed afterwards', async () => {
    // Prepare
    const { id: _id, ...body } = pipelineBody();
    const pipeline = await must(t, 'POST', '/pipelines', body);

    // Act
    const renamed = await t.call('PATCH', `/pipelines/${pipeline.id}`, { name: 'Renamed' });

    // Assess
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Renamed');
  });
});

describe('PATCH /users/{id} as a merge patch', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  it.each([
    ['email', { email: 'someone@example.com' }],
    ['icon', { icon: '🦊' }],
    ['active', { active: false }],
  ])('clears %s when it is sent as null', async (field, set) => {
    // Prepare
    const { user } = await aUser(t, set);

    // Act
    const patched = await t.call('PATCH', `/users/${user.id}`, { [field]: null });
    const read = await must(t, 'GET', `/users/${user.id}`);

    // Assess
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty(field);
    expect(read).not.toHaveProperty(field);
  });

  it('keeps the fields the patch does not name', async () => {
    // Prepare
    const { user } = await aUser(t, { icon: '🦊' });

    // Act
    const patched = await must(t, 'PATCH', `/users/${user.id}`, { email: null });

    // Assess
    expect(patched).toMatchObject({ name: user.name, icon: '🦊', role: 'member' });
  });

  it('lets a user clear their own optional field', async () => {
    // Prepare
    const { user, token } = await aUser(t, { icon: '🦊' });

    // Act
    const patched = await t.call('PATCH', `/users/${user.id}`, { icon: null }, { token });

    // Assess
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('icon');
  });

  it.each(['name', 'role'])('refuses null on the required %s with 400 naming it', async (field) => {
    // Prepare
    const { user } = await aUser(t);

    // Act
    const result = await t.call('PATCH', `/users/${user.id}`, { [field]: null });
    const read = await must(t, 'GET', `/users/${user.id}`);

    // Assess
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('VALIDATION_FAILED');
    expect(errorPaths(result)).toEqual([field]);
    expect(read).toMatchObject({ name: user.name, role: 'member' });
  });
});

describe('a member changing their own role', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  it('is refused with 403 FORBIDDEN', async () => {
    // Prepare
    const { user, token } = await aUser(t);

    // Act
    const result = await t.call('PATCH', `/users/${user.id}`, { role: 'admin' }, { token });
    const read = await must(t, 'GET', `/users/${user.id}`);

    // Assess
    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe('FORBIDDEN');
    expect(read.role).toBe('member');
  });
});

describe('the last active admin', () => {
  // Each test starts from a workspace whose only admin is t.admin.
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  it.each([
    ['demote themselves', { role: 'member' }],
    ['deactivate themselves', { active: false }],
  ])('cannot %s: 409 LAST_ADMIN, and stays an active admin', async (_what, patch) => {
    // Act
    const result = await t.call('PATCH', `/users/${t.admin.id}`, patch);
    const read = await must(t, 'GET', `/users/${t.admin.id}`);

    // Assess
    expect(result.status).toBe(409);
    expect(result.body.error).toMatchObject({ code: 'LAST_ADMIN', message: expect.stringContaining('active admin') });
    expect(read.role).toBe('admin');
    expect(read.active).not.toBe(false);
  });

  it('may demote themselves once another admin is active', async () => {
    // Prepare
    const fresh = await createTestApp();
    await must(fresh, 'POST', '/users', userBody({ role: 'admin' }));

    // Act
    const result = await fresh.call('PATCH', `/users/${fresh.admin.id}`, { role: 'member' });

    // Assess
    expect(result.status).toBe(200);
    expect(result.body.role).toBe('member');
  });

  it('counts a deactivated admin as no admin', async () => {
    // Prepare
    const fresh = await createTestApp();
    await must(fresh, 'POST', '/users', userBody({ role: 'admin', active: false }));

    // Act
    const result = await fresh.call('PATCH', `/users/${fresh.admin.id}`, { role: 'member' });

    // Assess
    expect(result.status).toBe(409);
    expect(result.body.error.code).toBe('LAST_ADMIN');
  });

  it('cannot be demoted or deactivated by a deactivated admin', async () => {
    // Prepare: the only active admin is `other`; the caller is an admin who was deactivated.
    const fresh = await createTestApp();
    const other = await must(fresh, 'POST', '/users', userBody({ role: 'admin' }));
    await must(fresh, 'PATCH', `/users/${fresh.admin.id}`, { active: false });

    // Act
    const demoted = await fresh.call('PATCH', `/users/${other.id}`, { role: 'member' });
    const deactivated = await fresh.call('PATCH', `/users/${other.id}`, { active: false });
    const deleted = await fresh.call('DELETE', `/users/${other.id}`);

    // Assess
    expect([demoted.status, deactivated.status, deleted.status]).toEqual([409, 409, 409]);
    expect(demoted.body.error.code).toBe('LAST_ADMIN');
    expect(await must(fresh, 'GET', `/users/${other.id}`)).toMatchObject({ role: 'admin' });
  });

  it('may still change their name', async () => {
    // Act
    const result = await t.call('PATCH', `/users/${t.admin.id}`, { name: 'Ada Still Admin' });

    // Assess
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ name: 'Ada Still Admin', role: 'admin' });
  });
});
