// The CRM event catalogue (docs/ARCHITECTURE.md §5): every detail-type on the bus "stagecraft" and the
// shape of its detail. deriveEvents produces them; automations' patterns and system rules match them.
import type { Actor, Cause } from '#shared/domain/actors.ts';
import type { EntityType } from '#shared/domain/entities.ts';

export const CRM_SOURCE = 'stagecraft.crm';

/** Events caused up to this many automation hops deep still trigger (DESIGN §5: "no event deeper than 5"); the
 *  writes of their runs are one deeper, so no automation write is deeper than MAX_TRIGGER_DEPTH + 1 = 6, and an
 *  event at depth 6 triggers nothing: the loop guard takes it (docs/ARCHITECTURE.md §5). */
export const MAX_TRIGGER_DEPTH = 5;

/**
 * The entity name each record type has in detail-types. Users and pipelines are in the
 * catalogue too: no automation trigger names them, but their changes are rare and cheap,
 * and caches of stage lists or user names can listen to them.
 */
export const entityNames: Record<EntityType, string> = {
  contact: 'Contact',
  company: 'Company',
  lead: 'Lead',
  deal: 'Deal',
  activity: 'Activity',
  document: 'Document',
  user: 'User',
  pipeline: 'Pipeline',
  automation: 'Automation',
  documentTemplate: 'Document Template',
};

export type LifecycleVerb = 'Created' | 'Updated' | 'Deleted';
export type DocumentParty = 'sender' | 'recipient' | 'all';

export const detailTypes = {
  lifecycle: (type: EntityType, verb: LifecycleVerb) => `${entityNames[type]} ${verb}`,
  dealStageChanged: 'Deal Stage Changed',
  leadStageChanged: 'Lead Stage Changed',
  documentSigned: 'Document Signed',
  documentViewed: 'Document Viewed',
} as const;

/** Record types whose stage moves have their own event, besides the Updated one. */
export const stagedTypes = { deal: detailTypes.dealStageChanged, lead: detailTypes.leadStageChanged } as const;

/** Every detail-type the publisher can send, for documentation and for validating triggers. */
export const crmDetailTypes: readonly string[] = [
  ...Object.keys(entityNames).flatMap((type) =>
    (['Created', 'Updated', 'Deleted'] as const).map((verb) => detailTypes.lifecycle(type as EntityType, verb)),
  ),
  detailTypes.dealStageChanged,
  detailTypes.leadStageChanged,
  detailTypes.documentSigned,
  detailTypes.documentViewed,
];

/**
 * Who wrote when a write left no `lastWrite` on the item: a removal outside the CRM
 * (console, TTL of a live item, a restore script). Not the Butler — no automation and
 * no integration did it — and not a real user id, so statistics never count it.
 */
export const SYSTEM_ACTOR: Actor = { kind: 'user', id: 'system' };

export interface CrmEventDetail {
  /** Unique per event, derived from the stream record id, so a replay carries the same id. */
  eventId: string;
  entityType: EntityType;
  entityId: string;
  occurredAt: string;
  actor: Actor;
  /** Always present: `anything-but` in a compiled pattern does not match a missing field. */
  cause: Cause;
  /** The record as the API shows it; null on Created. */
  before: Record<string, unknown> | null;
  /** The record as the API shows it; null on Deleted. */
  after: Record<string, unknown> | null;
  /** Record fields (not id/version/timestamps) that differ between before and after, sorted; a changed custom
   *  field is named both `fields` and `fields.<name>`. */
  changedFields: string[];
  /** Document Signed only. */
  party?: DocumentParty;
  /** Set by the publisher when the event had to lose fields to fit EventBridge's 256 KB: their paths. */
  trimmed?: string[];
}
