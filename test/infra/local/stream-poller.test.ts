// The local stream event source on the real DynamoDB Local stream: restarts, crashes mid-batch,
// partial failures and parked batches lose nothing; shard roll-over (which DynamoDB Local never
// does) is driven through a mocked Streams client.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import { localCredentials, localRegion } from '#infra/local/dynamodb-local.ts';
import { type EventEnvelope, createLocalEventBus } from '#infra/local/event-bus.ts';
import { type StreamHandler, type StreamPoller, type StreamPollerOptions, createStreamPoller } from '#infra/local/stream-poller.ts';
import { publisherStreamFilters, streamRecordFilter } from '#shared/events/stream-filter.ts';
import { createPublishChanges } from '#shared/events/publish.ts';
import { createStore } from '#shared/store/index.ts';
import { aContact, asUser } from '#test/support/factories.ts';
import { nonEmpty } from '#test/support/non-empty.ts';
import { createTestTable, manualClock, silentLogger, ulidIds } from '#test/support/table.ts';

const clock = manualClock();
const eventually = { timeout: 15_000, interval: 20 };
const started: StreamPoller[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((poller) => poller.stop()));
});

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

/** A table, its store, a folder for checkpoints, and a local bus whose one rule collects every CRM event. */
async function setUp() {
  const table = await createTestTable();
  const folder = tempFolder('stagecraft-stream-');
  const store = createStore(table, clock, ulidIds(clock));
  const delivered: EventEnvelope[] = [];
  const bus = createLocalEventBus({ logger: silentLogger });
  bus.putRule({ name: 'collect', pattern: { source: ['stagecraft.crm'] }, enabled: true, target: async (event) => void delivered.push(event) });
  const publish = createPublishChanges({ bus, logger: silentLogger });
  const streams = new DynamoDBStreamsClient({ endpoint: inject('dynamoEndpoint'), region: localRegion, credentials: localCredentials });

  function poller(handler: StreamHandler = publish, options: Partial<StreamPollerOptions> = {}): StreamPoller {
    const created = createStreamPoller({
      dynamo: table.dynamoClient,
      streams,
      tableName: table.tableName,
      folder,
      handler,
      logger: silentLogger,
      idleMs: 20,
      retryDelayMs: 5,
      ...options,
    });
    started.push(created);
    return created;
  }

  const createdIds = (type = 'Contact') =>
    delivered.filter((event) => event['detail-type'] === `${type} Created`).map((event) => String(event.detail.entityId));

  /** Writes a company after everything else and waits for it: events before it in the stream have all arrived. */
  async function settle(): Promise<void> {
    const sentinel = await store.records.create('company', { name: 'Sentinel', emails: [], phones: [] }, asUser('u1'));
    await vi.waitFor(() => expect(createdIds('Company')).toContain(sentinel.id), eventually);
  }

  const contact = async () => (await store.records.create('contact', aContact(), asUser('u1'))).id;

  return { table, folder, store, streams, publish, delivered, poller, createdIds, settle, contact };
}

describe('restarts', () => {
  it('delivers events written while the poller was down after a restart, exactly once', async () => {
    const { poller, createdIds, settle, contact } = await setUp();
    const first = poller();
    first.start();
    const before = await contact();
    await vi.waitFor(() => expect(createdIds()).toEqual([before]), eventually);
    await first.stop();

    const whileDown = [await contact(), await contact()];
    poller().start();
    await settle();

    expect(createdIds()).toEqual([before, ...whileDown]);
  });

  it('delivers records written before the first start (no checkpoint: from the trim horizon)', async () => {
    const { poller, createdIds, settle, contact } = await setUp();
    const written = [await contact(), await contact()];

    poller().start();
    await settle();

    expect(createdIds()).toEqual(written);
  });
});

describe('throughput', () => {
  it('delivers exactly 100 events for 100 concurrent writes through the store', async () => {
    const { poller, createdIds, settle, contact } = await setUp();
    poller().start();

    const written = await Promise.all(Array.from({ length: 100 }, () => contact()));
    await settle();

    expect(createdIds()).toHaveLength(100);
    expect(new Set(createdIds())).toEqual(new Set(written));
  });
});

