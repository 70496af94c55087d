// The local stream poller after a crash, on the real DynamoDB Local stream: a checkpoint the
// stream does not hold (ahead of it, or naming another record) is not trusted, and reading
// resumes at the oldest record still there; a start reads the backlog before new work.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localCredentials, localRegion } from '#infra/local/dynamodb-local.ts';
import { type EventEnvelope, createLocalEventBus } from '#infra/local/event-bus.ts';
import { type StreamPoller, createStreamPoller } from '#infra/local/stream-poller.ts';
import { createPublishChanges } from '#shared/events/publish.ts';
import { createStore } from '#shared/store/index.ts';
import { aContact, asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock, silentLogger, ulidIds } from '#test/support/table.ts';

const clock = manualClock();
const folders: string[] = [];

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

interface SavedCheckpoint {
  streamArn: string;
  shards: Record<string, { sequenceNumber?: string; eventId?: string }>;
}

async function setUp() {
  const table = await createTestTable();
  const folder = mkdtempSync(join(tmpdir(), 'stagecraft-recovery-'));
  folders.push(folder);
  const store = createStore(table, clock, ulidIds(clock));
  const delivered: EventEnvelope[] = [];
  const bus = createLocalEventBus({ logger: silentLogger });
  bus.putRule({ name: 'collect', pattern: { source: ['stagecraft.crm'] }, enabled: true, target: async (event) => void delivered.push(event) });
  const publish = createPublishChanges({ bus, logger: silentLogger });
  const streams = new DynamoDBStreamsClient({ endpoint: inject('dynamoEndpoint'), region: localRegion, credentials: localCredentials });
  const poller = (): StreamPoller =>
    createStreamPoller({ dynamo: table.dynamoClient, streams, tableName: table.tableName, folder, handler: publish, logger: silentLogger });
  const checkpointFile = join(folder, `stream-${table.tableName}.checkpoint.json`);
  const readCheckpoint = () => JSON.parse(readFileSync(checkpointFile, 'utf8')) as SavedCheckpoint;
  /** Rewrites the one shard's checkpoint, as a crash that lost stream records would leave it. */
  const tamper = (change: (mark: { sequenceNumber?: string; eventId?: string }) => void) => {
    const saved = readCheckpoint();
    const marks = Object.values(saved.shards);
    expect(marks).toHaveLength(1);
    change(marks[0]!);
    writeFileSync(checkpointFile, JSON.stringify(saved));
  };
  const contact = async () => (await store.records.create('contact', aContact(), asUser('u1'))).id;
  const createdIds = () => delivered.filter((event) => event['detail-type'] === 'Contact Created').map((event) => String(event.detail.entityId));
  return { poller, readCheckpoint, tamper, contact, createdIds };
}

describe('a checkpoint the stream does not hold', () => {
  it('ahead of the stream: reads from the oldest record, so records numbered up to it are not skipped', async () => {
    const { poller, tamper, contact, createdIds } = await setUp();
    const before = await contact();
    expect((await poller().catchUp()).records).toBeGreaterThan(0);
    tamper((mark) => {
      mark.sequenceNumber = (BigInt(mark.sequenceNumber!) + 50n).toString().padStart(21, '0');
    });
    const after = [await contact(), await contact(), await contact()];

    const caughtUp = await poller().catchUp();

    expect(caughtUp.from).toBe('oldest record (checkpoint not in the stream)');
    expect(createdIds()).toEqual([before, before, ...after]);
  });

  it('naming another record at its sequence number: reads from the oldest record', async () => {
    const { poller, tamper, contact, createdIds } = await setUp();
    const before = await contact();
    await poller().catchUp();
    tamper((mark) => {
      mark.eventId = 'an-event-the-stream-never-had';
    });

    const caughtUp = await poller().catchUp();

    expect(caughtUp.from).toBe('oldest record (checkpoint not in the stream)');
    expect(createdIds()).toEqual([before, before]);
  });
});

describe('a checkpoint the stream holds', () => {
  it('resumes after it: only records written since are read', async () => {
    const { poller, contact, createdIds, readCheckpoint } = await setUp();
    const before = await contact();
    await poller().catchUp();
    const marks = Object.values(readCheckpoint().shards);
    const after = await contact();

    const caughtUp = await poller().catchUp();

    expect(marks).toEqual([{ sequenceNumber: expect.stringMatching(/^\d+$/), eventId: expect.any(String) }]);
    expect(caughtUp).toEqual({ records: expect.any(Number), from: 'checkpoint' });
    expect(caughtUp.records).toBeGreaterThan(0);
    expect(createdIds()).toEqual([before, after]);
  });
});

describe('a first start', () => {
  it('reads the stream from its oldest record and says so', async () => {
    const { poller, contact, createdIds } = await setUp();
    const written = [await contact(), await contact()];

    const caughtUp = await poller().catchUp();

    expect(caughtUp.from).toBe('oldest record (no checkpoint)');
    expect(createdIds()).toEqual(written);
  });
});
