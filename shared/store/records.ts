// The CRM records in the single table: every write is conditional on `version` and
// goes in one transaction with its history entry, its e-mail/phone lookup items and
// the exceptions-list checks, so data, history and lookups never disagree.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Actor, Cause } from '#shared/domain/actors.ts';
import type { ContactPointKind } from '#shared/domain/contact-points.ts';
import type { Entity, EntityType } from '#shared/domain/entities.ts';
import { contactPointTypes, exceptionCheckedTypes } from '#shared/domain/record-types.ts';
import { type SearchableType, isSearchable, searchTextOf, searchableTypes } from '#shared/domain/search.ts';
import { Conflict, ContactExcepted, NotFound, PayloadTooLarge, VersionMismatch } from '#shared/errors.ts';
import type { Clock, Ids, TableRef } from '#shared/ports.ts';
import { decodeCursor, encodeCursor, fillPage, fromCursor, type Page } from './cursor.ts';
import {
  HISTORY_PREFIX,
  actorIndexKey,
  SEARCH_ATTRIBUTE,
  boardKey,
  companyContactsKey,
  companyDealsKey,
  contactDealsKey,
  contactPointKey,
  entityIndexAttributes,
  entityKey,
  exceptionKey,
  historyKey,
  itemOnlyAttributes,
  metaAttributes,
  ownerKey,
  pipelineDealsKey,
  typeIndexKey,
} from './keys.ts';

export interface WriteContext {
  actor: Actor;
  cause: Cause;
}

export type HistoryAction = 'created' | 'updated' | 'deleted' | 'stageChanged';

export interface HistoryEntry {
  at: string;
  actor: Actor;
  action: HistoryAction;
  changes: Record<string, { from?: unknown; to?: unknown }>;
  cause: Cause;
}

export type ListFilter =
  | { by: 'type' }
  | { by: 'board'; pipelineId: string; stageId: string }
  | { by: 'pipeline'; pipelineId: string }
  | { by: 'contact'; contactId: string }
  /** Deals or contacts of a company (gsi5, keyed apart per type). */
  | { by: 'company'; companyId: string }
  | { by: 'owner'; ownerType: string; ownerId: string; status?: string };

export interface ListOptions {
  limit?: number;
  cursor?: string;
  filter?: ListFilter;
  /** Applied after the key condition (never a Scan): e.g. activities by status alone. */
  where?: Record<string, string>;
  /** A normalised text (shared/domain/search.ts) the record's search text must contain; filtered like `where`. */
  search?: string;
}

/** Per stage of a pipeline: how many deals, and their amounts summed per currency ("" for none). */
export type StageTotals = Record<string, { count: number; amounts: Record<string, number> }>;

/** Items a filtered listing reads per call at most (each read costs, matched or not). */
export const FILTERED_READ_BUDGET = 1000;
const FILTERED_READ_AHEAD = 200;

export interface WriteOptions {
  /** The version the caller last read (If-Match); another current version fails with 412. */
  expectedVersion?: number;
  /** A caller-chosen id (pipelines, ids derived from a run step); fails with 409 when taken. */
  id?: string;
  /**
   * update: the record as the caller just read it, so it is not read again. The write stays conditional on its
   * version: if the record changed since, the write fails with VersionMismatch as any concurrent change does.
   */
  current?: Entity;
  /** Another item written in the same transaction (a run step's log line): with the record, or neither. */
  alongside?: WrittenAlongside;
  /**
   * update: false for a write that adds no e-mail or phone and must not be refused for one stored before it was
   * excepted (the system's unlink of a deleted company from its contacts, shared/crm/unlink-deleted.ts).
   * @default true
   */
  checkExceptions?: boolean;
}

/**
 * Items written in a record write's transaction that describe the write (an automation step's log line, and the
 * close of its run: run-log.ts): built from the record as it will be written; a condition of theirs refusing
 * cancels the write.
 */
export interface WrittenAlongside {
  items(record: Entity): TransactItem[];
  /** What the write throws when the item at `index` (of `items`) refused the transaction. */
  refused(index: number): Error;
  /** Called once the transaction is written. */
  written(): void;
}

const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Tombstones of deleted records stay this long so their stream record can name the deleter. */
const TOMBSTONE_SECONDS = 7 * 24 * 3600;