describe('crashes mid-batch', () => {
  it('redelivers the batch of a poller killed after the handler ran but before its checkpoint, losing nothing', async () => {
    const { poller, publish, delivered, createdIds, settle, contact } = await setUp();
    const written = [await contact(), await contact(), await contact()];
    let crashed = false;
    const crashing: StreamPoller = poller(async (event) => {
      const reply = await publish(event);
      if (!crashed) {
        crashed = true;
        void crashing.kill();
      }
      return reply;
    });
    crashing.start();
    await vi.waitFor(() => expect(crashed).toBe(true), eventually);
    await crashing.kill();

    poller().start();
    await settle();

    expect(new Set(createdIds())).toEqual(new Set(written));
    expect(createdIds()).toHaveLength(written.length * 2);
    // The replay carries the same event ids, so consumers that dedupe by id run once.
    const eventIds = new Map<string, Set<unknown>>();
    for (const event of delivered) {
      const entityId = String(event.detail.entityId);
      eventIds.set(entityId, (eventIds.get(entityId) ?? new Set()).add(event.detail.eventId));
    }
    for (const ids of nonEmpty(eventIds.values(), 'the delivered entities')) expect(ids.size).toBe(1);
  });

  it('retries a handler that throws midway, losing nothing', async () => {
    const { poller, publish, createdIds, settle, contact } = await setUp();
    const written = [await contact(), await contact(), await contact(), await contact()];
    let calls = 0;
    poller(async (event) => {
      calls += 1;
      if (calls > 1) return publish(event);
      await publish({ Records: event.Records.slice(0, Math.floor(event.Records.length / 2)) });
      throw new Error('the function timed out');
    }).start();

    await settle();

    expect(new Set(createdIds())).toEqual(new Set(written));
  });

  it('retries from the first failed record onward, as Lambda does with batchItemFailures', async () => {
    const { poller, publish, settle, contact } = await setUp();
    await contact();
    await contact();
    const batches: DynamoDBRecord[][] = [];
    poller(async (event) => {
      batches.push(event.Records);
      if (batches.length > 1) return publish(event);
      return { batchItemFailures: event.Records.slice(2).map((record) => ({ itemIdentifier: record.dynamodb!.SequenceNumber! })) };
    }).start();

    await settle();

    expect(batches[1]?.[0]?.dynamodb?.SequenceNumber).toBe(batches[0]?.[2]?.dynamodb?.SequenceNumber);
  });
});

describe('records that keep failing', () => {
  const isPoison = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.name?.S === 'Poison' && record.dynamodb.NewImage.itemKind?.S === 'entity';

  it('parks the failing part of the batch in a dead-letter file and moves on', async () => {
    const { store, poller, publish, createdIds, contact } = await setUp();
    const stubborn = poller(
      async (event: DynamoDBStreamEvent) => {
        const poison = event.Records.findIndex(isPoison);
        if (poison === -1) return publish(event);
        await publish({ Records: event.Records.slice(0, poison) });
        return { batchItemFailures: event.Records.slice(poison).map((record) => ({ itemIdentifier: record.dynamodb!.SequenceNumber! })) };
      },
      { maxAttempts: 2 },
    );
    stubborn.start();
    const poison = await store.records.create('contact', aContact({ name: 'Poison' }), asUser('u1'));
    await vi.waitFor(() => expect(stubborn.deadLetters()).toHaveLength(1), eventually);

    const after = await contact();
    await vi.waitFor(() => expect(createdIds()).toContain(after), eventually);

    const parked = JSON.parse(readFileSync(stubborn.deadLetters()[0]!, 'utf8')) as { records: DynamoDBRecord[]; attempts: number };
    expect(parked.records.some((record) => record.dynamodb?.NewImage?.id?.S === poison.id)).toBe(true);
    expect(createdIds()).not.toContain(poison.id);
  });
});

