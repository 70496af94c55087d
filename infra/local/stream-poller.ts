// Lambda's DynamoDB stream event source on one machine: reads the real DynamoDB Local
// stream shard by shard and calls the handler with DynamoDBStreamEvent batches, with a
// checkpoint on disk so a restart loses no record; a crash replays what was handled in the
// last `checkpointEveryMs` (every consumer is idempotent on the records' event ids).
// A checkpoint the stream no longer holds is never trusted (docs/local-durability.md).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  type Shard,
  TrimmedDataAccessException,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Logger } from '#shared/ports.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  /** Where the checkpoint and parked batches live (created when missing). */
  folder: string;
  handler: StreamHandler;
  logger: Logger;
  /** @default 10 — pause after a pass that found no records; doubles with each quiet pass up to `maxIdleMs`. */
  idleMs?: number;
  /** @default 1000 (`idleMs` when only that is given) — the longest pause while nothing happens; `nudge` cuts it short. */
  maxIdleMs?: number;
  /**
   * @default 50 — the shortest time between two reads of the stream unless the last one came back full:
   * records written meanwhile are gathered into one batch (one GetRecords per shard for many runs under
   * load, instead of one or more per write). A write's wait for its read is bounded by it; `nudge` ends an
   * idle pause, never this one; `expedite` shortens it to `expediteGapMs`. 0 reads again at once while records flow.
   */
  gatherMs?: number;
  /**
   * @default 25 — after `expedite` (a write somebody waits on was answered), the next read comes this long after
   * the previous one began instead of `gatherMs`: at light load a trigger is read within milliseconds. Under
   * load the reads' own pace takes over (see `expedite`).
   */
  expediteGapMs?: number;
  /**
   * Which raw stream records the handler gets, as Lambda's FilterCriteria decide it on AWS (see
   * shared/events/stream-filter.ts): the rest are never converted nor passed on, and count as handled
   * (the checkpoint moves past them). @default every record
   */
  filter?: (record: _Record) => boolean;
  /** @default 100 — records per handler call (Lambda's default batch size). */
  batchSize?: number;
  /** @default 4 — handler calls for a failing record before its batch is parked (1 + 3 retries). */
  maxAttempts?: number;
  /** @default 100 — wait before retry n is n times this. */
  retryDelayMs?: number;
  /** @default 1000 — how often the shard list is read again (DescribeStream). */
  shardRefreshMs?: number;
  /**
   * @default 200 — the longest the checkpoint file lags behind the records handled while they
   * flow (a stop writes it at once). Writing it after every batch cost a file write and a rename
   * per batch: milliseconds of blocked event loop each under load.
   */
  checkpointEveryMs?: number;
  /**
   * Settles once what the handler started is durable on its own: the checkpoint waits for it
   * before it moves past the records handled so far (local mode: runs the bus started and that
   * are not written yet). A rejection keeps the checkpoint where it was.
   */
  beforeCheckpoint?: () => Promise<void>;
}

export interface StreamPoller {
  start(): void;
  /** Finishes the batch in flight (checkpointed), then stops. */
  stop(): Promise<void>;
  /**
   * Stops as a crash would: the batch in flight is neither checkpointed nor retried, so the
   * next start reads it again. Callable from inside the handler (without awaiting it there:
   * the poller waits for the handler); resolves once stopped.
   */
  kill(): Promise<void>;
  /** One pass over every readable shard; returns how many records it read. Not while started. */
  pollOnce(): Promise<number>;
  /**
   * Reads every shard to its current end (not while started): what a start does before it
   * opens for new work, so the records a crash left unacknowledged are delivered first.
   */
  catchUp(): Promise<CatchUp>;
  /** Files of batches given up on, under `<folder>/dead-letter`. */
  deadLetters(): string[];
  /** A write was just made: end an idle pause and poll at the fast rate again. */
  nudge(): void;
  /**
   * A write whose effects somebody waits for was answered (an API write): read it soon — no later than
   * `expediteGapMs` after the previous read began, rather than after the whole gathering window. While reads come
   * back with many records (a load where gathering saves calls), the window is kept.
   */
  expedite(): void;
  /** How long the poller has been behind the stream: 0 once a read found every shard read to its end. */
  lagMs(): number;
}

export interface CatchUp {
  /** Records read from where the poller resumed to the end of the stream. */
  records: number;
  /** Where reading resumed: after the checkpoint, or at the oldest record still in the stream. */
  from: 'checkpoint' | 'oldest record (no checkpoint)' | 'oldest record (checkpoint not in the stream)';
}

