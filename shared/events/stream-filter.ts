// Which table stream records each stream consumer needs: ONE catalogue for both runtimes. On AWS the
// stream event source mapping gets these patterns as Lambda FilterCriteria (infra/constructs/events.ts), so
// the function is never invoked for the rest; locally the stream poller applies the very same patterns to the
// raw records (DynamoDB JSON, before any conversion) and hands the handler only what matched.
// Lambda's filter syntax is EventBridge's event pattern syntax, so ./pattern.ts decides a match.
import { type EventPattern, compileMatcher } from './pattern.ts';

/** Something with a stream record's `dynamodb` images in DynamoDB JSON ({ itemKind: { S: 'entity' } }). */
export interface RawStreamRecord {
  dynamodb?: { NewImage?: Record<string, unknown>; OldImage?: Record<string, unknown> };
}

/**
 * publish-changes, the only consumer of the table stream: only entity items derive CRM events
 * (shared/events/derive.ts returns nothing for history, lookups, credentials, runs, run steps or the local
 * runner's execution items). Filters are OR-ed; two are needed because an insert has only a new image and a
 * removal only an old one (an entity turned into something else, or back, is seen through either).
 */
export const publisherStreamFilters: readonly EventPattern[] = [
  { dynamodb: { NewImage: { itemKind: { S: ['entity'] } } } },
  { dynamodb: { OldImage: { itemKind: { S: ['entity'] } } } },
];

/** Whether a record passes any of `filters` — what Lambda's FilterCriteria let through to the function. */
export function streamRecordFilter(filters: readonly EventPattern[]): (record: RawStreamRecord) => boolean {
  const matchers = filters.map((pattern) => compileMatcher(pattern));
  return (record) => matchers.some((matches) => matches(record));
}
