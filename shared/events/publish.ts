// The publish-changes use case: turns a DynamoDB stream batch into CRM events on the bus,
// in PutEvents calls that respect EventBridge's limits, and reports which records to retry.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, StreamRecord } from 'aws-lambda';
import type { BusEvent, EventBus, Logger } from '#shared/ports.ts';
import { type StreamImage, deriveEvents } from './derive.ts';

/** PutEvents takes at most 10 entries per call. */
export const MAX_ENTRIES_PER_PUT = 10;
/** PutEvents refuses a call whose entries add up to more than 256 KB. */
export const MAX_PUT_BYTES = 256 * 1024;
/**
 * What one call may fill. EventBridge says its count includes "necessary characters and
 * keys of the JSON representation", which the documented formula leaves out: keep slack.
 */
export const PUT_BUDGET_BYTES = MAX_PUT_BYTES - 2 * 1024;

export interface PublishChangesDeps {
  bus: EventBus;
  logger: Logger;
  /** @default PUT_BUDGET_BYTES — lowered by tests to exercise trimming and size-based chunks. */
  budgetBytes?: number;
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** An entry's size as EventBridge counts it (user guide, "Calculating PutEvents event entry size"). */
export function entrySize(event: BusEvent): number {
  return (event.time ? 14 : 0) + utf8Bytes(event.source) + utf8Bytes(event.detailType) + utf8Bytes(JSON.stringify(event.detail));
}

/**
 * Makes an event fit one PutEvents call by dropping the largest fields of `before`/`after`
 * (a long custom field, never the small ids and stage ids patterns match on) and naming
 * them in `detail.trimmed`, so a consumer knows to read the record instead. An event
 * that still does not fit is returned as it is: the bus refuses it and its stream record
 * is retried and then parked by the event source, never dropped here.
 */
export function fitToSize(event: BusEvent, budget = PUT_BUDGET_BYTES): BusEvent {
  if (entrySize(event) <= budget) return event;
  const detail = { ...event.detail };
  const sides = { before: detail.before, after: detail.after } as Record<string, Record<string, unknown> | null | undefined>;
  const copies: Record<string, Record<string, unknown>> = {};
  const candidates: Array<{ side: string; key: string; bytes: number }> = [];
  for (const [side, record] of Object.entries(sides)) {
    if (!record || typeof record !== 'object') continue;
    copies[side] = { ...record };
    for (const [key, value] of Object.entries(record)) {
      if (key === 'id') continue;
      candidates.push({ side, key, bytes: utf8Bytes(JSON.stringify(value) ?? '') });
    }
  }
  if (candidates.length === 0) return event;
  candidates.sort((a, b) => b.bytes - a.bytes);
  const trimmed: string[] = [];
  const fitted: BusEvent = { ...event, detail };
  for (const candidate of candidates) {
    delete copies[candidate.side]?.[candidate.key];
    trimmed.push(`${candidate.side}.${candidate.key}`);
    Object.assign(detail, copies, { trimmed: [...trimmed].sort() });
    if (entrySize(fitted) <= budget) break;
  }
  return fitted;
}

interface Entry {
  event: BusEvent;
  /** Index of the stream record the event came from. */
  record: number;
  bytes: number;
}

/** Consecutive calls of at most 10 entries and `budget` bytes; a record's events stay together when they fit. */
function chunksOf(perRecord: Entry[][], budget: number): Entry[][] {
  const chunks: Entry[][] = [];
  let chunk: Entry[] = [];
  let bytes = 0;
  const close = () => {
    if (chunk.length > 0) chunks.push(chunk);
    chunk = [];
    bytes = 0;
  };
  for (const entries of perRecord) {
    const recordBytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    if (chunk.length + entries.length > MAX_ENTRIES_PER_PUT || bytes + recordBytes > budget) close();
    for (const entry of entries) {
      if (chunk.length + 1 > MAX_ENTRIES_PER_PUT || (chunk.length > 0 && bytes + entry.bytes > budget)) close();
      chunk.push(entry);
      bytes += entry.bytes;
    }
  }
  close();
  return chunks;
}

function imageOf(image: StreamRecord['NewImage']): StreamImage | undefined {
  // Lambda's AttributeValue type and the SDK's describe the same JSON.
  return image ? (unmarshall(image as Parameters<typeof unmarshall>[0]) as StreamImage) : undefined;
}

function eventsOf(record: DynamoDBRecord): BusEvent[] {
  const stream = record.dynamodb;
  if (!record.eventID || !stream) throw new Error('stream record without eventID or dynamodb data');
  const seconds = stream.ApproximateCreationDateTime;
  const occurredAt = new Date(seconds === undefined ? Date.now() : seconds * 1000).toISOString();
  return deriveEvents(imageOf(stream.OldImage), imageOf(stream.NewImage), { eventId: record.eventID, occurredAt });
}

/**
 * Not Powertools' BatchProcessor: it hands records to a handler one at a time (in parallel
 * by default), which would mean one PutEvents per record instead of one per 10 events, and
 * it keeps going after a failure, sending later changes of a record before the earlier one
 * that failed. Here the whole batch is derived first, then sent in order, in full calls.
 */
export function createPublishChanges(deps: PublishChangesDeps) {
  const { bus, logger } = deps;
  const budget = deps.budgetBytes ?? PUT_BUDGET_BYTES;

  /** Sends one call; returns the index of the first stream record with an event the bus refused. */
  async function put(chunk: Entry[]): Promise<number | undefined> {
    try {
      const result = await bus.putEvents(chunk.map((entry) => entry.event));
      if (result.failed.length === 0) return undefined;
      logger.warn('the bus refused events', {
        failed: result.failed.map((failure) => ({ ...failure, detailType: chunk[failure.index]?.event.detailType })),
      });
      return Math.min(...result.failed.map((failure) => chunk[failure.index]?.record ?? chunk[0]!.record));
    } catch (error) {
      logger.warn('PutEvents failed', { error: String(error), entries: chunk.length });
      return chunk[0]!.record;
    }
  }

  return async function publishChanges(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const records = event.Records;
    let firstFailed = records.length;
    const perRecord: Entry[][] = [];
    for (const [index, record] of records.entries()) {
      try {
        perRecord.push(
          eventsOf(record).map((derived) => {
            const fitted = fitToSize(derived, budget);
            if (fitted !== derived) logger.warn('event trimmed to fit PutEvents', { eventId: fitted.detail.eventId, trimmed: fitted.detail.trimmed });
            return { event: fitted, record: index, bytes: entrySize(fitted) };
          }),
        );
      } catch (error) {
        // A record we cannot read is a failure like any other: the event source retries it,
        // then hands it to the on-failure destination. Nothing after it may go first.
        logger.error('cannot derive events from a stream record', { eventID: record.eventID, error: String(error) });
        firstFailed = index;
        break;
      }
    }

    // In stream order, and stop at the first refusal: Lambda restarts the batch from the
    // lowest failed sequence number anyway, so anything sent after it would be sent twice
    // and would overtake the older change of the same record.
    for (const chunk of chunksOf(perRecord, budget)) {
      const failedAt = await put(chunk);
      if (failedAt !== undefined) {
        firstFailed = Math.min(firstFailed, failedAt);
        break;
      }
    }

    // Report the failed record and every record after it: the reply then says exactly what
    // will be redelivered. An empty or missing identifier would make Lambda treat the whole
    // batch as failed without saying so, so fail loudly instead.
    const batchItemFailures = records.slice(firstFailed).map((record) => {
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (!sequenceNumber) throw new Error(`stream record ${record.eventID ?? '(no eventID)'} failed and has no sequence number`);
      return { itemIdentifier: sequenceNumber };
    });
    return { batchItemFailures };
  };
}

export type PublishChanges = ReturnType<typeof createPublishChanges>;
