// Optimistic concurrency (docs/ARCHITECTURE.md §3, §8): writes are conditional on `version`.
// With If-Match the caller decides and a loser gets 412; without it the API retries
// on the fresh record, and whatever it answers, history agrees with the data.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, dealBody, must, pipelineBody } from '#test/support/http-factories.ts';
import { type Interleaver, interleaver } from '#test/support/http-interleave.ts';

let t: TestApp;
let race: Interleaver;

beforeAll(async () => {
  t = await createTestApp();
  race = interleaver(t);
});

const statuses = (replies: Array<{ status: number }>) => replies.map((reply) => reply.status).sort();

async function updatesIn(path: string): Promise<number> {
  const history = await must(t, 'GET', `${path}/history?limit=100`);
  return history.items.filter((entry: { action: string }) => entry.action !== 'created').length;
}

describe('two concurrent PATCHes with the same If-Match', () => {
  it('answer exactly one 200 and one 412', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const replies = await Promise.all(
      ['Left', 'Right'].map((name) => t.call('PATCH', `/contacts/${contact.id}`, { name }, { headers: { 'if-match': '"1"' } })),
    );

    expect(statuses(replies)).toEqual([200, 412]);
  });

  it('leave the winner’s change at version 2 with one history entry', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const replies = await Promise.all(
      ['Left', 'Right'].map((name) => t.call('PATCH', `/contacts/${contact.id}`, { name }, { headers: { 'if-match': '"1"' } })),
    );
    const read = await must(t, 'GET', `/contacts/${contact.id}`);

    const winner = replies.find((reply) => reply.status === 200);
    expect(read).toMatchObject({ name: winner?.body.name, version: 2 });
    expect(await updatesIn(`/contacts/${contact.id}`)).toBe(1);
  });

  it('answer the loser VERSION_MISMATCH', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());

    const replies = await Promise.all(
      ['contract', 'won'].map((stageId) => t.call('PATCH', `/deals/${deal.id}`, { stageId }, { headers: { 'if-match': '"1"' } })),
    );

    const loser = replies.find((reply) => reply.status !== 200);
    expect(loser?.body.error.code).toBe('VERSION_MISMATCH');
  });
});

describe('concurrent PATCHes without If-Match', () => {
  it('two both succeed and raise the version twice', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const replies = await Promise.all(['Left', 'Right'].map((name) => t.call('PATCH', `/contacts/${contact.id}`, { name })));
    const read = await must(t, 'GET', `/contacts/${contact.id}`);

    expect(statuses(replies)).toEqual([200, 200]);
    expect(read.version).toBe(3);
  });

  it('two both leave a history entry', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    await Promise.all(['Left', 'Right'].map((name) => t.call('PATCH', `/contacts/${contact.id}`, { name })));

    expect(await updatesIn(`/contacts/${contact.id}`)).toBe(2);
  });

  it('two on different fields lose neither change', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    await Promise.all([
      t.call('PATCH', `/contacts/${contact.id}`, { name: 'Both kept' }),
      t.call('PATCH', `/contacts/${contact.id}`, { responsibleId: t.member.id }),
    ]);
    const read = await must(t, 'GET', `/contacts/${contact.id}`);

    expect(read).toMatchObject({ name: 'Both kept', responsibleId: t.member.id });
  });

  it('many either succeed or fail cleanly, and the version counts the successes', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    const names = Array.from({ length: 6 }, (_, index) => `Writer ${index}`);

    const replies = await Promise.all(names.map((name) => t.call('PATCH', `/contacts/${contact.id}`, { name })));
    const read = await must(t, 'GET', `/contacts/${contact.id}`);

    const succeeded = replies.filter((reply) => reply.status === 200);
    // Without If-Match a writer retries on the fresh record; one that keeps losing gets 409 WRITE_CONFLICT, never a 412 it did not ask for.
    expect(replies.every((reply) => reply.status === 200 || (reply.status === 409 && reply.body.error.code === 'WRITE_CONFLICT'))).toBe(true);
    expect(read.version).toBe(1 + succeeded.length);
    expect(await updatesIn(`/contacts/${contact.id}`)).toBe(succeeded.length);
  });
});

