// The stream filter catalogue: what Lambda's FilterCriteria let through to publish-changes on AWS, applied
// locally to raw stream records (DynamoDB JSON).
import { describe, expect, it } from 'vitest';
import { deriveEvents } from '#shared/events/derive.ts';
import { publisherStreamFilters, streamRecordFilter } from '#shared/events/stream-filter.ts';

const passes = streamRecordFilter(publisherStreamFilters);
const entity = { pk: { S: 'contact#c1' }, sk: { S: 'entity' }, itemKind: { S: 'entity' }, recordType: { S: 'contact' } };

describe('publisherStreamFilters', () => {
  it('lets through an entity insert (new image only) and an entity removal (old image only)', () => {
    expect(passes({ dynamodb: { NewImage: entity } })).toBe(true);
    expect(passes({ dynamodb: { OldImage: entity } })).toBe(true);
    expect(passes({ dynamodb: { OldImage: entity, NewImage: entity } })).toBe(true);
  });

  it('drops runs, run steps, history, execution items and records without images', () => {
    for (const itemKind of ['run', 'runStep', 'history', 'execution', 'lookup']) {
      const item = { pk: { S: `x#1` }, sk: { S: itemKind }, itemKind: { S: itemKind } };
      expect(passes({ dynamodb: { NewImage: item, OldImage: item } })).toBe(false);
    }
    expect(passes({ dynamodb: {} })).toBe(false);
    expect(passes({})).toBe(false);
  });

  it('drops only records from which no CRM event is derived', () => {
    const run = { itemKind: 'run', recordType: 'contact', id: 'r1' };

    expect(deriveEvents(undefined, run, { eventId: 'e1', occurredAt: '2026-01-01T00:00:00.000Z' })).toEqual([]);
    expect(passes({ dynamodb: { NewImage: { itemKind: { S: 'run' }, recordType: { S: 'contact' }, id: { S: 'r1' } } } })).toBe(false);
  });
});
