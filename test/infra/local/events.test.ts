// Local mode's event flow as a whole: stream → publish-changes → local bus, GET /local/events,
// and a restart on the same data folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import { createLocalEventBus } from '#infra/local/event-bus.ts';
import { type LocalEvents, type LocalEventsOptions, startLocalEvents } from '#infra/local/events.ts';
import { type CrmEvent, createCompleteActivities } from '#shared/crm/complete-activities.ts';
import { createPublishChanges } from '#shared/events/publish.ts';
import type { RouteRequest } from '#shared/http/router.ts';
import { createStore } from '#shared/store/index.ts';
import { tableRefOf } from '#shared/store/document-client.ts';
import { createTableInput } from '#shared/store/table.ts';
import { aContact, aDeal, asUser } from '#test/support/factories.ts';
import { createTestTable, dynamoClient, manualClock, silentLogger, ulidIds } from '#test/support/table.ts';

const eventually = { timeout: 15_000, interval: 20 };
const clock = manualClock();
const running: LocalEvents[] = [];
const homes: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((events) => events.stop()));
});

afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-events-'));
  homes.push(home);
  return home;
}

async function setUp() {
  const table = await createTestTable();
  const store = createStore(table, clock, ulidIds(clock));
  await store.records.create('pipeline', { name: 'Sales', stages: [{ id: 'new', name: 'New', kind: 'open' }, { id: 'won', name: 'Won', kind: 'won' }] }, asUser('u1'), { id: 'sales' });
  const home = tempHome();
  const start = async (extra: Partial<LocalEventsOptions> = {}) => {
    const events = await startLocalEvents({ ...eventSide(table), home, poller: { idleMs: 20 }, ...extra });
    running.push(events);
    return events;
  };
  return { store, start };
}

/** What local mode gives the event side: its table, client and bus, publish-changes and the complete-activities rule. */
function eventSide(table: Awaited<ReturnType<typeof createTestTable>>) {
  const bus = createLocalEventBus({ logger: silentLogger, clock });
  const completeActivities = createCompleteActivities({ store: createStore(table, clock, ulidIds(clock)), logger: silentLogger });
  return {
    core: { table, logger: silentLogger },
    dynamoClient: table.dynamoClient,
    dynamoEndpoint: inject('dynamoEndpoint'),
    bus,
    runtime: { publishChanges: createPublishChanges({ bus, logger: silentLogger }), targets: { completeActivities: (event: unknown) => completeActivities(event as CrmEvent) } },
  };
}

const request = (query: Record<string, string>): RouteRequest => ({
  params: {},
  query,
  body: undefined,
  headers: {},
  caller: { kind: 'user', userId: 'u1', role: 'admin' },
  expectedVersion: undefined,
});

const eventsRoute = (events: LocalEvents) => events.routes.find((route) => route.method === 'GET' && route.path === '/local/events')!;

describe('the stream records publish-changes gets', () => {
  it('are the entity items only, as the stream event source mapping filters them on AWS', async () => {
    const { store, start } = await setUp();
    const kinds: string[] = [];
    await start({
      wrapHandler: (handler) => async (event) => {
        for (const record of event.Records) kinds.push(String((record.dynamodb?.NewImage ?? record.dynamodb?.OldImage)?.itemKind?.S));
        return handler(event);
      },
    });
    // A deal write puts its entity item and a history entry in the stream.
    const deal = await store.records.create('deal', aDeal(), asUser('u1'));
    await store.records.update('deal', deal.id, (current) => ({ ...current, stageId: 'won' }), asUser('u1'));

    await vi.waitFor(() => expect(kinds.length).toBeGreaterThanOrEqual(3), eventually);
    expect(new Set(kinds)).toEqual(new Set(['entity']));
  });
});

