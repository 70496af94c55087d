// Who may change the exceptions list (DESIGN §7): people and integrations add to it,
// only admins take a value off; every addition and removal is kept with actor and reason.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { must, unique } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

const anEmail = () => `listed${unique()}@example.com`;
const path = (value: string) => `/exceptions/${encodeURIComponent(value)}`;

describe('adding to the exceptions list', () => {
  it('is allowed to a member', async () => {
    const reply = await t.call('POST', '/exceptions', { value: anEmail() }, { token: t.memberToken });

    expect(reply.status).toBe(201);
    expect(reply.body.addedBy).toEqual({ kind: 'user', id: t.member.id });
  });

  it('is allowed to an integration, acting as the Butler', async () => {
    const reply = await t.call('POST', '/exceptions', { value: anEmail() }, { apiKey: t.integrationKey });

    expect(reply.status).toBe(201);
    expect(reply.body.addedBy).toMatchObject({ kind: 'butler', id: 'butler', via: { integrationId: 'web-form' } });
  });
});

describe('removing from the exceptions list', () => {
  it('is refused to a member with 403, and the value stays', async () => {
    const email = anEmail();
    await must(t, 'POST', '/exceptions', { value: email });

    const reply = await t.call('DELETE', path(email), undefined, { token: t.memberToken });
    const entries = await must(t, 'GET', '/exceptions?limit=100');

    expect(reply.status).toBe(403);
    expect(entries.items.map((entry: { value: string }) => entry.value)).toContain(email);
  });

  it('is refused to an integration with 403', async () => {
    const email = anEmail();
    await must(t, 'POST', '/exceptions', { value: email });

    const reply = await t.call('DELETE', path(email), undefined, { apiKey: t.integrationKey });

    expect(reply.status).toBe(403);
  });

  it('is allowed to an admin', async () => {
    const email = anEmail();
    await must(t, 'POST', '/exceptions', { value: email });

    const reply = await t.call('DELETE', `${path(email)}?reason=asked%20again`);

    expect(reply.status).toBe(204);
  });
});

describe('GET /exceptions/{value}/history', () => {
  it('lists the removal and the addition, newest first, each with actor and reason', async () => {
    const email = anEmail();
    await must(t, 'POST', '/exceptions', { value: email, reason: 'unsubscribed' }, { token: t.memberToken });
    await must(t, 'DELETE', `${path(email)}?reason=${encodeURIComponent('subscribed again')}`);

    const history = await must(t, 'GET', `${path(email)}/history`);

    expect(history.items).toEqual([
      { at: expect.any(String), action: 'removed', actor: { kind: 'user', id: t.admin.id }, reason: 'subscribed again' },
      { at: expect.any(String), action: 'added', actor: { kind: 'user', id: t.member.id }, reason: 'unsubscribed' },
    ]);
  });

  it('takes the removal reason from a JSON body too', async () => {
    const email = anEmail();
    await must(t, 'POST', '/exceptions', { value: email });
    await must(t, 'DELETE', path(email), { reason: 'typo' });

    const history = await must(t, 'GET', `${path(email)}/history`);

    expect(history.items[0]).toMatchObject({ action: 'removed', reason: 'typo' });
  });

  it('finds the value in any spelling', async () => {
    const email = anEmail();
    await must(t, 'POST', '/exceptions', { value: email });

    const history = await must(t, 'GET', `${path(`  ${email.toUpperCase()}`)}/history`);

    expect(history.items.map((item: { action: string }) => item.action)).toEqual(['added']);
  });

  it('records no second addition when the value was there already', async () => {
    const email = anEmail();
    await must(t, 'POST', '/exceptions', { value: email });
    await must(t, 'POST', '/exceptions', { value: email }, { expected: 200 });

    const history = await must(t, 'GET', `${path(email)}/history`);

    expect(history.items).toHaveLength(1);
  });

  it('records nothing for a refused removal', async () => {
    const email = anEmail();
    await must(t, 'POST', '/exceptions', { value: email });
    await must(t, 'DELETE', path(email), undefined, { token: t.memberToken, expected: 403 });

    const history = await must(t, 'GET', `${path(email)}/history`);

    expect(history.items.map((item: { action: string }) => item.action)).toEqual(['added']);
  });

  it('answers 404 for a value that was never on the list', async () => {
    const reply = await t.call('GET', `${path(anEmail())}/history`);

    expect(reply.status).toBe(404);
  });

  it('answers 404 for a value that is no e-mail nor phone', async () => {
    const reply = await t.call('GET', `${path('x'.repeat(3000))}/history`);

    expect(reply.status).toBe(404);
  });
});