interface ShardMark {
  /** The last record handled: its sequence number and event id (sequence numbers alone can be reused). */
  sequenceNumber?: string;
  eventId?: string;
  /** The shard is closed and read to its end. */
  finished?: boolean;
}

interface Checkpoint {
  streamArn?: string;
  shards: Record<string, ShardMark>;
}

/** Lambda's record JSON has binary attributes as base64 strings; the SDK gives bytes. */
function toLambdaImage(image: Record<string, unknown> | undefined): Record<string, AttributeValue> | undefined {
  if (!image) return undefined;
  const convert = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    if (Array.isArray(value)) return value.map(convert);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, convert(inner)]));
    return value;
  };
  return convert(image) as Record<string, AttributeValue>;
}

/** A stream record in the shape Lambda passes it to a function. */
export function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {
    ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
    ...(stream.Keys ? { Keys: toLambdaImage(stream.Keys) } : {}),
    ...(stream.NewImage ? { NewImage: toLambdaImage(stream.NewImage) } : {}),
    ...(stream.OldImage ? { OldImage: toLambdaImage(stream.OldImage) } : {}),
    ...(stream.SequenceNumber ? { SequenceNumber: stream.SequenceNumber } : {}),
    ...(stream.SizeBytes !== undefined ? { SizeBytes: stream.SizeBytes } : {}),
    ...(stream.StreamViewType ? { StreamViewType: stream.StreamViewType } : {}),
  };
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: record.eventSource ?? 'aws:dynamodb',
    ...(record.awsRegion ? { awsRegion: record.awsRegion } : {}),
    dynamodb,
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
  };
}

const sequenceOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '';