describe('gathering records under load', () => {
  it('reads the stream once for writes made within gatherMs of a read, however often it is nudged', async () => {
    const { poller, streams, createdIds, contact } = await setUp();
    const reads = vi.spyOn(streams, 'send');
    const getRecords = () => reads.mock.calls.filter(([command]) => command instanceof GetRecordsCommand).length;
    const started = poller(undefined, { gatherMs: 3000 });
    started.start();
    const first = await contact();
    started.nudge();
    await vi.waitFor(() => expect(createdIds()).toEqual([first]), eventually);
    const readsBefore = getRecords();

    const next: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      next.push(await contact());
      started.nudge();
    }
    await vi.waitFor(() => expect(createdIds()).toEqual([first, ...next]), eventually);

    // Five writes, five nudges: one gathered read (two if the writes straddled it).
    expect(getRecords() - readsBefore).toBeLessThanOrEqual(2);
  });

  it('reads an expedited write without waiting out gatherMs; a nudge alone waits', async () => {
    const { poller, streams, createdIds, contact } = await setUp();
    const reads = vi.spyOn(streams, 'send');
    const getRecords = () => reads.mock.calls.filter(([command]) => command instanceof GetRecordsCommand).length;
    const started = poller(undefined, { gatherMs: 60_000, expediteGapMs: 0 });
    started.start();
    const first = await contact();
    started.expedite();
    await vi.waitFor(() => expect(createdIds()).toEqual([first]), eventually);
    // An expedite that came while a read was under way reads once more at once (its write may have been missed):
    // wait until no read has begun for a while, so that the poller sits in its gathering window.
    let seen = -1;
    await vi.waitFor(
      () => {
        const now = getRecords();
        const settled = now === seen;
        seen = now;
        expect(settled).toBe(true);
      },
      { timeout: 15_000, interval: 250 },
    );

    const second = await contact();
    started.nudge();
    // Within the minute-long gathering window a nudge does not bring the read forward.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterNudge = createdIds();
    started.expedite();

    expect(afterNudge).toEqual([first]);
    await vi.waitFor(() => expect(createdIds()).toEqual([first, second]), eventually);
  });

  it('keeps gathering after a read that brought many records, however it is expedited', async () => {
    const { poller, createdIds, contact } = await setUp();
    // batchSize 4: a read of 1 record or more counts as busy (a quarter of a batch).
    const started = poller(undefined, { gatherMs: 60_000, expediteGapMs: 0, batchSize: 4 });
    started.start();
    const first = await contact();
    started.expedite();
    await vi.waitFor(() => expect(createdIds()).toEqual([first]), eventually);

    await contact();
    started.expedite();
    await new Promise((resolve) => setTimeout(resolve, 300));

    // The read that found the first contact was a busy one: the window holds.
    expect(createdIds()).toEqual([first]);
  });
});