describe('the system rules on the local bus', () => {
  it('give each rule as long as its AWS function has: unlinking a large company is not cut at the bus default', async () => {
    // Prepare
    const { start } = await setUp();
    const side = eventSide(await createTestTable());

    // Act
    const events = await start({ runtime: { ...side.runtime, targets: { ...side.runtime.targets, unlinkDeleted: async () => undefined } } });

    // Assess
    const timeouts = Object.fromEntries(events.bus.rules().map((rule) => [rule.name, rule.attemptTimeoutMs]));
    expect(timeouts).toMatchObject({ 'system-unlink-deleted': 120_000, 'system-complete-activities': undefined });
  });
});

describe('GET /local/events', () => {
  it('lists the latest events newest first, each with the rules it matched', async () => {
    const { store, start } = await setUp();
    const events = await start();
    const deal = await store.records.create('deal', aDeal(), asUser('u1'));
    await store.records.update('deal', deal.id, (current) => ({ ...current, stageId: 'won' }), asUser('u1'));
    await vi.waitFor(() => expect(events.bus.recent(1)[0]?.event['detail-type']).toBe('Deal Stage Changed'), eventually);

    const reply = await eventsRoute(events).handle(request({ limit: '3' }));

    expect(reply.body).toEqual({
      items: [
        expect.objectContaining({ 'detail-type': 'Deal Stage Changed', matchedRules: ['system-complete-activities'] }),
        expect.objectContaining({ 'detail-type': 'Deal Updated', matchedRules: [] }),
        expect.objectContaining({ 'detail-type': 'Deal Created', matchedRules: [] }),
      ],
    });
  });

  it('refuses a limit out of range with VALIDATION_FAILED', async () => {
    const { start } = await setUp();
    const events = await start();

    await expect(eventsRoute(events).handle(request({ limit: '0' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('a restart on the same data folder', () => {
  it('delivers what was written while stopped, once', async () => {
    const { store, start } = await setUp();
    const first = await start();
    const before = await store.records.create('contact', aContact(), asUser('u1'));
    await vi.waitFor(() => expect(first.bus.recent(1)[0]?.event.detail.entityId).toBe(before.id), eventually);
    await first.stop();

    const whileStopped = await store.records.create('contact', aContact(), asUser('u1'));
    const second = await start();
    await vi.waitFor(() => expect(second.bus.recent(1)[0]?.event.detail.entityId).toBe(whileStopped.id), eventually);

    expect(second.bus.recent(1000).map((record) => record.event.detail.entityId)).toEqual([whileStopped.id]);
  });
});

describe('a publisher killed mid-batch', () => {
  it('loses no event: the restart delivers the unfinished batch again, with the same event ids', async () => {
    const { store, start } = await setUp();
    const written = [await store.records.create('contact', aContact(), asUser('u1')), await store.records.create('contact', aContact(), asUser('u1'))];
    let crashing: LocalEvents | undefined;
    let crashed = false;
    crashing = await start({
      wrapHandler: (publish) => async (event) => {
        const reply = await publish(event);
        await vi.waitFor(() => expect(crashing).toBeDefined());
        crashed = true;
        void crashing?.poller.kill();
        return reply;
      },
    });
    await vi.waitFor(() => expect(crashed).toBe(true), eventually);
    await crashing.poller.kill();
    const firstRun = crashing.bus.recent(1000).map((record) => record.event.detail.eventId);

    const restarted = await start();
    await vi.waitFor(() => expect(restarted.bus.recent(1)[0]?.event.detail.entityId).toBe(written[1]?.id), eventually);

    const secondRun = restarted.bus.recent(1000).map((record) => record.event.detail.eventId);
    expect(secondRun).toEqual(firstRun);
  });
});

describe('starting', () => {
  it('fails at once for a table without a stream', async () => {
    const client = dynamoClient();
    const tableName = `no-stream-${Date.now()}`;
    const { StreamSpecification: _stream, ...input } = createTableInput(tableName);
    await client.send(new CreateTableCommand(input));

    const table = { ...tableRefOf(tableName, client), dynamoClient: client };
    const starting = startLocalEvents({ ...eventSide(table), home: tempHome() });

    await expect(starting).rejects.toThrow(/no stream/);
  });
});
