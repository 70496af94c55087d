// Use cases on CRM records: validate a request against its schema and the rules
// that need other records (a deal's stage belongs to its pipeline, links point at
// records that exist), then write through the store.
import { type ContactPointKind, normaliseEmail, normalisePhone } from '#shared/domain/contact-points.ts';
import {
  type Entity,
  type EntityType,
  MAX_CUSTOM_FIELDS,
  Pipeline,
  createSchemas,
  patchSchemas,
  stageOf,
} from '#shared/domain/entities.ts';
import { Conflict, NotFound, ValidationFailed, VersionMismatch, type FieldIssue } from '#shared/errors.ts';
import type { Clock } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import type { ListOptions, WrittenAlongside } from '#shared/store/records.ts';
import { type Caller, writeContextOf } from './context.ts';
import { createActorDisplay } from './actor-display.ts';
import { prepareDocument } from './document-templates.ts';
import { countryFor, phoneFormat, withNationalPhones } from './settings.ts';
import { parseWith } from '#shared/domain/validation.ts';

/** A pipeline's board: its stages' first pages of deals and the names of their contacts. */
export interface Board {
  pipeline: Pipeline;
  columns: Record<string, { items: Entity[]; cursor?: string }>;
  /** Contacts of the deals shown, by id; a deleted or unreadable contact is left out. */
  contacts: Record<string, { name: string }>;
}

/** An automation step's write: the record as the step read it, and the step's log line to write with it. */
export interface StepWrite {
  read?: Entity;
  alongside?: WrittenAlongside;
}

export type CrmRecordType = Exclude<EntityType, 'user' | 'pipeline' | 'automation' | 'documentTemplate'>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * JSON merge patch (RFC 7396): an object merges into the object it names, key by key
 * (`{"fields": {"c": "3"}}` keeps the other custom fields), null removes a key, and
 * anything else (a text, a list) replaces the value.
 */
export function mergePatch(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete next[key];
    else if (isPlainObject(value)) next[key] = mergePatch(isPlainObject(next[key]) ? next[key] : {}, value);
    else next[key] = value;
  }
  return next;
}

/** Splits a raw patch into the nulls (clears) and the values to validate. */
function splitClears(raw: unknown): { values: unknown; clears: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { values: raw, clears: [] };
  const values: Record<string, unknown> = {};
  const clears: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (value === null) clears.push(key);
    else values[key] = value;
  }
  return { values, clears };
}

const requiredFields: Record<EntityType, string[]> = {
  contact: ['name', 'emails', 'phones'],
  company: ['name', 'emails', 'phones'],
  lead: ['title', 'stageId', 'emails', 'phones'],
  deal: ['title', 'pipelineId', 'stageId'],
  activity: ['subject', 'activityType', 'dueAt', 'responsibleId', 'entityType', 'entityId', 'status'],
  document: ['title', 'entityType', 'entityId'],
  user: ['name', 'role'],
  pipeline: ['name', 'stages'],
  automation: ['name', 'trigger', 'actions'],
  documentTemplate: ['name', 'kind', 'body', 'parties'],
};

export interface RecordServiceOptions {
  /**
   * How long a user found to exist is taken to exist still when a write links a record to it (responsibleId),
   * per container; 0 (the default, the API's) reads the user at every such write. run-action sets a few seconds:
   * a user deleted in that window may still be set as responsible by an automation in this container.
   */
  userSeenForMs?: number;
}