export function createStreamPoller(options: StreamPollerOptions): StreamPoller {
  const { dynamo, streams, tableName, folder, handler, logger } = options;
  // Fast while records flow, slower the longer nothing comes (idle CPU), woken by nudge().
  const idleMs = options.idleMs ?? 10;
  const maxIdleMs = options.maxIdleMs ?? (options.idleMs === undefined ? 1000 : idleMs);
  const batchSize = options.batchSize ?? 100;
  const gatherMs = options.gatherMs ?? 50;
  const expediteGapMs = Math.min(options.expediteGapMs ?? 25, gatherMs);
  const { filter } = options;
  const maxAttempts = options.maxAttempts ?? 4;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const shardRefreshMs = options.shardRefreshMs ?? 1000;
  const checkpointEveryMs = options.checkpointEveryMs ?? 200;
  const checkpointFile = join(folder, `stream-${tableName}.checkpoint.json`);
  const deadLetterFolder = join(folder, 'dead-letter');
  mkdirSync(folder, { recursive: true });

  let checkpoint: Checkpoint = { shards: {} };
  let streamArn: string | undefined;
  let shards: Shard[] = [];
  let shardsReadAt = 0;
  const iterators = new Map<string, string>();
  /** Shards whose checkpoint was checked against the stream since the last load. */
  const verified = new Set<string>();
  let resumedFrom: CatchUp['from'] = 'checkpoint';
  const parked: string[] = [];
  let loop: Promise<void> | undefined;
  let stopping = false;
  let killed = false;
  let wake: (() => void) | undefined;
  /** When the first read of the current catch-up found records; undefined while caught up. */
  let behindSince: number | undefined;
  let quietPasses = 0;
  /** When the last read of the stream began, and whether a shard came back full. */
  let passStartedAt = 0;
  let lastFull = false;
  let lastRead = 0;
  const busyReadRecords = Math.max(1, Math.floor(batchSize / 4));
  let idleWake: (() => void) | undefined;
  /** An expedite since the current pass began, and the wake of a gathering pause it may cut short. */
  let expedited = false;
  let gatherWake: (() => void) | undefined;
  let savedAt = 0;
  let pendingSave: NodeJS.Timeout | undefined;
  /** Checkpoint writes, one after another. */
  let saving: Promise<void> = Promise.resolve();

  function load(): void {
    checkpoint = existsSync(checkpointFile) ? (JSON.parse(readFileSync(checkpointFile, 'utf8')) as Checkpoint) : { shards: {} };
    streamArn = undefined;
    shardsReadAt = 0;
    iterators.clear();
    verified.clear();
    resumedFrom = Object.keys(checkpoint.shards).length > 0 ? 'checkpoint' : 'oldest record (no checkpoint)';
  }

  /** Written beside and renamed over, so a crash mid-write leaves the previous checkpoint whole. */
  function write(text: string): void {
    const temporary = `${checkpointFile}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, checkpointFile);
  }

  /**
   * Writes the checkpoint as it is now, once what the handler started up to here is durable
   * (`beforeCheckpoint`); a kill meanwhile drops the write, as a crash would.
   */
  function save(): Promise<void> {
    if (pendingSave) clearTimeout(pendingSave);
    pendingSave = undefined;
    savedAt = Date.now();
    const text = JSON.stringify(checkpoint);
    const { beforeCheckpoint } = options;
    saving = saving.then(async () => {
      try {
        await beforeCheckpoint?.();
      } catch (error) {
        logger.error('the stream checkpoint stays where it was: what the handler started did not become durable', { error: String(error) });
        return;
      }
      if (!killed) write(text);
    });
    return saving;
  }

  /** Writes the checkpoint now if the last write is old enough, else soon. */
  function saveSoon(): void {
    const due = savedAt + checkpointEveryMs - Date.now();
    if (due <= 0) {
      void save();
      return;
    }
    pendingSave ??= setTimeout(() => {
      pendingSave = undefined;
      if (!killed) void save();
    }, due);
    pendingSave.unref();
  }

  function advance(shardId: string, record: Pick<DynamoDBRecord, 'eventID' | 'dynamodb'>): void {
    checkpoint.shards[shardId] = { ...checkpoint.shards[shardId], sequenceNumber: record.dynamodb?.SequenceNumber ?? '', ...(record.eventID ? { eventId: record.eventID } : {}) };
    saveSoon();
  }

  function park(shardId: string, records: DynamoDBRecord[], reason: string, attempts: number): void {
    mkdirSync(deadLetterFolder, { recursive: true });
    const file = join(deadLetterFolder, `${tableName}-${shardId}-${sequenceOf(records[0]!)}.json`);
    const parkedAt = new Date().toISOString();
    writeFileSync(file, JSON.stringify({ streamArn, shardId, parkedAt, attempts, reason, records }, null, 2));
    parked.push(file);
    logger.error('stream records parked after failed retries', { file, records: records.length, reason });
  }

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function ensureStream(): Promise<string> {
    if (streamArn) return streamArn;
    const table = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const latest = table.Table?.LatestStreamArn;
    if (!latest || !table.Table?.StreamSpecification?.StreamEnabled) throw new Error(`Table ${tableName} has no stream enabled`);
    if (checkpoint.streamArn && checkpoint.streamArn !== latest) {
      // A stream turned off and on again is a new stream; the old one's unread records are
      // out of reach of its table from here on.
      logger.warn('the table has a new stream; reading it from its start', { previous: checkpoint.streamArn, latest });
      checkpoint = { shards: {} };
    }
    checkpoint.streamArn = latest;
    void save();
    streamArn = latest;
    return latest;
  }

  async function refreshShards(arn: string): Promise<void> {
    const listed: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await streams.send(new DescribeStreamCommand({ StreamArn: arn, ...(start ? { ExclusiveStartShardId: start } : {}) }));
      listed.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    shards = listed;
    shardsReadAt = Date.now();
    // Shards trimmed from the stream (24 h after closing) leave the checkpoint too; their
    // children, now without a listed parent, are read from their oldest record.
    const live = new Set(listed.map((shard) => shard.ShardId));
    for (const shardId of Object.keys(checkpoint.shards)) {
      if (live.has(shardId)) continue;
      if (!checkpoint.shards[shardId]?.finished) logger.warn('a checkpointed shard is no longer in the stream', { shardId });
      delete checkpoint.shards[shardId];
    }
  }

  /** A child shard waits until its parent is read to the end, so a record's changes stay in order. */
  function readableShards(): Shard[] {
    const listed = new Set(shards.map((shard) => shard.ShardId));
    return shards.filter((shard) => {
      if (!shard.ShardId || checkpoint.shards[shard.ShardId]?.finished) return false;
      const parent = shard.ParentShardId;
      return !parent || !listed.has(parent) || checkpoint.shards[parent]?.finished === true;
    });
  }

  /**
   * Whether the record the checkpoint names is still in the stream. A checkpoint ahead of the
   * stream (DynamoDB Local answers AFTER_SEQUENCE_NUMBER past its end with an empty iterator
   * that would silently skip the records numbered up to it), trimmed, or naming a different
   * record is not.
   */
  async function checkpointInStream(arn: string, shardId: string, mark: ShardMark & { sequenceNumber: string }): Promise<boolean> {
    try {
      const at = await streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: mark.sequenceNumber }),
      );
      if (!at.ShardIterator) return false;
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: at.ShardIterator, Limit: 1 }));
      const first = page.Records?.[0];
      return first?.dynamodb?.SequenceNumber === mark.sequenceNumber && (!mark.eventId || first.eventID === mark.eventId);
    } catch (error) {
      if (error instanceof TrimmedDataAccessException || (error instanceof Error && error.name === 'ValidationException')) return false;
      throw error;
    }
  }

  async function iteratorFor(arn: string, shardId: string): Promise<string | undefined> {
    const known = iterators.get(shardId);
    if (known) return known;
    const mark = checkpoint.shards[shardId];
    if (mark?.sequenceNumber && !verified.has(shardId)) {
      if (!(await checkpointInStream(arn, shardId, { ...mark, sequenceNumber: mark.sequenceNumber }))) {
        // Publishing is idempotent (events carry the stream record's id): reading again from the
        // oldest record repeats deliveries, skipping one would lose them.
        logger.warn('the stream checkpoint names a record the stream does not hold; reading the shard from its oldest record', {
          shardId,
          checkpoint: mark.sequenceNumber,
        });
        checkpoint.shards[shardId] = {};
        void save();
        resumedFrom = 'oldest record (checkpoint not in the stream)';
      }
    }
    verified.add(shardId);
    const after = checkpoint.shards[shardId]?.sequenceNumber;
    try {
      const result = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shardId,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return result.ShardIterator;
    } catch (error) {
      if (error instanceof TrimmedDataAccessException && after) {
        logger.error('records after the checkpoint were trimmed from the stream before they were read', { shardId, after });
        checkpoint.shards[shardId] = {};
        return iteratorFor(arn, shardId);
      }
      throw error;
    }
  }

  /** The index of the first record to redeliver, as Lambda decides it; -1 when all succeeded. */
  function firstFailure(records: DynamoDBRecord[], reply: DynamoDBBatchResponse | undefined): number {
    const failures = reply?.batchItemFailures ?? [];
    if (failures.length === 0) return -1;
    const indexes = failures.map(({ itemIdentifier }) => {
      const index = itemIdentifier ? records.findIndex((record) => sequenceOf(record) === itemIdentifier) : -1;
      // An empty or unknown identifier fails the whole batch, as it does on Lambda.
      return index === -1 ? 0 : index;
    });
    return Math.min(...indexes);
  }

  /**
   * Calls the handler until every record is handled, retrying from the first failed record
   * (Lambda's ReportBatchItemFailures), and parks what still fails after `maxAttempts`.
   */
  async function deliver(shardId: string, records: DynamoDBRecord[]): Promise<'done' | 'interrupted'> {
    let pending = records;
    let attempts = 0;
    while (pending.length > 0) {
      attempts += 1;
      let failedAt: number;
      let reason = 'reported in batchItemFailures';
      try {
        failedAt = firstFailure(pending, await handler({ Records: pending }));
      } catch (error) {
        failedAt = 0;
        reason = error instanceof Error ? error.message : String(error);
      }
      if (killed) return 'interrupted';
      if (failedAt === -1) {
        advance(shardId, pending.at(-1)!);
        return 'done';
      }
      if (failedAt > 0) {
        advance(shardId, pending[failedAt - 1]!);
        pending = pending.slice(failedAt);
        attempts = 0;
      } else if (attempts >= maxAttempts) {
        park(shardId, pending, reason, attempts);
        advance(shardId, pending.at(-1)!);
        return 'done';
      }
      logger.warn('stream batch failed; retrying from the first failed record', { shardId, from: sequenceOf(pending[0]!), attempts, reason });
      // A stop leaves the failed records unhandled and un-checkpointed: the next start retries them.
      if (stopping) return 'interrupted';
      await pause(retryDelayMs * Math.max(1, attempts));
      if (stopping) return 'interrupted';
    }
    return 'done';
  }

  async function readShard(arn: string, shardId: string): Promise<number> {
    let result: GetRecordsCommandOutput;
    try {
      const iterator = await iteratorFor(arn, shardId);
      if (!iterator) return 0;
      result = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
    } catch (error) {
      iterators.delete(shardId);
      if (error instanceof ExpiredIteratorException) return 0;
      if (error instanceof TrimmedDataAccessException) {
        logger.error('records were trimmed from the stream before they were read', { shardId });
        checkpoint.shards[shardId] = {};
        return 0;
      }
      if (error instanceof ResourceNotFoundException) {
        // The shard was trimmed away: read the shard list again.
        shardsReadAt = 0;
        return 0;
      }
      throw error;
    }
    const read = result.Records ?? [];
    // Filtered on the raw record (its DynamoDB JSON), before any conversion, as Lambda filters.
    const records = (filter ? read.filter(filter) : read).map((record) => toLambdaRecord(record, arn));
    if (records.length > 0 && (await deliver(shardId, records)) === 'interrupted') {
      iterators.delete(shardId);
      return read.length;
    }
    // Records filtered out after the last one handled are handled too: the checkpoint moves past them.
    const last = read.at(-1);
    if (last && sequenceOf(records.at(-1) ?? {}) !== last.dynamodb?.SequenceNumber) advance(shardId, { eventID: last.eventID, dynamodb: { SequenceNumber: last.dynamodb?.SequenceNumber } });
    if (result.NextShardIterator) {
      iterators.set(shardId, result.NextShardIterator);
    } else {
      // A closed shard read to its end: its children may start.
      iterators.delete(shardId);
      checkpoint.shards[shardId] = { ...checkpoint.shards[shardId], finished: true };
      void save();
      shardsReadAt = 0;
    }
    return read.length;
  }

  async function pass(): Promise<number> {
    const arn = await ensureStream();
    // A table's first shard appears with its first write: look again at once until there is one.
    if (shards.length === 0 || Date.now() - shardsReadAt >= shardRefreshMs) await refreshShards(arn);
    const startedAt = Date.now();
    let read = 0;
    let full = false;
    for (const shard of readableShards()) {
      if (stopping) break;
      const count = await readShard(arn, shard.ShardId!);
      read += count;
      full ||= count >= batchSize;
    }
    // A short read reached the end of the stream: everything written before it is handled.
    behindSince = full ? (behindSince ?? startedAt) : undefined;
    lastFull = full;
    lastRead = read;
    return read;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      let read = 0;
      passStartedAt = Date.now();
      expedited = false;
      try {
        read = await pass();
        failures = 0;
      } catch (error) {
        failures += 1;
        iterators.clear();
        streamArn = undefined;
        logger.error('reading the table stream failed', { tableName, error: String(error) });
      }
      if (stopping) continue;
      if (read > 0) {
        quietPasses = 0;
        // A full batch: more is waiting, read on at once. Else gather what comes meanwhile.
        if (!lastFull && gatherMs > 0) await gather();
        continue;
      }
      if (failures > 0) {
        await pause(Math.min(5000, idleMs * 2 ** failures));
      } else {
        const idle = pause(Math.min(maxIdleMs, Math.max(gatherMs, idleMs * 2 ** quietPasses)));
        quietPasses = Math.min(quietPasses + 1, 20);
        idleWake = wake;
        await idle;
        idleWake = undefined;
        // Woken by a write: still no sooner than `gatherMs` after the last read.
        if (!stopping) await gather();
      }
    }
  }

  /**
   * Waits until `gatherMs` after the last read began, or — once a write is expedited — `expediteGapMs` after it.
   * A nudge does not end it.
   */
  async function gather(): Promise<void> {
    // A read that brought many records is a load where gathering pays: an expedite waits for the window then.
    const shortened = () => expedited && lastRead < busyReadRecords;
    const until = () => passStartedAt + (shortened() ? expediteGapMs : gatherMs);
    if (!shortened() && until() > Date.now()) {
      const window = pause(until() - Date.now());
      gatherWake = wake;
      await window;
      gatherWake = undefined;
    }
    const rest = until() - Date.now();
    if (rest > 0 && !stopping) await pause(rest);
  }

  load();

  return {
    start() {
      if (loop) return;
      stopping = false;
      killed = false;
      load();
      const running = run();
      loop = running.finally(() => {
        loop = undefined;
      });
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      if (pendingSave && !killed) void save();
      await saving;
    },
    kill() {
      killed = true;
      stopping = true;
      if (pendingSave) clearTimeout(pendingSave);
      pendingSave = undefined;
      wake?.();
      return loop ?? Promise.resolve();
    },
    async pollOnce() {
      if (loop) throw new Error('pollOnce is for a poller that is not started');
      stopping = false;
      killed = false;
      const read = await pass();
      if (pendingSave) void save();
      await saving;
      return read;
    },
    async catchUp() {
      if (loop) throw new Error('catchUp is for a poller that is not started');
      stopping = false;
      killed = false;
      let records = 0;
      for (;;) {
        const read = await pass();
        if (read === 0) {
          if (pendingSave) void save();
          await saving;
          return { records, from: resumedFrom };
        }
        records += read;
      }
    },
    deadLetters: () => [...parked],
    lagMs: () => (behindSince === undefined ? 0 : Date.now() - behindSince),
    nudge() {
      quietPasses = 0;
      idleWake?.();
    },
    expedite() {
      quietPasses = 0;
      expedited = true;
      idleWake?.();
      gatherWake?.();
    },
  };
}
