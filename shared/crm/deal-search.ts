// A system rule (docs/ARCHITECTURE.md §3, §5): when a contact's name changes, its deals' search text is
// rewritten, so the board's text filter finds them by the new name. On the event path rather than in the
// request: the rename is committed before the event exists, and the event is delivered until handled
// (EventBridge retries and a dead-letter queue on AWS, the local bus's retries locally), so a crash between
// the two writes cannot leave deals findable only by the old name.
import type { EventBridgeEvent } from 'aws-lambda';
import type { CrmEventDetail } from '#shared/events/catalogue.ts';
import { refreshDealSearchRule } from '#shared/events/system-rules.ts';
import type { Logger } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';

/** Names the rule on the bus (the pattern is in the catalogue, shared/events/system-rules.ts). */
export const REFRESH_DEAL_SEARCH_RULE = refreshDealSearchRule.name;

export interface RefreshDealSearchDeps {
  store: Pick<Store, 'records'>;
  logger: Logger;
}

export function createRefreshDealSearch({ store, logger }: RefreshDealSearchDeps) {
  /**
   * Idempotent and order-free: it writes the contact's name as it is when it runs, not the event's, so a
   * replayed or late event (a second rename already handled) writes the current name again.
   */
  return async function refreshDealSearch(event: EventBridgeEvent<string, CrmEventDetail>): Promise<{ rewritten: number }> {
    const { detail } = event;
    if (detail.entityType !== 'contact' || !detail.changedFields.includes('name')) return { rewritten: 0 };
    const rewritten = await store.records.refreshContactDeals(detail.entityId);
    if (rewritten > 0) logger.info("deals' search text follows their contact's new name", { contactId: detail.entityId, rewritten });
    return { rewritten };
  };
}