export function toRecord(item: Record<string, unknown>): Entity {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!itemOnlyAttributes.has(key)) record[key] = value;
  return record as Entity;
}

function recordFields(record: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record))
    if (!itemOnlyAttributes.has(key) && !metaAttributes.has(key)) fields[key] = value;
  return fields;
}

/** A history item must fit DynamoDB's 400 KB beside its record: large values are summarised. */
const MAX_HISTORY_CHANGE_BYTES = 100_000;
const LARGE_VALUE_BYTES = 1_000;

function boundedChanges(changes: HistoryEntry['changes']): HistoryEntry['changes'] {
  if (JSON.stringify(changes).length <= MAX_HISTORY_CHANGE_BYTES) return changes;
  const summarise = (value: unknown) => {
    const size = JSON.stringify(value ?? null).length;
    return size > LARGE_VALUE_BYTES ? `[${size} bytes, too large to keep in history]` : value;
  };
  return Object.fromEntries(
    Object.entries(changes).map(([field, change]) => [field, { from: summarise(change.from), to: summarise(change.to) }]),
  );
}

export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): HistoryEntry['changes'] {
  const changes: HistoryEntry['changes'] = {};
  const a = recordFields(before);
  const b = recordFields(after);
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) changes[key] = { from: a[key] ?? null, to: b[key] ?? null };
  }
  return changes;
}

function contactPointsOf(type: EntityType, record: Record<string, unknown>): Array<{ kind: ContactPointKind; value: string }> {
  if (!contactPointTypes.includes(type)) return [];
  const emails = Array.isArray(record.emails) ? (record.emails as string[]) : [];
  const phones = Array.isArray(record.phones) ? (record.phones as string[]) : [];
  return [
    ...emails.map((value) => ({ kind: 'email' as const, value })),
    ...phones.map((value) => ({ kind: 'phone' as const, value })),
  ];
}

/** DynamoDB's limit on one item: its attribute names and values together. */
export const MAX_ITEM_BYTES = 400 * 1024;
/**
 * What a record write leaves free of that limit: room for what is written later on the same item without the
 * caller (a tombstone's deletion attributes; a deal's search text when its contact is renamed).
 */
const ITEM_HEADROOM_BYTES = 2 * 1024;

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * An item's size by DynamoDB's rules, rounded up where they are approximate: names and strings in UTF-8 bytes,
 * a number by its digit pairs (numberSize), null and booleans 1 byte, a list or map 3 bytes plus 1 byte
 * per element beside the elements themselves. Undefined attributes are not written (document-client.ts).
 */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) if (value !== undefined) size += utf8Bytes(name) + valueSize(value);
  return size;
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (value === null || typeof value === 'boolean') return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...(value as Set<unknown>)].reduce<number>((sum, member) => sum + valueSize(member), 0);
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + 1 + (element === undefined ? 0 : valueSize(element)), 0);
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, member] of Object.entries(value)) if (member !== undefined) size += utf8Bytes(name) + 1 + valueSize(member);
    return size;
  }
  return 0;
}

/**
 * DynamoDB keeps a number's digits in pairs either side of the decimal point (333.5 is 03 33 . 50), plus a byte of
 * exponent and one more when negative; counted here without dropping inner zero pairs, so never too few.
 */
function numberSize(value: number | bigint): number {
  const text = String(value).toLowerCase();
  const [mantissa = ''] = text.split('e');
  const [whole = '', fraction = ''] = mantissa.replace('-', '').split('.');
  const pairs = Math.ceil(whole.replace(/^0+/, '').length / 2) + Math.ceil(fraction.replace(/0+$/, '').length / 2);
  return pairs + 1 + (text.startsWith('-') ? 1 : 0);
}

/** Refuses a record's item before its write when it would not fit DynamoDB's item limit with its headroom. */
function requireStorable(type: EntityType, item: Record<string, unknown>): void {
  const size = itemSize(item);
  if (size + ITEM_HEADROOM_BYTES <= MAX_ITEM_BYTES) return;
  throw recordTooLarge(type, size);
}

