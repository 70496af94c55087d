// When the loop guard stops a chain (docs/ARCHITECTURE.md §5: no rule matches an event deeper than MAX_TRIGGER_DEPTH), the
// automations whose rules would have matched get a run with status LOOP_STOPPED, and admins a notification, so a
// stopped A↔B chain is visible in the run log instead of silently ending. Fed by a system rule on the bus.
import { compileEventPattern } from '#shared/automation/compile-pattern.ts';
import { MAX_TRIGGER_DEPTH } from '#shared/events/catalogue.ts';
import { subjectOf } from '#shared/automation/definition-model.ts';
import { type EventPattern, matchesPattern } from '#shared/events/pattern.ts';
import { stepId } from '#shared/ids.ts';
import type { Clock, Logger } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import { storedDefinition } from './stored-definition.ts';

/** A CRM event as a rule target receives it. */
export interface GuardedEvent {
  'detail-type': string;
  time?: string;
  detail: {
    eventId: string;
    entityType: string;
    entityId: string;
    occurredAt?: string;
    cause?: { automationId?: string; depth?: number };
    after?: Record<string, unknown> | null;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** The automation's rule pattern without its depth guard: what it would have matched but for the loop guard. */
function unguarded(pattern: EventPattern): EventPattern {
  const copy = structuredClone(pattern) as { detail?: { cause?: Record<string, unknown> } };
  delete copy.detail?.cause?.depth;
  return copy as EventPattern;
}

export function createLoopGuard({ store, clock, logger }: { store: Store; clock: Clock; logger: Logger }) {
  async function admins(): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.records.list('user', { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const user of page.items) if (user.role === 'admin' && user.kind !== 'butler') ids.push(user.id);
      cursor = page.cursor;
    } while (cursor);
    return ids;
  }

  /** Records a LOOP_STOPPED run for each active automation the event would have started; idempotent per event. */
  return async function onDeepEvent(event: GuardedEvent): Promise<string[]> {
    const { detail } = event;
    const depth = Number(detail.cause?.depth ?? 0);
    if (depth <= MAX_TRIGGER_DEPTH) return [];
    const at = detail.occurredAt ?? clock.now().toISOString();
    const stopped: string[] = [];
    let notify: string[] | undefined;
    let cursor: string | undefined;
    do {
      const page = await store.records.list('automation', { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const record of page.items) {
        if (record.status !== 'active') continue;
        let definition: ReturnType<typeof storedDefinition>;
        try {
          definition = storedDefinition(record);
        } catch {
          continue;
        }
        const pattern = compileEventPattern({ id: record.id, definition });
        if (!pattern || !matchesPattern(unguarded(pattern), event)) continue;
        const owner = subjectOf(definition.trigger) === 'documentOwner';
        const entityType = owner ? String(detail.after?.entityType ?? detail.entityType) : detail.entityType;
        const entityId = owner ? String(detail.after?.entityId ?? detail.entityId) : detail.entityId;
        const causedBy = detail.cause?.automationId ?? 'none';
        const reason = `the loop guard stopped a chain of automation writes at depth ${depth} (the last write by automation ${causedBy}); automations trigger up to depth ${MAX_TRIGGER_DEPTH}`;
        const recorded = await store.runLog.recordLoopStopped({
          automationId: record.id,
          automationVersion: record.version,
          runId: detail.eventId,
          trigger: definition.trigger.type,
          entityType,
          entityId,
          at,
          reason,
          depth,
          causedBy,
        });
        stopped.push(record.id);
        if (!recorded) continue;
        notify ??= await admins();
        const message = `Automation "${definition.name}" did not run for ${entityType} ${entityId}: ${reason}. Check the automations that write to each other.`;
        const id = stepId(`loop#${record.id}#${detail.eventId}`, 0, new Date(at));
        for (const userId of notify) {
          await store.notifications.add({ id, userId, message, from: { automationId: record.id, runId: detail.eventId } });
        }
        logger.warn('loop guard stopped a run', { automationId: record.id, eventId: detail.eventId, depth });
      }
      cursor = page.cursor;
    } while (cursor);
    return stopped;
  };
}

export type LoopGuard = ReturnType<typeof createLoopGuard>;
