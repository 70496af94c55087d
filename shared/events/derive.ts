// Derives CRM events from one stream record's images (docs/ARCHITECTURE.md §5): a pure function, so the
// catalogue is its test and a replayed stream record yields the very same events.
import { type Actor, type Cause, noCause } from '#shared/domain/actors.ts';
import type { EntityType } from '#shared/domain/entities.ts';
import { itemOnlyAttributes, metaAttributes } from '#shared/store/keys.ts';
import type { BusEvent } from '#shared/ports.ts';
import {
  CRM_SOURCE,
  type CrmEventDetail,
  type DocumentParty,
  type LifecycleVerb,
  SYSTEM_ACTOR,
  detailTypes,
  entityNames,
  stagedTypes,
} from './catalogue.ts';

/** An unmarshalled stream image: the item as the store wrote it. */
export type StreamImage = Record<string, unknown>;

export interface DeriveMeta {
  /** The stream record's eventID; each derived event's id starts with it. */
  eventId: string;
  /** The stream record's time; used only when the item carries no write time (a raw REMOVE). */
  occurredAt: string;
}

const signatureFields: Record<Exclude<DocumentParty, 'all'>, string> = {
  sender: 'signedBySenderAt',
  recipient: 'signedByRecipientAt',
};

interface LastWrite {
  actor?: Actor;
  cause?: Cause;
  at?: string;
}

function entityTypeOf(image: StreamImage | undefined): EntityType | undefined {
  if (image?.itemKind !== 'entity') return undefined;
  // The catalogue's own list: importing entities.ts would put zod in the publisher's bundle.
  const type = image.recordType;
  return typeof type === 'string' && Object.hasOwn(entityNames, type) ? (type as EntityType) : undefined;
}

/** A live entity: an entity item that is not a tombstone. */
const isLive = (image: StreamImage | undefined): image is StreamImage => entityTypeOf(image) !== undefined && image?.deletedAt === undefined;

function recordOf(image: StreamImage): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(image)) if (!itemOnlyAttributes.has(key)) record[key] = value;
  return record;
}

function fieldNames(record: Record<string, unknown>): string[] {
  return Object.keys(record)
    .filter((key) => !metaAttributes.has(key))
    .sort();
}

/** Deep equality that ignores key order: a map attribute's keys need not come back in the order written. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].every((key) => sameValue(left[key], right[key]));
}

type Side = Record<string, unknown> | null;

/** A record's custom fields; anything but an object holds none. */
function customFieldsOf(record: Side): Side {
  const fields = record?.fields;
  return typeof fields === 'object' && fields !== null && !Array.isArray(fields) ? (fields as Record<string, unknown>) : null;
}

/** The keys of either side whose values differ (own keys only: a custom field may be named like a member every object inherits). */
function differingKeys(left: Side, right: Side, keys: (record: Record<string, unknown>) => string[]): string[] {
  const own = (record: Side, key: string) => (record && Object.hasOwn(record, key) ? record[key] : undefined);
  const all = new Set([...(left ? keys(left) : []), ...(right ? keys(right) : [])]);
  return [...all].filter((key) => !sameValue(own(left, key), own(right, key)));
}

/**
 * The fields that differ between the two sides (a missing side: every field of the other), sorted. A changed
 * custom field is named twice: `fields`, which consumers and rules matching the object of custom fields as a
 * whole read, and `fields.<name>`, so that a rule on one custom field can say so in its pattern instead of
 * starting a run for every custom field written. That adds at most 2 × MAX_CUSTOM_FIELDS names of up to 64
 * characters, each the key of a value the event carries in before or after anyway (the publisher trims those
 * to fit EventBridge's 256 KB, never changedFields).
 */
function changedFieldsOf(before: Side, after: Side): string[] {
  const changed = differingKeys(before, after, fieldNames);
  const custom = changed.includes('fields') ? differingKeys(customFieldsOf(before), customFieldsOf(after), Object.keys) : [];
  return [...changed, ...custom.map((name) => `fields.${name}`)].sort();
}