/** 413: the caller sent what makes the record too large, as a body too large is (DESIGN.md §8). */
function recordTooLarge(type: EntityType, size?: number): PayloadTooLarge {
  const limit = Math.floor((MAX_ITEM_BYTES - ITEM_HEADROOM_BYTES) / 1024);
  const measured = size === undefined ? '' : ` (${Math.ceil(size / 1024)} KB)`;
  return new PayloadTooLarge(
    `The ${type} would be too large to store${measured}: a record holds at most ${limit} KB in all; shorten or remove some of its fields (custom fields are removed with null).`,
  );
}

/**
 * Whether the store refused a write because an item passed its size limit: the check before the write
 * estimates, so the store's own refusal is mapped too. DynamoDB answers a ValidationException ("Item size has
 * exceeded the maximum allowed size", also DynamoDB Local's), or cancels a transaction with a ValidationError
 * reason ("Item size to update has exceeded the maximum allowed size").
 */
export function isItemTooLarge(error: unknown): boolean {
  const aboutSize = (message: unknown) => typeof message === 'string' && /item size .*exceeded/i.test(message);
  if (!(error instanceof Error)) return false;
  if (error.name === 'ValidationException') return aboutSize(error.message);
  if (error instanceof TransactionCanceledException)
    return (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ValidationError' && aboutSize(reason.Message));
  return false;
}

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export function createRecords(table: TableRef, clock: Clock, ids: Ids) {
  const { client, tableName } = table;

  async function getItem(type: EntityType, id: string, consistent = true) {
    // Every id this API issues or accepts matches Id (shared/domain/entities.ts); anything else is no record.
    if (!RECORD_ID.test(id)) return undefined;
    const result = await client.send(new GetCommand({ TableName: tableName, Key: entityKey(type, id), ConsistentRead: consistent }));
    return result.Item;
  }

  async function get(type: EntityType, id: string): Promise<Entity | undefined> {
    const item = await getItem(type, id);
    if (!item || item.deletedAt) return undefined;
    return toRecord(item);
  }

  async function require(type: EntityType, id: string): Promise<Entity> {
    const record = await get(type, id);
    if (!record) throw new NotFound(type, id);
    return record;
  }

  /**
   * The record as it was last seen: live, or as it stood when deleted (its tombstone, and
   * once that expired its deletion's history entry). Undefined when it never existed.
   */
  async function lastKnown(type: EntityType, id: string): Promise<Entity | undefined> {
    const item = await getItem(type, id);
    if (item) {
      const { deletedAt: _deletedAt, deletedBy: _deletedBy, ...rest } = item;
      return toRecord(rest);
    }
    const [latest] = (await history(type, id, { limit: 1 })).items;
    if (latest?.action !== 'deleted') return undefined;
    const fields = Object.fromEntries(Object.entries(latest.changes).map(([field, change]) => [field, change.from]));
    return { ...fields, id } as Entity;
  }

  function historyPut(type: EntityType, id: string, entry: HistoryEntry): TransactItem {
    const historyId = ids.next();
    entry = { ...entry, changes: boundedChanges(entry.changes) };
    return {
      Put: {
        TableName: tableName,
        Item: {
          ...historyKey(type, id, historyId),
          itemKind: 'history',
          recordType: type,
          recordId: id,
          ...entry,
          gsi1pk: actorIndexKey(entry.actor.id),
          gsi1sk: `${entry.at}#${historyId}`,
        },
      },
    };
  }

  /** Lookup puts and deletes for the e-mails/phones that changed, and exceptions checks for every value kept. */
  function contactPointItems(
    type: EntityType,
    id: string,
    before: Record<string, unknown> | undefined,
    after: Record<string, unknown> | undefined,
    checkExceptions = true,
  ): { items: TransactItem[]; checked: string[] } {
    const old = before ? contactPointsOf(type, before) : [];
    const next = after ? contactPointsOf(type, after) : [];
    const has = (list: typeof old, point: (typeof old)[number]) => list.some((p) => p.kind === point.kind && p.value === point.value);
    const items: TransactItem[] = [];
    for (const point of old)
      if (!has(next, point)) items.push({ Delete: { TableName: tableName, Key: contactPointKey(point.kind, point.value, type, id) } });
    for (const point of next)
      if (!has(old, point))
        items.push({
          Put: {
            TableName: tableName,
            Item: { ...contactPointKey(point.kind, point.value, type, id), itemKind: 'contactPoint', recordType: type, recordId: id },
          },
        });
    const checked: string[] = [];
    if (after && checkExceptions && exceptionCheckedTypes.includes(type)) {
      for (const point of next) {
        checked.push(point.value);
        items.push({
          ConditionCheck: {
            TableName: tableName,
            Key: exceptionKey(point.value),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
    }
    return { items, checked };
  }

  /**
   * Runs one record write. The record's own item is always first in the
   * transaction, so its cancellation reason tells a version conflict apart from
   * an excepted e-mail or phone.
   */
  async function transact(
    type: EntityType,
    items: TransactItem[],
    checked: string[],
    onRecordConflict: () => Promise<never>,
    alongside?: { writer: WrittenAlongside; index: number; count: number },
  ): Promise<void> {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (isItemTooLarge(error)) throw recordTooLarge(type);
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      // Its line says the write was made already (by an earlier attempt): that comes before any conflict it meets.
      for (let offset = 0; alongside && offset < alongside.count; offset++) {
        if (reasons[alongside.index + offset]?.Code === 'ConditionalCheckFailed') throw alongside.writer.refused(offset);
      }
      if (reasons[0]?.Code === 'ConditionalCheckFailed') await onRecordConflict();
      const checkOffset = items.length - checked.length;
      const excepted = checked.filter((_, index) => reasons[checkOffset + index]?.Code === 'ConditionalCheckFailed');
      if (excepted.length > 0) throw new ContactExcepted(excepted);
      throw error;
    }
    alongside?.writer.written();
  }

  /** The items written alongside a record's (after the record and its history entry), if any. */
  function withAlongside(items: TransactItem[], record: Entity, writer: WrittenAlongside | undefined) {
    if (!writer) return { items, alongside: undefined };
    const index = 2;
    const added = writer.items(record);
    return { items: [...items.slice(0, index), ...added, ...items.slice(index)], alongside: { writer, index, count: added.length } };
  }

  /** A live record's item: its key, its index keys and how it was last written (read by deriveEvents). */
  function entityItem(type: EntityType, record: Record<string, unknown>, written: ReturnType<typeof lastWrite>, search: string | undefined) {
    return {
      ...entityKey(type, String(record.id)),
      itemKind: 'entity',
      recordType: type,
      ...record,
      ...entityIndexAttributes(type, record),
      ...(search === undefined ? {} : { [SEARCH_ATTRIBUTE]: search }),
      lastWrite: written,
    };
  }

  /** The search text a record's item carries; a deal's includes its contact's name as it is now. */
  async function searchOf(type: EntityType, record: Record<string, unknown>): Promise<string | undefined> {
    if (!isSearchable(type)) return undefined;
    if (type !== 'deal' || typeof record.contactId !== 'string') return searchTextOf(type, record);
    const contact = await getItem('contact', record.contactId, false);
    return searchTextOf(type, record, contact && !contact.deletedAt && typeof contact.name === 'string' ? contact.name : undefined);
  }

  /**
   * A renamed contact's deals are found by its new name: their search text is written again from the
   * contact as it is now (item-only, no new version, no event). Idempotent, so the system rule that calls
   * it on `Contact Updated` (shared/crm/deal-search.ts) may be delivered twice or late. Returns how many
   * deals it rewrote.
   */
  async function refreshContactDeals(contactId: string): Promise<number> {
    let rewritten = 0;
    let cursor: string | undefined;
    do {
      const page = await list('deal', { filter: { by: 'contact', contactId }, limit: 100, ...(cursor ? { cursor } : {}) });
      for (const deal of page.items) {
        const search = await searchOf('deal', deal);
        await client
          .send(
            new UpdateCommand({
              TableName: tableName,
              Key: entityKey('deal', deal.id),
              UpdateExpression: 'SET #search = :search',
              ConditionExpression: 'version = :version AND attribute_not_exists(deletedAt)',
              ExpressionAttributeNames: { '#search': SEARCH_ATTRIBUTE },
              ExpressionAttributeValues: { ':search': search, ':version': deal.version },
            }),
          )
          .then(() => (rewritten += 1))
          // A deal written meanwhile took the contact's current name with its own write.
          .catch((error: unknown) => {
            if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
          });
      }
      cursor = page.cursor;
    } while (cursor);
    return rewritten;
  }

  function lastWrite(context: WriteContext, action: HistoryAction, at: string) {
    return { actor: context.actor, cause: context.cause, action, at };
  }

  async function create(type: EntityType, data: Record<string, unknown>, context: WriteContext, options: WriteOptions = {}): Promise<Entity> {
    const at = clock.now().toISOString();
    const id = options.id ?? ids.next();
    const record: Record<string, unknown> = {
      ...recordFields(data),
      id,
      version: 1,
      createdAt: at,
      updatedAt: at,
      createdBy: context.actor.id,
      updatedBy: context.actor.id,
    };
    const item = entityItem(type, record, lastWrite(context, 'created', at), await searchOf(type, record));
    requireStorable(type, item);
    const points = contactPointItems(type, id, undefined, record);
    const items: TransactItem[] = [
      { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      historyPut(type, id, { at, actor: context.actor, action: 'created', changes: diffFields({}, record), cause: context.cause }),
      ...points.items,
    ];
    const written = withAlongside(items, toRecord(item), options.alongside);
    await transact(
      type,
      written.items,
      points.checked,
      async () => {
        throw new Conflict('ALREADY_EXISTS', `A ${type} with id ${id} exists already.`);
      },
      written.alongside,
    );
    return toRecord(item);
  }

  async function update(
    type: EntityType,
    id: string,
    change: (current: Entity) => Record<string, unknown>,
    context: WriteContext,
    options: WriteOptions = {},
  ): Promise<Entity> {
    const current = options.current?.id === id ? options.current : await require(type, id);
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
      throw new VersionMismatch(options.expectedVersion, current.version);
    }
    const at = clock.now().toISOString();
    const nextFields = change(current);
    const record: Record<string, unknown> = {
      ...nextFields,
      id,
      version: current.version + 1,
      createdAt: current.createdAt,
      createdBy: current.createdBy,
      updatedAt: at,
      updatedBy: context.actor.id,
    };
    const changes = diffFields(current, record);
    if (Object.keys(changes).length === 0) return current;
    const action: HistoryAction = 'stageId' in changes ? 'stageChanged' : 'updated';
    const item = entityItem(type, record, lastWrite(context, action, at), await searchOf(type, record));
    requireStorable(type, item);
    await replaceVersion(type, current, item, { at, actor: context.actor, action, changes, cause: context.cause }, record, options);
    // A contact's new name reaches its deals' search text through the `Contact Updated` event (deal-search.ts).
    return toRecord(item);
  }

  /**
   * Writes the next version of a live record with its history entry and lookups;
   * another writer's version in between fails the whole transaction.
   */
  async function replaceVersion(
    type: EntityType,
    current: Entity,
    item: Record<string, unknown>,
    entry: HistoryEntry,
    next: Record<string, unknown> | undefined,
    options: WriteOptions,
  ): Promise<void> {
    const points = contactPointItems(type, current.id, current, next, options.checkExceptions ?? true);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: tableName,
          Item: item,
          ConditionExpression: 'version = :version AND attribute_not_exists(deletedAt)',
          ExpressionAttributeValues: { ':version': current.version },
        },
      },
      historyPut(type, current.id, entry),
      ...points.items,
    ];
    const written = withAlongside(items, toRecord(item), options.alongside);
    await transact(
      type,
      written.items,
      points.checked,
      async () => {
        const now = await get(type, current.id);
        if (!now) throw new NotFound(type, current.id);
        throw new VersionMismatch(options.expectedVersion ?? current.version, now.version);
      },
      written.alongside,
    );
  }

  /**
   * Deletes by leaving a tombstone without index keys: the record leaves every
   * listing, and its stream record still names who deleted it. TTL removes it later.
   */
  async function remove(type: EntityType, id: string, context: WriteContext, options: WriteOptions = {}): Promise<Entity> {
    const current = await require(type, id);
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
      throw new VersionMismatch(options.expectedVersion, current.version);
    }
    const at = clock.now();
    const tombstone = {
      ...entityKey(type, id),
      itemKind: 'entity',
      recordType: type,
      ...current,
      version: current.version + 1,
      updatedAt: at.toISOString(),
      updatedBy: context.actor.id,
      deletedAt: at.toISOString(),
      deletedBy: context.actor.id,
      lastWrite: lastWrite(context, 'deleted', at.toISOString()),
      expiresAt: Math.floor(at.getTime() / 1000) + TOMBSTONE_SECONDS,
    };
    const entry: HistoryEntry = {
      at: at.toISOString(),
      actor: context.actor,
      action: 'deleted',
      changes: diffFields(current, {}),
      cause: context.cause,
    };
    await replaceVersion(type, current, tombstone, entry, undefined, options);
    return current;
  }

  function listQuery(type: EntityType, filter: ListFilter): Pick<QueryCommandInput, 'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeValues'> {
    switch (filter.by) {
      case 'type':
        return { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': typeIndexKey(type) } };
      case 'board':
        return {
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': boardKey(filter.pipelineId, filter.stageId) },
        };
      case 'pipeline':
        return { IndexName: 'gsi3', KeyConditionExpression: 'gsi3pk = :pk', ExpressionAttributeValues: { ':pk': pipelineDealsKey(filter.pipelineId) } };
      case 'contact':
        return { IndexName: 'gsi4', KeyConditionExpression: 'gsi4pk = :pk', ExpressionAttributeValues: { ':pk': contactDealsKey(filter.contactId) } };
      case 'company': {
        const key = type === 'contact' ? companyContactsKey(filter.companyId) : companyDealsKey(filter.companyId);
        return { IndexName: 'gsi5', KeyConditionExpression: 'gsi5pk = :pk', ExpressionAttributeValues: { ':pk': key } };
      }
      case 'owner':
        return filter.status
          ? {
              IndexName: 'gsi2',
              KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :status)',
              ExpressionAttributeValues: { ':pk': ownerKey(filter.ownerType, filter.ownerId), ':status': `${filter.status}#` },
            }
          : { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': ownerKey(filter.ownerType, filter.ownerId) } };
    }
  }

  /**
   * Gives one page of records written before search existed their search text (and deals their contact and
   * company index keys, contacts their company's): item-only attributes, no new version, no event. Safe to repeat; `cursor` says where
   * the next page starts, so a reindex of any size goes page by page and resumes after an interruption.
   */
  async function reindexPage(type: SearchableType, options: { cursor?: string; limit?: number } = {}): Promise<{ written: number; cursor?: string }> {
    let written = 0;
    const page = await list(type, { limit: options.limit ?? 100, ...(options.cursor ? { cursor: options.cursor } : {}) });
    for (const record of page.items) {
      const indexed = entityIndexAttributes(type, record);
      const values: Record<string, unknown> = { ':search': await searchOf(type, record), ':version': record.version };
      const names: Record<string, string> = { '#search': SEARCH_ATTRIBUTE };
      const sets = ['#search = :search'];
      for (const name of ['gsi4pk', 'gsi4sk', 'gsi5pk', 'gsi5sk'] as const) {
        if (indexed[name] === undefined) continue;
        names[`#${name}`] = name;
        values[`:${name}`] = indexed[name];
        sets.push(`#${name} = :${name}`);
      }
      await client
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: entityKey(type, record.id),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'version = :version AND attribute_not_exists(deletedAt)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        )
        .then(() => (written += 1))
        // Written meanwhile: that write carried everything already.
        .catch((error: unknown) => {
          if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
        });
    }
    return { written, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /** Every searchable record reindexed (reindexPage over each type); for local mode's one-time upgrade. */
  async function reindex(): Promise<number> {
    let written = 0;
    for (const type of searchableTypes) {
      let cursor: string | undefined;
      do {
        const page = await reindexPage(type, cursor ? { cursor } : {});
        written += page.written;
        cursor = page.cursor;
      } while (cursor);
    }
    return written;
  }

  /** The filter expression of a listing: its record type, equalities and the search text. */
  function filterOf(type: EntityType, options: Pick<ListOptions, 'where' | 'search'>) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':recordType': type };
    const conditions = ['recordType = :recordType'];
    Object.entries(options.where ?? {}).forEach(([field, value], index) => {
      names[`#w${index}`] = field;
      values[`:w${index}`] = value;
      conditions.push(`#w${index} = :w${index}`);
    });
    if (options.search) {
      names['#search'] = SEARCH_ATTRIBUTE;
      values[':search'] = options.search;
      conditions.push('contains(#search, :search)');
    }
    const filtered = conditions.length > 1;
    return { names, values, expression: conditions.join(' AND '), filtered };
  }

  /**
   * A page of records from one key range. A filter (equalities, search) reads the range and
   * keeps what matches: it costs the items read, at most FILTERED_READ_BUDGET per call, so a rare
   * match may come back as a short page with a cursor.
   */
  async function list(type: EntityType, options: ListOptions = {}): Promise<Page<Entity>> {
    const limit = options.limit ?? 50;
    const query = listQuery(type, options.filter ?? { by: 'type' });
    const filter = filterOf(type, options);
    const indexName = query.IndexName!;
    const page = await fillPage(
      client,
      {
        TableName: tableName,
        ...query,
        ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ...filter.values },
        ...(Object.keys(filter.names).length > 0 ? { ExpressionAttributeNames: filter.names } : {}),
        FilterExpression: filter.expression,
        ScanIndexForward: false,
      },
      limit,
      options.cursor,
      filter.filtered
        ? { readAhead: { items: FILTERED_READ_AHEAD, keyNames: ['pk', 'sk', `${indexName}pk`, `${indexName}sk`] }, maxRead: FILTERED_READ_BUDGET }
        : {},
    );
    return { items: page.items.map(toRecord), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /**
   * Deal counts and amounts per stage of a pipeline, with the same filters as a listing. DynamoDB
   * has no aggregates: this reads every deal of the pipeline (projected to stage, amount and
   * currency, but billed by item size) — one call per MB of deals.
   */
  async function stageTotals(pipelineId: string, options: Pick<ListOptions, 'where' | 'search'> = {}): Promise<StageTotals> {
    const query = listQuery('deal', { by: 'pipeline', pipelineId });
    const filter = filterOf('deal', options);
    const totals: StageTotals = {};
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await client.send(
        new QueryCommand({
          TableName: tableName,
          ...query,
          ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ...filter.values },
          ExpressionAttributeNames: { ...filter.names, '#stage': 'stageId', '#amount': 'amount', '#currency': 'currency' },
          FilterExpression: filter.expression,
          ProjectionExpression: '#stage, #amount, #currency',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        const total = (totals[String(item.stageId)] ??= { count: 0, amounts: {} });
        total.count += 1;
        if (typeof item.amount === 'number') {
          const currency = typeof item.currency === 'string' ? item.currency : '';
          total.amounts[currency] = (total.amounts[currency] ?? 0) + item.amount;
        }
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return totals;
  }

  async function history(type: EntityType, id: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<HistoryEntry>> {
    const result = await fromCursor(options.cursor, () =>
      client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': entityKey(type, id).pk, ':prefix': HISTORY_PREFIX },
        ScanIndexForward: false,
        Limit: options.limit ?? 50,
        ExclusiveStartKey: decodeCursor(options.cursor),
      }),
      ),
    );
    const items = (result.Items ?? []).map((item) => ({
      at: item.at as string,
      actor: item.actor as Actor,
      action: item.action as HistoryAction,
      changes: item.changes as HistoryEntry['changes'],
      cause: item.cause as Cause,
    }));
    return { items, cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /**
   * Several records of one type in one BatchGet (at most 100 ids), deleted ones included unless `live` (a page
   * of history names people who may have left since; a board names only contacts that still exist).
   */
  async function getMany(type: EntityType, idList: string[], { live = false }: { live?: boolean } = {}): Promise<Map<string, Entity>> {
    const wanted = [...new Set(idList)].filter((id) => RECORD_ID.test(id)).slice(0, 100);
    const found = new Map<string, Entity>();
    let keys: Array<Record<string, unknown>> = wanted.map((id) => entityKey(type, id));
    for (let attempt = 0; keys.length > 0 && attempt < 5; attempt++) {
      const result = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
      for (const item of result.Responses?.[tableName] ?? []) if (!live || item.deletedAt === undefined) found.set(String(item.id), toRecord(item));
      keys = (result.UnprocessedKeys?.[tableName]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
    }
    return found;
  }

  return { get, getMany, require, lastKnown, create, update, remove, list, stageTotals, history, reindex, reindexPage, refreshContactDeals };
}

export type Records = ReturnType<typeof createRecords>;