describe('concurrent writes of other kinds', () => {
  it('two DELETEs with the same If-Match delete once: one 204, the other 404 or 412', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const replies = await Promise.all([1, 2].map(() => t.call('DELETE', `/contacts/${contact.id}`, undefined, { headers: { 'if-match': '"1"' } })));

    const [first, second] = statuses(replies);
    expect(first).toBe(204);
    expect([404, 412]).toContain(second);
  });

  it('two pipelines created with one id: one 201, one 409', async () => {
    const body = pipelineBody();

    const replies = await Promise.all([1, 2].map(() => t.call('POST', '/pipelines', body)));

    expect(statuses(replies)).toEqual([201, 409]);
  });
});

// Deterministic races: another request's write lands between the read and the
// conditional write of the request under test.
describe('a PATCH without If-Match that loses a race', () => {
  it('is retried on the fresh record: 200, and neither change is lost', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    race.beforeNextTransaction(() => must(t, 'PATCH', `/contacts/${contact.id}`, { responsibleId: t.member.id }));

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { name: 'After the race' });
    const read = await must(t, 'GET', `/contacts/${contact.id}`);

    expect(result.status).toBe(200);
    expect(read).toMatchObject({ name: 'After the race', responsibleId: t.member.id, version: 3 });
  });

  it('after losing race upon race either succeeds or fails cleanly, never half-written', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    for (const name of ['One', 'Two', 'Three']) race.beforeNextTransaction(() => must(t, 'PATCH', `/contacts/${contact.id}`, { name }));

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { responsibleId: t.member.id });
    race.clear();
    const read = await must(t, 'GET', `/contacts/${contact.id}`);

    const clean = result.status === 200 || (result.status >= 400 && result.status < 500);
    expect(clean).toBe(true);
    expect(read.responsibleId).toBe(result.status === 200 ? t.member.id : undefined);
  });

  it('answers 404 when the race was a DELETE', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    race.beforeNextTransaction(() => must(t, 'DELETE', `/contacts/${contact.id}`));

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { name: 'Too late' });

    expect(result.status).toBe(404);
  });
});

describe('a PATCH with If-Match that loses a race between read and write', () => {
  it('answers 412 and keeps the other write', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    race.beforeNextTransaction(() => must(t, 'PATCH', `/contacts/${contact.id}`, { name: 'Winner' }));

    const result = await t.call('PATCH', `/contacts/${contact.id}`, { name: 'Loser' }, { headers: { 'if-match': '"1"' } });
    const read = await must(t, 'GET', `/contacts/${contact.id}`);

    expect(result.status).toBe(412);
    expect(result.body.error.code).toBe('VERSION_MISMATCH');
    expect(read).toMatchObject({ name: 'Winner', version: 2 });
  });
});

describe('a DELETE that loses a race to a PATCH', () => {
  it('without If-Match still deletes the record: 204', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    race.beforeNextTransaction(() => must(t, 'PATCH', `/contacts/${contact.id}`, { name: 'Changed meanwhile' }));

    const result = await t.call('DELETE', `/contacts/${contact.id}`);
    const read = await t.call('GET', `/contacts/${contact.id}`);

    expect(result.status).toBe(204);
    expect(read.status).toBe(404);
  });

  it('with If-Match answers 412 and deletes nothing', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());
    race.beforeNextTransaction(() => must(t, 'PATCH', `/contacts/${contact.id}`, { name: 'Changed meanwhile' }));

    const result = await t.call('DELETE', `/contacts/${contact.id}`, undefined, { headers: { 'if-match': '"1"' } });
    const read = await t.call('GET', `/contacts/${contact.id}`);

    expect(result.status).toBe(412);
    expect(read.status).toBe(200);
  });
});
