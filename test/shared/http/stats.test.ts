// GET /stats/activity (docs/ARCHITECTURE.md §4, §8): writes per person in [from, to), with the
// Butler counted apart so integrations never inflate a person's figures.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { companyBody, contactBody, dealBody, errorPaths, must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

interface Figures {
  created: number;
  updated: number;
  deleted: number;
  stageChanges: number;
}
const none: Figures = { created: 0, updated: 0, deleted: 0, stageChanges: 0 };

/** Runs `act` in a window of its own (a day after the previous one) and reads the stats of that window. */
async function statsDuring(act: () => Promise<unknown>) {
  t.clock.advance(24 * 3600_000);
  const from = t.clock.now().toISOString();
  await act();
  const to = new Date(t.clock.now().getTime() + 3600_000).toISOString();
  const result = await t.call('GET', `/stats/activity?from=${from}&to=${to}`);
  const human = (userId: string): Figures & { name: string } => result.body.humans.find((entry: { userId: string }) => entry.userId === userId);
  // The Butler's figures come with its name and icon; the counts are what these tests compare.
  const { name: _name, icon: _icon, ...butler } = result.body.butler as Figures & { name: string; icon: string };
  return { result, butler: butler as Figures, admin: human(t.admin.id), member: human(t.member.id) };
}

const integration = () => ({ apiKey: t.integrationKey });

describe('writes by an integration key', () => {
  it('count for the Butler', async () => {
    const { butler } = await statsDuring(async () => {
      await must(t, 'POST', '/contacts', contactBody(), integration());
      await must(t, 'POST', '/companies', companyBody(), integration());
    });

    expect(butler).toEqual({ ...none, created: 2 });
  });

  it('count for no human', async () => {
    const { admin, member } = await statsDuring(async () => {
      await must(t, 'POST', '/contacts', contactBody(), integration());
    });

    expect(admin).toMatchObject(none);
    expect(member).toMatchObject(none);
  });

  it('on a person’s record count for the Butler, not for the record’s author', async () => {
    const contact = await must(t, 'POST', '/contacts', contactBody());

    const { butler, admin } = await statsDuring(() => must(t, 'PATCH', `/contacts/${contact.id}`, { name: 'By a form' }, integration()));

    expect(butler).toEqual({ ...none, updated: 1 });
    expect(admin).toMatchObject(none);
  });
});

describe('writes by a person', () => {
  it('count for that person only', async () => {
    const { member, admin, butler } = await statsDuring(() => must(t, 'POST', '/contacts', contactBody(), { token: t.memberToken }));

    expect(member).toMatchObject({ ...none, created: 1 });
    expect(admin).toMatchObject(none);
    expect(butler).toEqual(none);
  });

  it('count created, updated and deleted apart', async () => {
    const { admin } = await statsDuring(async () => {
      const contact = await must(t, 'POST', '/contacts', contactBody());
      await must(t, 'PATCH', `/contacts/${contact.id}`, { name: 'Once' });
      await must(t, 'PATCH', `/contacts/${contact.id}`, { name: 'Twice' });
      await must(t, 'DELETE', `/contacts/${contact.id}`);
    });

    expect(admin).toMatchObject({ created: 1, updated: 2, deleted: 1, stageChanges: 0 });
  });

  it('count a stage move as a stage change, not an update', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());

    const { admin } = await statsDuring(() => must(t, 'PATCH', `/deals/${deal.id}`, { stageId: 'contract' }));

    expect(admin).toMatchObject({ ...none, stageChanges: 1 });
  });
});

describe('the window', () => {
  it('includes a write at from', async () => {
    t.clock.advance(24 * 3600_000);
    const from = t.clock.now().toISOString();
    await must(t, 'POST', '/contacts', contactBody());

    const stats = await must(t, 'GET', `/stats/activity?from=${from}&to=${new Date(Date.parse(from) + 1000).toISOString()}`);

    expect(stats.humans.find((human: { userId: string }) => human.userId === t.admin.id).created).toBe(1);
  });

  it('excludes a write at to', async () => {
    t.clock.advance(24 * 3600_000);
    const to = t.clock.now().toISOString();
    await must(t, 'POST', '/contacts', contactBody());

    const stats = await must(t, 'GET', `/stats/activity?from=${new Date(Date.parse(to) - 1000).toISOString()}&to=${to}`);

    expect(stats.humans.find((human: { userId: string }) => human.userId === t.admin.id).created).toBe(0);
  });

  it('accepts offsets other than Z', async () => {
    const result = await t.call('GET', '/stats/activity?from=2026-01-01T00:00:00%2B01:00&to=2026-01-02T00:00:00%2B01:00');

    expect(result.status).toBe(200);
  });
});

describe('the figures', () => {
  it('list every person by id and name, and the Butler apart', async () => {
    const { result } = await statsDuring(async () => undefined);

    expect(result.status).toBe(200);
    expect(result.body.humans).toEqual(
      expect.arrayContaining([
        { userId: t.admin.id, name: 'Ada Admin', ...none },
        { userId: t.member.id, name: 'Max Member', ...none },
      ]),
    );
    expect(result.body.humans.map((human: { userId: string }) => human.userId)).not.toContain('butler');
  });
});

describe('a bad query', () => {
  it('without from and to names both', async () => {
    const result = await t.call('GET', '/stats/activity');

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['query.from', 'query.to']);
  });

  it('with a date that is not ISO 8601 names it', async () => {
    const result = await t.call('GET', '/stats/activity?from=yesterday&to=2026-01-02T00:00:00Z');

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['query.from']);
  });

  it('with to before from is refused', async () => {
    const result = await t.call('GET', '/stats/activity?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');

    expect(result.status).toBe(400);
    expect(errorPaths(result).map((path) => path.replace(/^query\./, ''))).toEqual(['to']);
  });

  it('without credentials gets 401', async () => {
    const result = await t.call('GET', '/stats/activity?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', undefined, { token: null });

    expect(result.status).toBe(401);
  });
});