describe('the stream filter (Lambda FilterCriteria, shared/events/stream-filter.ts)', () => {
  it('hands the handler only entity records, and moves the checkpoint past the records filtered out', async () => {
    const { table, folder, store, poller, contact } = await setUp();
    const handled: DynamoDBRecord[] = [];
    const collect: StreamHandler = async (event) => {
      handled.push(...event.Records);
      return { batchItemFailures: [] };
    };
    const id = await contact();
    // An update writes the entity item and a history entry; a lookup-like item comes last.
    await store.records.update('contact', id, (current) => ({ ...current, firstName: 'Filtered' }), asUser('u1'));
    await table.dynamoClient.send(new PutItemCommand({ TableName: table.tableName, Item: { pk: { S: 'probe#1' }, sk: { S: 'probe' }, itemKind: { S: 'probe' } } }));
    const first = poller(collect, { filter: streamRecordFilter(publisherStreamFilters) });
    first.start();
    await vi.waitFor(() => expect(handled.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY']), eventually);
    await first.stop();

    expect(handled.map((record) => (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage)?.itemKind?.S)).toEqual(['entity', 'entity']);
    const checkpoint = JSON.parse(readFileSync(join(folder, `stream-${table.tableName}.checkpoint.json`), 'utf8')) as { shards: Record<string, { sequenceNumber: string }> };
    const lastHandled = BigInt(handled.at(-1)!.dynamodb!.SequenceNumber!);
    expect(Object.values(checkpoint.shards).some((mark) => BigInt(mark.sequenceNumber) > lastHandled)).toBe(true);
    const again: DynamoDBRecord[] = [];
    const second = poller(async (event) => {
      again.push(...event.Records);
      return { batchItemFailures: [] };
    });
    expect(await second.pollOnce()).toBe(0);
    expect(again).toEqual([]);
  });
});

describe('the records handed to the handler', () => {
  it('have the shape Lambda gives a function: ids, images, sequence numbers, the stream ARN', async () => {
    const { table, poller, contact } = await setUp();
    const records: DynamoDBRecord[] = [];
    const id = await contact();
    poller(async (event) => {
      records.push(...event.Records);
      return { batchItemFailures: [] };
    }).start();

    await vi.waitFor(() => expect(records.length).toBeGreaterThan(0), eventually);

    const entity = records.find((record) => record.dynamodb?.NewImage?.id?.S === id);
    expect(entity).toMatchObject({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: expect.stringContaining(`table/${table.tableName}/stream/`),
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: `contact#${id}` }, sk: { S: 'entity' } },
        NewImage: expect.objectContaining({ itemKind: { S: 'entity' } }),
        SequenceNumber: expect.stringMatching(/^\d+$/),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });
});

describe('shards (DynamoDB Local never rolls them over: a mocked Streams client does)', () => {
  const record = (sequence: string): _Record => ({
    eventID: `event-${sequence}`,
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: sequence, Keys: { pk: { S: sequence }, sk: { S: 'entity' } }, ApproximateCreationDateTime: new Date() },
  });

  /** A closed parent shard read in two pages, and its open child. */
  async function rolledOver() {
    const table = await createTestTable();
    const folder = tempFolder('stagecraft-shards-');
    const streams = new DynamoDBStreamsClient({ region: 'us-east-1', credentials: localCredentials });
    const mock = mockClient(streams);
    mock.on(DescribeStreamCommand).resolves({
      StreamDescription: { Shards: [{ ShardId: 'child', ParentShardId: 'parent' }, { ShardId: 'parent' }] },
    });
    mock.on(GetShardIteratorCommand, { ShardId: 'parent' }).resolves({ ShardIterator: 'parent-1' });
    mock.on(GetShardIteratorCommand, { ShardId: 'child' }).resolves({ ShardIterator: 'child-1' });
    mock.on(GetShardIteratorCommand, { ShardId: 'child', ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' }).resolves({ ShardIterator: 'child-2' });
    mock.on(GetRecordsCommand, { ShardIterator: 'parent-1' }).resolves({ Records: [record('1'), record('2')], NextShardIterator: 'parent-2' });
    mock.on(GetRecordsCommand, { ShardIterator: 'parent-2' }).resolves({ Records: [record('3')] });
    mock.on(GetRecordsCommand, { ShardIterator: 'child-1' }).resolves({ Records: [record('4')], NextShardIterator: 'child-2' });
    mock.on(GetRecordsCommand, { ShardIterator: 'child-2' }).resolves({ Records: [], NextShardIterator: 'child-2' });
    const handled: string[] = [];
    const poller = () =>
      createStreamPoller({
        dynamo: table.dynamoClient,
        streams,
        tableName: table.tableName,
        folder,
        logger: silentLogger,
        shardRefreshMs: 0,
        handler: async (event) => {
          handled.push(...event.Records.map((item) => item.dynamodb!.SequenceNumber!));
          return { batchItemFailures: [] };
        },
      });
    const drain = async (target: StreamPoller) => {
      for (let pass = 0; pass < 5; pass++) await target.pollOnce();
    };
    return { mock, handled, poller, drain };
  }

  it('reads a child shard only after its closed parent is read to the end', async () => {
    const { handled, poller, drain } = await rolledOver();

    await drain(poller());

    expect(handled).toEqual(['1', '2', '3', '4']);
  });

  it('after a restart, skips the finished parent and resumes the child after its checkpoint', async () => {
    const { mock, handled, poller, drain } = await rolledOver();
    await drain(poller());
    mock.resetHistory();

    await drain(poller());

    const iteratorRequests = mock.commandCalls(GetShardIteratorCommand).map((call) => call.args[0].input);
    // The checkpoint is first checked against the stream (the record at it is still there), then resumed after.
    expect(iteratorRequests).toEqual([
      expect.objectContaining({ ShardId: 'child', ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: '4' }),
      expect.objectContaining({ ShardId: 'child', ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: '4' }),
    ]);
    expect(handled).toEqual(['1', '2', '3', '4']);
  });

  it('gets a fresh iterator from the checkpoint when one expires', async () => {
    const { mock, handled, poller } = await rolledOver();
    mock
      .on(GetRecordsCommand, { ShardIterator: 'parent-2' })
      .rejectsOnce(new ExpiredIteratorException({ message: 'expired', $metadata: {} }))
      .resolves({ Records: [record('3')] });
    mock.on(GetShardIteratorCommand, { ShardId: 'parent', ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' }).resolves({ ShardIterator: 'parent-2' });
    const reader = poller();

    for (let pass = 0; pass < 6; pass++) await reader.pollOnce();

    expect(handled).toEqual(['1', '2', '3', '4']);
    expect(mock.commandCalls(GetShardIteratorCommand).map((call) => call.args[0].input.SequenceNumber)).toContain('2');
  });
});