const isSet = (value: unknown) => value !== undefined && value !== null && value !== '';

export function deriveEvents(oldImage: StreamImage | undefined, newImage: StreamImage | undefined, meta: DeriveMeta): BusEvent[] {
  const wasLive = isLive(oldImage);
  const isLiveNow = isLive(newImage);
  const type = entityTypeOf(newImage) ?? entityTypeOf(oldImage);
  // Everything that is not an entity (history, lookups, credentials, runs…) and a tombstone's
  // own later changes (its TTL removal included) are no CRM change.
  if (!type || (!wasLive && !isLiveNow)) return [];

  // A REMOVE has no new image: the removal never went through the store, so nobody in the
  // CRM wrote it and the stream record's time is all there is.
  const lastWrite = newImage?.lastWrite as LastWrite | undefined;
  const actor = lastWrite?.actor ?? SYSTEM_ACTOR;
  const cause = lastWrite?.cause ?? noCause;
  // The write's own time (the store's clock, to the millisecond) beats the stream record's,
  // which DynamoDB Local rounds to the minute.
  const occurredAt = typeof lastWrite?.at === 'string' && !Number.isNaN(Date.parse(lastWrite.at)) ? lastWrite.at : meta.occurredAt;
  const before = wasLive ? recordOf(oldImage) : null;
  const after = isLiveNow ? recordOf(newImage) : null;
  const entityId = String((after ?? before)?.id ?? '');

  const event = (eventId: string, detailType: string, changedFields: string[], extra: Partial<CrmEventDetail> = {}): BusEvent => {
    const detail: CrmEventDetail = { eventId, entityType: type, entityId, occurredAt, actor, cause, before, after, changedFields, ...extra };
    return { source: CRM_SOURCE, detailType, detail: detail as unknown as Record<string, unknown>, time: new Date(occurredAt) };
  };
  const lifecycle = (verb: LifecycleVerb, changedFields: string[]) =>
    event(meta.eventId, detailTypes.lifecycle(type, verb), changedFields);

  if (!before && after) return [lifecycle('Created', changedFieldsOf(null, after))];
  if (before && !after) return [lifecycle('Deleted', changedFieldsOf(before, null))];
  if (!before || !after) return [];

  const changed = changedFieldsOf(before, after);
  // A write that changed only bookkeeping (version, updatedAt) is no change anyone can act on.
  if (changed.length === 0) return [];
  const events = [lifecycle('Updated', changed)];

  if (type === 'deal' || type === 'lead') {
    // Moving a deal to another pipeline enters a stage there even when the stage id is the same.
    const moved = changed.includes('stageId') || (type === 'deal' && changed.includes('pipelineId'));
    if (moved) events.push(event(`${meta.eventId}.stage`, stagedTypes[type], changed));
  }

  if (type === 'document') {
    // Signatures are set once; "all" follows the write that completes the pair, so it comes exactly once.
    for (const [party, field] of Object.entries(signatureFields) as Array<[DocumentParty, string]>) {
      if (!isSet(before[field]) && isSet(after[field])) {
        events.push(event(`${meta.eventId}.signed-${party}`, detailTypes.documentSigned, changed, { party }));
      }
    }
    const bothSigned = (record: Record<string, unknown>) => Object.values(signatureFields).every((field) => isSet(record[field]));
    if (!bothSigned(before) && bothSigned(after)) {
      events.push(event(`${meta.eventId}.signed-all`, detailTypes.documentSigned, changed, { party: 'all' }));
    }
    if ((changed.includes('viewedAt') || changed.includes('viewCount')) && isSet(after.viewedAt)) {
      events.push(event(`${meta.eventId}.viewed`, detailTypes.documentViewed, changed));
    }
  }
  return events;
}
