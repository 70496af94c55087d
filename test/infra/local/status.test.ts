// Local mode's backlog, seen and bounded: how far the stream poller is behind (on the real
// DynamoDB Local stream), the STAGECRAFT_MAX_LAG_MS setting, and the local HTTP adapter
// refusing writes with 503 + Retry-After past the limit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localCredentials, localRegion } from '#infra/local/dynamodb-local.ts';
import { type LocalHttpServer, startHttpServer } from '#infra/local/http.ts';
import { type BacklogSources, DEFAULT_MAX_LAG_MS, createBackpressure, parseMaxLag } from '#infra/local/status.ts';
import { createStreamPoller } from '#infra/local/stream-poller.ts';
import { createStore } from '#shared/store/index.ts';
import { aContact, asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock, silentLogger, ulidIds } from '#test/support/table.ts';

const folders: string[] = [];
const servers: LocalHttpServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Sources with a lag the test sets. */
function backlog(lagMs: number): BacklogSources & { lagMs: number } {
  return {
    lagMs,
    streamLagMs() {
      return this.lagMs;
    },
    parkedBatches: () => 0,
    executions: () => ({ running: 3, queued: 2 }),
    waitingCount: async () => 7,
    triggerLatency: () => ({ count: 4, p50Ms: 40, p99Ms: 90, maxMs: 90 }),
  };
}

/** The local HTTP adapter in front of a handler that counts its calls and answers 201. */
async function serverWith(options: { lagMs: number; maxLagMs: number | null }) {
  const sources = backlog(options.lagMs);
  const backpressure = createBackpressure(sources, options.maxLagMs);
  const handled: string[] = [];
  let writesSeen = 0;
  const server = await startHttpServer(
    async (event) => {
      handled.push(`${event.requestContext.http.method} ${event.rawPath}`);
      return { statusCode: event.requestContext.http.method === 'GET' ? 200 : 201, body: '{}' };
    },
    { port: 0, shed: backpressure.shed, afterWrite: () => (writesSeen += 1) },
  );
  servers.push(server);
  const call = (method: string, path: string) => fetch(`${server.url}${path}`, { method, ...(method === 'GET' ? {} : { body: '{}' }) });
  return { sources, backpressure, handled, call, writesSeen: () => writesSeen };
}

describe('STAGECRAFT_MAX_LAG_MS', () => {
  it.each([
    [undefined, DEFAULT_MAX_LAG_MS],
    ['', DEFAULT_MAX_LAG_MS],
    ['2500', 2500],
    ['off', null],
    ['0', null],
  ])('reads %j as %j', (value, expected) => {
    expect(parseMaxLag(value)).toBe(expected);
  });

  it.each(['soon', '-5'])('refuses %j with a message naming the setting', (value) => {
    expect(() => parseMaxLag(value)).toThrow(/STAGECRAFT_MAX_LAG_MS/);
  });
});

describe('writes while local mode is too far behind', () => {
  it('answers a write with 503, Retry-After and an error body, without calling the API', async () => {
    const { call, handled } = await serverWith({ lagMs: 12_500, maxLagMs: 10_000 });

    const response = await call('POST', '/contacts');

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({
      error: { code: 'BACKLOGGED', message: expect.stringContaining('12500 ms behind'), details: [] },
    });
    expect(handled).toEqual([]);
  });

  it('lets reads and the local routes through', async () => {
    const { call, handled } = await serverWith({ lagMs: 12_500, maxLagMs: 10_000 });

    const read = await call('GET', '/contacts');
    const clock = await call('POST', '/local/clock');

    expect([read.status, clock.status]).toEqual([200, 201]);
    expect(handled).toEqual(['GET /contacts', 'POST /local/clock']);
  });

  it('takes writes again once the lag is back under the limit, and tells the poller of each', async () => {
    const { call, sources, handled, writesSeen } = await serverWith({ lagMs: 12_500, maxLagMs: 10_000 });
    const refused = await call('PATCH', '/deals/d1');

    sources.lagMs = 400;
    const accepted = await call('PATCH', '/deals/d1');

    expect([refused.status, accepted.status]).toEqual([503, 201]);
    expect(handled).toEqual(['PATCH /deals/d1']);
    expect(writesSeen()).toBe(1);
  });

  it('never refuses when the gate is off', async () => {
    const { call } = await serverWith({ lagMs: 3_600_000, maxLagMs: null });

    const response = await call('DELETE', '/contacts/c1');

    expect(response.status).toBe(201);
  });
});

describe('GET /local/status', () => {
  it('reports the stream lag, runs running, queued and waiting, and the writes refused so far', async () => {
    const { call, backpressure } = await serverWith({ lagMs: 12_500, maxLagMs: 10_000 });
    await call('POST', '/contacts');
    await call('POST', '/contacts');

    const status = await backpressure.status();

    expect(status).toEqual({
      stream: { lagMs: 12_500, parkedBatches: 0 },
      executions: { running: 3, queued: 2, waiting: 7 },
      triggerLatency: { count: 4, p50Ms: 40, p99Ms: 90, maxMs: 90 },
      backpressure: { maxLagMs: 10_000, shedding: true, rejectedWrites: 2 },
    });
  });

  it('is for admins only', async () => {
    const { backpressure } = await serverWith({ lagMs: 0, maxLagMs: 10_000 });
    const integration = { kind: 'integration', integrationId: 'local' } as const;

    const attempt = backpressure.route.handle({ params: {}, query: {}, body: undefined, headers: {}, caller: integration as never, expectedVersion: undefined });

    await expect(attempt).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('the stream poller’s lag', () => {
  it('grows while reads come back full and is 0 once a read reaches the end of the stream', async () => {
    const table = await createTestTable();
    const clock = manualClock();
    const store = createStore(table, clock, ulidIds(clock));
    const folder = mkdtempSync(join(tmpdir(), 'stagecraft-lag-'));
    folders.push(folder);
    for (let i = 0; i < 3; i++) await store.records.create('contact', aContact(), asUser('u1'));
    const streams = new DynamoDBStreamsClient({ endpoint: inject('dynamoEndpoint'), region: localRegion, credentials: localCredentials });
    const poller = createStreamPoller({
      dynamo: table.dynamoClient,
      streams,
      tableName: table.tableName,
      folder,
      logger: silentLogger,
      batchSize: 1,
      // A slow consumer: each record takes 30 ms to handle.
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return undefined;
      },
    });
    expect(poller.lagMs()).toBe(0);

    const firstRead = await poller.pollOnce();
    const behind = poller.lagMs();
    let reads = 0;
    while ((await poller.pollOnce()) > 0) reads += 1;

    expect(firstRead).toBe(1);
    expect(behind).toBeGreaterThanOrEqual(30);
    expect(reads).toBeGreaterThan(0);
    expect(poller.lagMs()).toBe(0);
    streams.destroy();
  });
});
