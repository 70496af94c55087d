// The first system rule: when a deal leaves a stage, the Butler completes the deal's open
// activities planned in that stage with autoComplete (docs/ARCHITECTURE.md §6, planActivity).
import type { EventBridgeEvent } from 'aws-lambda';
import { systemActor } from '#shared/domain/actors.ts';
import type { Entity } from '#shared/domain/entities.ts';
import { NotFound, VersionMismatch } from '#shared/errors.ts';
import { type CrmEventDetail, detailTypes } from '#shared/events/catalogue.ts';
import { completeActivitiesRule } from '#shared/events/system-rules.ts';
import type { Logger } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import type { WriteContext } from '#shared/store/records.ts';

/** Names the rule on the bus and, as `via.system` and `cause.automationId`, its writes. */
export const COMPLETE_ACTIVITIES_RULE = completeActivitiesRule.name;

export type CrmEvent = EventBridgeEvent<string, CrmEventDetail>;

export interface CompleteActivitiesDeps {
  store: Store;
  logger: Logger;
}

const PAGE_SIZE = 100;
const WRITE_ATTEMPTS = 3;

export function createCompleteActivities({ store, logger }: CompleteActivitiesDeps) {
  /** Activities planned in `stageId` before the deal left it; later ones belong to a later visit. */
  async function dueActivities(dealId: string, stageId: string, leftAt: string): Promise<Entity[]> {
    const due: Entity[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.records.list('activity', {
        filter: { by: 'owner', ownerType: 'deal', ownerId: dealId, status: 'open' },
        limit: PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      });
      for (const activity of page.items) {
        if (activity.autoComplete === true && activity.plannedInStageId === stageId && Date.parse(activity.createdAt) <= Date.parse(leftAt)) {
          due.push(activity);
        }
      }
      cursor = page.cursor;
    } while (cursor);
    return due;
  }

  /** Completes one activity unless it is gone or no longer open; a concurrent edit is read again. */
  async function complete(id: string, context: WriteContext): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        const current = await store.records.get('activity', id);
        if (current?.status !== 'open') return false;
        await store.records.update('activity', id, (fresh) => ({ ...fresh, status: 'completed' }), context, { expectedVersion: current.version });
        return true;
      } catch (error) {
        if (error instanceof NotFound) return false;
        if (!(error instanceof VersionMismatch) || attempt >= WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Idempotent: a replayed event finds the activities it completed no longer open, and
   * activities planned after the event (the deal came back to the stage) are left alone.
   */
  return async function completeActivities(event: CrmEvent): Promise<{ completed: string[] }> {
    const { detail } = event;
    if (event['detail-type'] !== detailTypes.dealStageChanged || detail.entityType !== 'deal') return { completed: [] };
    const leftStage = detail.before?.stageId;
    if (typeof leftStage !== 'string') {
      logger.warn('Deal Stage Changed without the stage the deal left', { eventId: detail.eventId });
      return { completed: [] };
    }
    // The Butler, for a system rule (not an automation a reader could open): `via: {system, eventId}`.
    const context: WriteContext = {
      actor: systemActor(COMPLETE_ACTIVITIES_RULE, detail.eventId),
      cause: { automationId: COMPLETE_ACTIVITIES_RULE, depth: detail.cause.depth + 1 },
    };
    const completed: string[] = [];
    for (const activity of await dueActivities(detail.entityId, leftStage, detail.occurredAt)) {
      if (await complete(activity.id, context)) completed.push(activity.id);
    }
    if (completed.length > 0) logger.info('activities completed as the deal left their stage', { dealId: detail.entityId, leftStage, completed });
    return { completed };
  };
}

export type CompleteActivities = ReturnType<typeof createCompleteActivities>;