export function createRecordService(store: Store, clock: Clock, options: RecordServiceOptions = {}) {
  const { records } = store;
  const actors = createActorDisplay(store);
  const userSeenForMs = options.userSeenForMs ?? 0;
  /** Users seen to exist, until when (userSeenForMs); a few hundred at most. */
  const usersSeen = new Map<string, number>();

  async function exists(target: EntityType, id: string): Promise<boolean> {
    if (target !== 'user' || userSeenForMs <= 0) return (await records.get(target, id)) !== undefined;
    const now = clock.now().getTime();
    if ((usersSeen.get(id) ?? 0) > now) return true;
    const found = (await records.get(target, id)) !== undefined;
    if (found) {
      if (usersSeen.size >= 1000) usersSeen.clear();
      usersSeen.set(id, now + userSeenForMs);
    } else usersSeen.delete(id);
    return found;
  }

  async function pipeline(id: string): Promise<Pipeline | undefined> {
    const record = await records.get('pipeline', id);
    return record ? Pipeline.parse(record) : undefined;
  }

  /** Checks links to other records; every broken one is named by its field path. */
  async function checkLinks(type: EntityType, data: Record<string, unknown>, changed: Set<string>): Promise<void> {
    const issues: FieldIssue[] = [];
    const mustExist = async (field: string, target: EntityType) => {
      const id = data[field];
      if (typeof id !== 'string' || !changed.has(field)) return;
      if (!(await exists(target, id))) issues.push({ path: field, message: `no ${target} with id ${id}` });
    };
    await mustExist('responsibleId', 'user');
    if (type === 'contact') await mustExist('companyId', 'company');
    if (type === 'deal') {
      await Promise.all([mustExist('contactId', 'contact'), mustExist('companyId', 'company')]);
      if (changed.has('pipelineId') || changed.has('stageId')) {
        const found = await pipeline(String(data.pipelineId));
        if (!found) issues.push({ path: 'pipelineId', message: `no pipeline with id ${String(data.pipelineId)}` });
        else if (!stageOf(found, String(data.stageId)))
          issues.push({
            path: 'stageId',
            message: `pipeline ${found.id} has no stage ${String(data.stageId)} (its stages: ${found.stages.map((s) => s.id).join(', ')})`,
          });
      }
    }
    if (type === 'activity' || type === 'document') {
      const ownerChanged = changed.has('entityType') || changed.has('entityId');
      // The stage an activity was planned in is one of its deal's pipeline, or auto-completion never fires.
      const plannedChanged =
        type === 'activity' && data.entityType === 'deal' && typeof data.plannedInStageId === 'string' && (ownerChanged || changed.has('plannedInStageId'));
      const owner = ownerChanged || plannedChanged ? await records.get(data.entityType as EntityType, String(data.entityId)) : undefined;
      if (ownerChanged && !owner) issues.push({ path: 'entityId', message: `no ${String(data.entityType)} with id ${String(data.entityId)}` });
      if (plannedChanged && owner) {
        const found = await pipeline(String(owner.pipelineId));
        if (found && !stageOf(found, String(data.plannedInStageId)))
          issues.push({
            path: 'plannedInStageId',
            message: `the deal's pipeline ${found.id} has no stage ${String(data.plannedInStageId)} (its stages: ${found.stages.map((s) => s.id).join(', ')})`,
          });
      }
    }
    if (issues.length > 0) throw new ValidationFailed(issues);
  }

  /** An activity planned on a deal remembers the stage it was planned in (auto-completion reads it). */
  async function plannedStage(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (data.entityType !== 'deal' || data.plannedInStageId !== undefined) return data;
    const deal = await records.get('deal', String(data.entityId));
    return deal ? { ...data, plannedInStageId: deal.stageId } : data;
  }

  /** `id` is given only by automation steps, whose ids derive from (run, step) so a retry creates nothing twice. */
  async function create(type: CrmRecordType, input: unknown, caller: Caller, options: { id?: string; alongside?: WrittenAlongside } = {}): Promise<Entity> {
    let data = parseWith(createSchemas[type], await withNationalPhones(store, input)) as Record<string, unknown>;
    await checkLinks(type, data, new Set(Object.keys(data)));
    if (type === 'activity') data = await plannedStage(data);
    if (type === 'document') data = await prepareDocument(store, data, clock.now());
    return records.create(type, data, writeContextOf(caller), options);
  }

  /**
   * `step` (an automation step's write): `read` is the record as the step just read it: the first attempt writes
   * on it without reading it again, conditional on its version; a concurrent change is then met as always (412
   * with `expectedVersion`, else a retry on the fresh record). `alongside` is the step's log line, written in the
   * record's transaction.
   */
  async function update(type: CrmRecordType, id: string, input: unknown, caller: Caller, expectedVersion?: number, step: StepWrite = {}): Promise<Entity> {
    const { values, clears } = splitClears(await withNationalPhones(store, input));
    const patch = clears.length > 0 && isEmpty(values) ? {} : parseWith(patchSchemas[type], values);
    // An own field only: `in` would also find what every object inherits (`{"constructor": null}`).
    const unknown = clears.filter((field) => !Object.hasOwn(createSchemas[type].shape, field));
    if (unknown.length > 0) throw new ValidationFailed(unknown.map((path) => ({ path, message: 'not a field of this record' })));
    const required = clears.filter((field) => requiredFields[type].includes(field));
    if (required.length > 0) throw new ValidationFailed(required.map((path) => ({ path, message: 'required; it cannot be cleared' })));
    const full = { ...(patch as Record<string, unknown>), ...Object.fromEntries(clears.map((key) => [key, null])) };
    return writePatch(type, id, full, caller, expectedVersion, step);
  }

  async function writePatch(type: EntityType, id: string, patch: Record<string, unknown>, caller: Caller, expectedVersion?: number, step: StepWrite = {}) {
    const { read, alongside } = step;
    return withFreshVersion(expectedVersion, async (version, attempt) => {
      const current = attempt === 1 && read?.id === id ? read : await records.require(type, id);
      const next = mergePatch(current, patch);
      checkMerged(type, next);
      // Links are checked where the write changes them: an unchanged link was checked when it was set.
      const changed = Object.keys(patch).filter((field) => JSON.stringify(current[field]) !== JSON.stringify(next[field]));
      await checkLinks(type, next, new Set(changed));
      return records.update(type, id, () => next, writeContextOf(caller), { expectedVersion: version ?? current.version, current, ...(alongside ? { alongside } : {}) });
    });
  }

  async function remove(type: CrmRecordType, id: string, caller: Caller, expectedVersion?: number): Promise<void> {
    await withFreshVersion(expectedVersion, async (version) =>
      records.remove(type, id, writeContextOf(caller), version === undefined ? {} : { expectedVersion: version }),
    );
  }

  async function get(type: EntityType, id: string): Promise<Entity> {
    return records.require(type, id);
  }

  async function list(type: EntityType, options: ListOptions): Promise<{ items: Entity[]; cursor?: string }> {
    return records.list(type, options);
  }

  async function stageTotals(pipelineId: string, options: Pick<ListOptions, 'where' | 'search'>) {
    return records.stageTotals(pipelineId, options);
  }

  /**
   * A pipeline's board in one call: the pipeline, the first page of every stage's deals (queried in
   * parallel, under the same filters as GET /deals) and the names of the contacts those deals link to, so a
   * board client (the console, a kanban elsewhere) shows its columns after one round trip.
   */
  async function board(pipelineId: string, options: Pick<ListOptions, 'where' | 'search' | 'limit'>): Promise<Board> {
    const found = await pipeline(pipelineId);
    if (!found) throw new NotFound('pipeline', pipelineId);
    const pages = await Promise.all(
      found.stages.map((stage) => records.list('deal', { ...options, filter: { by: 'board', pipelineId: found.id, stageId: stage.id } })),
    );
    const contactIds = [...new Set(pages.flatMap((page) => page.items.map((deal) => deal.contactId)).filter((id): id is string => typeof id === 'string'))];
    const contacts: Board['contacts'] = {};
    for (let start = 0; start < contactIds.length; start += 100) {
      for (const [id, contact] of await records.getMany('contact', contactIds.slice(start, start + 100), { live: true })) {
        if (typeof contact.name === 'string') contacts[id] = { name: contact.name };
      }
    }
    const columns: Board['columns'] = {};
    found.stages.forEach((stage, index) => (columns[stage.id] = pages[index]!));
    return { pipeline: found, columns, contacts };
  }

  /** Every record of a type carrying an e-mail or phone, in any spelling of it. */
  async function findByContactPoint(type: EntityType, kind: ContactPointKind, raw: string): Promise<{ items: Entity[] }> {
    const country = kind === 'phone' ? await countryFor(store, raw) : undefined;
    const value = kind === 'email' ? normaliseEmail(raw) : await normalisePhone(raw, country);
    if (!value) throw ValidationFailed.field(`query.${kind}`, kind === 'email' ? 'not an e-mail address' : `not ${phoneFormat(country)}`);
    const found = await store.lookups.byContactPoint(kind, value);
    const items = await Promise.all(found.filter((hit) => hit.type === type).map((hit) => records.get(type, hit.id)));
    return { items: items.filter((item): item is Entity => item !== undefined) };
  }

  async function history(type: EntityType, id: string, options: { limit?: number; cursor?: string }) {
    const page = await records.history(type, id, options);
    if (page.items.length === 0 && !options.cursor) throw new NotFound(type, id);
    return { ...page, items: await actors.withActors(page.items) };
  }

  /** A signature by one party; signing twice changes nothing. */
  /** `expectedVersion` (If-Match) is checked also when the party signed already: the caller's view was stale. */
  async function sign(id: string, party: 'sender' | 'recipient', caller: Caller, expectedVersion?: number): Promise<Entity> {
    const field = party === 'sender' ? 'signedBySenderAt' : 'signedByRecipientAt';
    const current = await records.require('document', id);
    if (expectedVersion !== undefined && expectedVersion !== current.version) throw new VersionMismatch(expectedVersion, current.version);
    if (current[field]) return current;
    return writePatch('document', id, { [field]: clock.now().toISOString() }, caller, expectedVersion);
  }

  async function view(id: string, caller: Caller, expectedVersion?: number): Promise<Entity> {
    const current = await records.require('document', id);
    if (expectedVersion !== undefined && expectedVersion !== current.version) throw new VersionMismatch(expectedVersion, current.version);
    const views = typeof current.viewCount === 'number' ? current.viewCount : 0;
    return writePatch('document', id, { viewedAt: clock.now().toISOString(), viewCount: views + 1 }, caller, expectedVersion);
  }

  return { create, update, remove, get, list, stageTotals, board, findByContactPoint, history, sign, view, pipeline, writePatch, checkLinks };
}

