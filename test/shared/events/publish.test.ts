// publish-changes against a fake bus: PutEvents chunks within EventBridge's limits, and
// which stream records a partial failure reports back to Lambda.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createPublishChanges, entrySize } from '#shared/events/publish.ts';
import type { BusEvent, EventBus, PutEventsResult } from '#shared/ports.ts';
import { silentLogger } from '#test/support/table.ts';

type Failure = PutEventsResult['failed'][number];

/** Records every call; `refuse` decides per event whether the bus refuses it, `throwOnCall` makes a call fail whole. */
function fakeBus(options: { refuse?: (event: BusEvent) => boolean; throwOnCall?: number } = {}) {
  const calls: BusEvent[][] = [];
  const bus: EventBus = {
    async putEvents(events) {
      calls.push(events);
      if (options.throwOnCall === calls.length) throw new Error('ThrottlingException: Rate exceeded');
      const failed: Failure[] = [];
      events.forEach((event, index) => {
        if (options.refuse?.(event)) failed.push({ index, errorCode: 'InternalFailure', errorMessage: 'try again' });
      });
      return { failed };
    },
  };
  return { bus, calls };
}

let sequence = 0;
function dealItem(id: string, fields: Record<string, unknown> = {}) {
  return {
    pk: `deal#${id}`,
    sk: 'entity',
    itemKind: 'entity',
    recordType: 'deal',
    id,
    version: 1,
    createdAt: '2026-01-15T09:00:00.000Z',
    updatedAt: '2026-01-15T09:00:00.000Z',
    createdBy: 'ada',
    updatedBy: 'ada',
    title: `Deal ${id}`,
    pipelineId: 'sales',
    stageId: 'new',
    lastWrite: { actor: { kind: 'user', id: 'ada' }, cause: { automationId: 'none', depth: 0 }, action: 'created', at: '2026-01-15T09:00:00.000Z' },
    ...fields,
  };
}

