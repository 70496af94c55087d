// The kinds of record, free of zod and phone metadata so the store and the event
// publisher can import them without growing their bundles.

export const entityTypes = ['contact', 'company', 'lead', 'deal', 'activity', 'document', 'user', 'pipeline', 'automation', 'documentTemplate'] as const;
export type EntityType = (typeof entityTypes)[number];
/** Types whose create and patch schemas live in entities.ts; automations have theirs in shared/automation/definition.ts, document templates in documents.ts. */
export type SchemaType = Exclude<EntityType, 'automation' | 'documentTemplate'>;

/** Records that carry e-mails and phones (for duplicates and the exceptions list). */
export const contactPointTypes: readonly EntityType[] = ['contact', 'company', 'lead'];
/** Records refused when they carry an excepted e-mail or phone (docs/ARCHITECTURE.md §11). */
export const exceptionCheckedTypes: readonly EntityType[] = ['contact', 'lead'];
