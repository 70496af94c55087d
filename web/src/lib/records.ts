// Record types for the console, from the API's own zod schemas (one source of types).
import type { z } from 'zod';
import type { RecordMeta, Stage, createSchemas } from '#shared/domain/entities.ts';

export type { Stage };
type Output<K extends keyof typeof createSchemas> = z.output<(typeof createSchemas)[K]>;
export type Stored<T> = T & RecordMeta;

export type Deal = Stored<Output<'deal'>>;
export type Contact = Stored<Output<'contact'>>;
export type Company = Stored<Output<'company'>>;
export type Lead = Stored<Output<'lead'>>;
export type Activity = Stored<Output<'activity'>>;
export type DocumentRecord = Stored<Output<'document'>> & {
  /** The template's HTML as rendered when the document was made from one, kept as sent. */
  body?: string;
  kind?: string;
  signedBySenderAt?: string;
  signedByRecipientAt?: string;
  viewedAt?: string;
  viewCount?: number;
};
export type User = Stored<Output<'user'>> & { kind: 'human' | 'butler' };
export interface Pipeline extends RecordMeta {
  id: string;
  name: string;
  stages: Stage[];
}

export type RecordType = 'deal' | 'contact' | 'company' | 'lead';
export const collections = { deal: 'deals', contact: 'contacts', company: 'companies', lead: 'leads', activity: 'activities', document: 'documents' } as const;
export const recordTypeOfCollection = { deals: 'deal', contacts: 'contact', companies: 'company', leads: 'lead' } as const;
export type RecordCollection = keyof typeof recordTypeOfCollection;

export interface Page<T> {
  items: T[];
  cursor?: string;
}

/**
 * What an actor wrote for; the API names an integration by its current name when it still exists. `system`: one of
 * the system's own rules tidying up after an event (`system-unlink-deleted`: a linked record was deleted).
 */
/** What the system's own rules do, as a reader of a history or an event list understands it. */
export const systemWork: Record<string, string> = {
  'system-unlink-deleted': 'unlinked a deleted record',
  'system-complete-activities': 'completed it as the deal left its stage',
};

export type Via = { automationId: string; runId: string } | { integrationId: string; integrationName?: string } | { system: string; eventId: string };
export type Actor = { kind: 'user'; id: string; via?: Via } | { kind: 'butler'; id: 'butler'; via?: Via };

export interface HistoryEntry {
  at: string;
  actor: Actor;
  action: 'created' | 'updated' | 'deleted' | 'stageChanged';
  changes: Record<string, { from?: unknown; to?: unknown }>;
}

export const BUTLER_ID = 'butler';

/** A record's display name: deals and leads have a title, the others a name. */
export function titleOf(record: { title?: unknown; name?: unknown; id: string }): string {
  return String(record.title ?? record.name ?? record.id);
}