/** A stream record in Lambda's shape; sequence numbers grow like DynamoDB's. */
function streamRecord(oldImage: Record<string, unknown> | undefined, newImage: Record<string, unknown> | undefined): DynamoDBRecord {
  sequence += 1;
  const eventName = !oldImage ? 'INSERT' : newImage ? 'MODIFY' : 'REMOVE';
  return {
    eventID: `event-${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/stagecraft/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: 1_768_467_600,
      SequenceNumber: String(sequence).padStart(21, '0'),
      Keys: marshall({ pk: 'k', sk: 'entity' }) as never,
      ...(oldImage ? { OldImage: marshall(oldImage, { removeUndefinedValues: true }) as never } : {}),
      ...(newImage ? { NewImage: marshall(newImage, { removeUndefinedValues: true }) as never } : {}),
    },
  };
}

const created = (id: string, fields: Record<string, unknown> = {}) => streamRecord(undefined, dealItem(id, fields));
const moved = (id: string) => streamRecord(dealItem(id), dealItem(id, { stageId: 'contract', version: 2 }));
const historyEntry = () => streamRecord(undefined, { pk: 'deal#x', sk: 'history#1', itemKind: 'history' });
const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
const sequenceOf = (record: DynamoDBRecord) => record.dynamodb!.SequenceNumber!;
const entityIds = (events: BusEvent[]) => events.map((event) => event.detail.entityId);

describe('chunks', () => {
  it('sends at most 10 entries per PutEvents call, in stream order', async () => {
    const { bus, calls } = fakeBus();
    const records = Array.from({ length: 25 }, (_, index) => created(`D${index}`));

    await createPublishChanges({ bus, logger: silentLogger })(batch(...records));

    expect(calls.map((call) => call.length)).toEqual([10, 10, 5]);
    expect(calls.flat().map((event) => event.detail.entityId)).toEqual(records.map((_, index) => `D${index}`));
  });

  it('keeps the events of one stream record in one call when they fit', async () => {
    const { bus, calls } = fakeBus();
    const records = [...Array.from({ length: 9 }, (_, index) => created(`D${index}`)), moved('M')];

    await createPublishChanges({ bus, logger: silentLogger })(batch(...records));

    expect(calls.map((call) => call.map((event) => event.detailType))).toEqual([
      Array(9).fill('Deal Created'),
      ['Deal Updated', 'Deal Stage Changed'],
    ]);
  });

  it('keeps each call within the byte budget', async () => {
    const { bus, calls } = fakeBus();
    const records = Array.from({ length: 6 }, (_, index) => created(`D${index}`, { fields: { note: 'x'.repeat(900) } }));
    const budget = 3000;

    await createPublishChanges({ bus, logger: silentLogger, budgetBytes: budget })(batch(...records));

    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) expect(call.reduce((sum, event) => sum + entrySize(event), 0)).toBeLessThanOrEqual(budget);
  });

  it('makes no call for records that carry no CRM change', async () => {
    const { bus, calls } = fakeBus();

    const reply = await createPublishChanges({ bus, logger: silentLogger })(batch(historyEntry(), historyEntry()));

    expect(calls).toEqual([]);
    expect(reply).toEqual({ batchItemFailures: [] });
  });
});

describe('oversized events', () => {
  it('drops the largest fields of before/after, names them in `trimmed`, and keeps the stage ids', async () => {
    const { bus, calls } = fakeBus();
    const big = { fields: { notes: 'x'.repeat(4000) } };
    const record = streamRecord(dealItem('D1', big), dealItem('D1', { ...big, stageId: 'won', version: 2 }));

    const reply = await createPublishChanges({ bus, logger: silentLogger, budgetBytes: 3000 })(batch(record));

    const stageChanged = calls.flat().find((event) => event.detailType === 'Deal Stage Changed');
    expect(reply.batchItemFailures).toEqual([]);
    expect(stageChanged?.detail).toMatchObject({
      trimmed: ['after.fields', 'before.fields'],
      before: { stageId: 'new' },
      after: { stageId: 'won' },
    });
    expect(entrySize(stageChanged!)).toBeLessThanOrEqual(3000);
  });
});

describe('failures reported to Lambda', () => {
  it('reports nothing when every event was accepted', async () => {
    const { bus } = fakeBus();

    const reply = await createPublishChanges({ bus, logger: silentLogger })(batch(created('D1'), moved('D1')));

    expect(reply).toEqual({ batchItemFailures: [] });
  });

  it('reports a refused record and every record after it, and sends no later call', async () => {
    const { bus, calls } = fakeBus({ refuse: (event) => event.detail.entityId === 'D12' });
    const records = Array.from({ length: 25 }, (_, index) => created(`D${index}`));

    const reply = await createPublishChanges({ bus, logger: silentLogger })(batch(...records));

    expect(reply.batchItemFailures).toEqual(records.slice(12).map((record) => ({ itemIdentifier: sequenceOf(record) })));
    expect(calls).toHaveLength(2);
  });

  it('reports the record whose second event was refused, not only whole records', async () => {
    const { bus } = fakeBus({ refuse: (event) => event.detailType === 'Deal Stage Changed' });
    const records = [created('D1'), moved('D2'), created('D3')];

    const reply = await createPublishChanges({ bus, logger: silentLogger })(batch(...records));

    expect(reply.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(records[1]!) }, { itemIdentifier: sequenceOf(records[2]!) }]);
  });

  it('reports the whole call and everything after it when PutEvents throws', async () => {
    const { bus, calls } = fakeBus({ throwOnCall: 2 });
    const records = Array.from({ length: 25 }, (_, index) => created(`D${index}`));

    const reply = await createPublishChanges({ bus, logger: silentLogger })(batch(...records));

    expect(reply.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(records.slice(10).map(sequenceOf));
    expect(entityIds(calls[0]!)).toEqual(records.slice(0, 10).map((_, index) => `D${index}`));
  });

  it('reports records without events that come after a failure too', async () => {
    const { bus } = fakeBus({ refuse: (event) => event.detail.entityId === 'D1' });
    const records = [created('D1'), historyEntry()];

    const reply = await createPublishChanges({ bus, logger: silentLogger })(batch(...records));

    expect(reply.batchItemFailures).toEqual(records.map((record) => ({ itemIdentifier: sequenceOf(record) })));
  });

  it('publishes the records before an unreadable one and reports it with the rest', async () => {
    const { bus, calls } = fakeBus();
    const unreadable = created('D2');
    delete unreadable.eventID;
    const records = [created('D1'), unreadable, created('D3')];

    const reply = await createPublishChanges({ bus, logger: silentLogger })(batch(...records));

    expect(entityIds(calls.flat())).toEqual(['D1']);
    expect(reply.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([sequenceOf(records[1]!), sequenceOf(records[2]!)]);
  });

  it('fails the invocation rather than report an empty identifier', async () => {
    const { bus } = fakeBus({ refuse: () => true });
    const record = created('D1');
    delete record.dynamodb!.SequenceNumber;

    const publish = createPublishChanges({ bus, logger: silentLogger })(batch(record));

    await expect(publish).rejects.toThrow(/no sequence number/);
  });
});

describe('replays', () => {
  it('publishes the same events with the same ids when Lambda delivers a batch again', async () => {
    const first = fakeBus();
    const again = fakeBus();
    const records = batch(created('D1'), moved('D1'));

    await createPublishChanges({ bus: first.bus, logger: silentLogger })(records);
    await createPublishChanges({ bus: again.bus, logger: silentLogger })(records);

    expect(again.calls).toEqual(first.calls);
  });
});