/** Enough for ten writers racing on one record: each round one of them wins. */
const WRITE_ATTEMPTS = 12;

/**
 * With If-Match the caller decides what a concurrent write means (412). Without it,
 * the write is retried on the fresh record, after a short random pause so racing
 * writers spread out; a record that keeps changing under it ends in 409, never in a
 * 412 the caller did not ask for.
 */
async function withFreshVersion<T>(expectedVersion: number | undefined, write: (version: number | undefined, attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(expectedVersion, attempt);
    } catch (error) {
      if (expectedVersion !== undefined || !(error instanceof VersionMismatch)) throw error;
      if (attempt >= WRITE_ATTEMPTS) {
        throw new Conflict('WRITE_CONFLICT', `The record changed under ${WRITE_ATTEMPTS} attempts to write it; try again.`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** What a merge may break that the patch alone did not show: the custom-field limit. */
function checkMerged(type: EntityType, next: Record<string, unknown>): void {
  const custom = next.fields;
  if (isPlainObject(custom) && Object.keys(custom).length > MAX_CUSTOM_FIELDS) {
    throw ValidationFailed.field('fields', `at most ${MAX_CUSTOM_FIELDS} custom fields on a ${type}; remove some with null`);
  }
}

function isEmpty(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

export type RecordService = ReturnType<typeof createRecordService>;
