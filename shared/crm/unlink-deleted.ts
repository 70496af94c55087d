// A system rule (docs/ARCHITECTURE.md §5): after a contact, company, lead or deal is deleted, the Butler tidies
// what pointed at it. Deals and contacts lose the link (a plain update: new version, history entry, `Updated`
// event), open activities and documents owned by it are deleted (their history stays, as every deleted record's
// does). On the event path, not in the request: the delete is committed before the event exists, and the event is
// delivered until handled (retries, then the rule's dead letters), so a crash halfway leaves nothing dangling for good.
import type { EventBridgeEvent } from 'aws-lambda';
import { type Cause, systemActor } from '#shared/domain/actors.ts';
import type { Entity, EntityType } from '#shared/domain/entities.ts';
import { NotFound, VersionMismatch } from '#shared/errors.ts';
import type { CrmEventDetail } from '#shared/events/catalogue.ts';
import { linkedTypes, unlinkDeletedRule } from '#shared/events/system-rules.ts';
import type { Logger } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import type { ListFilter, WriteContext } from '#shared/store/records.ts';

/** Names the rule on the bus and, as `via.system` and `cause.automationId`, its writes. */
export const UNLINK_DELETED_RULE = unlinkDeletedRule.name;

export interface UnlinkDeletedDeps {
  store: Pick<Store, 'records'>;
  logger: Logger;
}

/** What one Deleted event changed: the records unlinked and the records deleted, as `<type>#<id>`. */
export interface Tidied {
  unlinked: string[];
  deleted: string[];
}

/** Records written in parallel: a page of a company's 2,000 contacts takes one round of writes, not 25. */
const PAGE_SIZE = 25;
const WRITE_ATTEMPTS = 3;

type LinkedType = (typeof linkedTypes)[number];

/** Which records link to a record of each type, by which field, found through which index. */
const linksTo: Record<LinkedType, Array<{ type: EntityType; field: string; filter: (id: string) => ListFilter }>> = {
  contact: [{ type: 'deal', field: 'contactId', filter: (contactId) => ({ by: 'contact', contactId }) }],
  company: [
    { type: 'deal', field: 'companyId', filter: (companyId) => ({ by: 'company', companyId }) },
    { type: 'contact', field: 'companyId', filter: (companyId) => ({ by: 'company', companyId }) },
  ],
  lead: [],
  deal: [],
};

const isLinkedType = (type: string): type is LinkedType => (linkedTypes as readonly string[]).includes(type);

export function createUnlinkDeleted({ store, logger }: UnlinkDeletedDeps) {
  const { records } = store;

  /**
   * Every record of a listing, page by page, handled a page at a time. A handled record leaves the listing's index
   * (its link or its item is gone), which does not move the cursor: DynamoDB resumes after the last key it read.
   */
  async function eachPage(type: EntityType, filter: ListFilter, handle: (record: Entity) => Promise<boolean>): Promise<string[]> {
    const done: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await records.list(type, { filter, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      const outcomes = await Promise.all(page.items.map(handle));
      page.items.forEach((record, index) => outcomes[index] && done.push(`${type}#${record.id}`));
      cursor = page.cursor;
    } while (cursor);
    return done;
  }

  /** Writes on the record as listed, conditional on its version; a concurrent edit is read again. */
  async function withFresh(type: EntityType, listed: Entity, write: (current: Entity) => Promise<boolean>): Promise<boolean> {
    let current: Entity | undefined = listed;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!current) return false;
        return await write(current);
      } catch (error) {
        if (error instanceof NotFound) return false;
        if (!(error instanceof VersionMismatch) || attempt >= WRITE_ATTEMPTS) throw error;
        current = await records.get(type, listed.id);
      }
    }
  }

  /** Removes `field` when it still names the deleted record: a replay, or a record linked elsewhere since, is left alone. */
  function unlink(type: EntityType, field: string, targetId: string, context: WriteContext) {
    return (listed: Entity) =>
      withFresh(type, listed, async (current) => {
        if (current[field] !== targetId) return false;
        const { [field]: _removed, ...rest } = current;
        // Removing a link stores no e-mail or phone: a contact whose address was excepted since is unlinked all the same.
        await records.update(type, current.id, () => rest, context, { expectedVersion: current.version, current, checkExceptions: false });
        return true;
      });
  }

  /** Deletes an activity while it is still open, or a document: what only made sense with its owner. */
  function removeOwned(type: 'activity' | 'document', owner: { type: EntityType; id: string }, context: WriteContext) {
    return (listed: Entity) =>
      withFresh(type, listed, async (current) => {
        // Moved to another record since the index was read: it belongs there now.
        if (current.entityType !== owner.type || current.entityId !== owner.id) return false;
        if (type === 'activity' && current.status !== 'open') return false;
        await records.remove(type, current.id, context, { expectedVersion: current.version });
        return true;
      });
  }

  /**
   * Idempotent: a replayed event finds the links removed and the owned records deleted (nothing listed, or
   * nothing still pointing at the record), and does nothing when the record exists again.
   */
  return async function unlinkDeleted(event: EventBridgeEvent<string, CrmEventDetail>): Promise<Tidied> {
    const { detail } = event;
    const type = detail.entityType;
    if (!isLinkedType(type) || !event['detail-type'].endsWith(' Deleted')) return { unlinked: [], deleted: [] };
    if (await records.get(type, detail.entityId)) {
      logger.warn('a Deleted event for a record that exists: nothing unlinked', { eventId: detail.eventId, entityType: type, entityId: detail.entityId });
      return { unlinked: [], deleted: [] };
    }
    // At the deletion's own depth: tidying cannot loop (it writes only links and owned records of a record that is
    // gone), and one hop deeper would send every unlinked record of a deletion made at the loop limit to the loop
    // guard, a stopped run and a notice each.
    const cause: Cause = { automationId: UNLINK_DELETED_RULE, depth: detail.cause.depth };
    const context: WriteContext = { actor: systemActor(UNLINK_DELETED_RULE, detail.eventId), cause };
    const unlinked: string[] = [];
    for (const link of linksTo[type]) {
      unlinked.push(...(await eachPage(link.type, link.filter(detail.entityId), unlink(link.type, link.field, detail.entityId, context))));
    }
    const owner: ListFilter = { by: 'owner', ownerType: type, ownerId: detail.entityId };
    const deleted = [
      ...(await eachPage('activity', { ...owner, status: 'open' }, removeOwned('activity', { type, id: detail.entityId }, context))),
      ...(await eachPage('document', owner, removeOwned('document', { type, id: detail.entityId }, context))),
    ];
    if (unlinked.length + deleted.length > 0) logger.info('records tidied after a deletion', { entityType: type, entityId: detail.entityId, unlinked, deleted });
    return { unlinked, deleted };
  };
}

export type UnlinkDeleted = ReturnType<typeof createUnlinkDeleted>;
