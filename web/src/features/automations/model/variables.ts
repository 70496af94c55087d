// What a builder offers from the workspace and the trigger: the fields of a record type (for conditions,
// updateFields and date pickers) and the Liquid variables a template can read in this automation's runs.
import type { Trigger } from '#shared/automation/definition.ts';
import { createSchemas, systemFields } from '#shared/domain/entities.ts';

export type RecordTypeName = 'contact' | 'company' | 'lead' | 'deal' | 'activity' | 'document';

/** The fields a record of the type has: its schema's fields and the bookkeeping every record carries. */
export function fieldsOf(type: RecordTypeName): string[] {
  const own = Object.keys(createSchemas[type].shape).filter((field) => field !== 'fields');
  return [...own, ...systemFields];
}

const DATE_FIELD = /(?:Date|At)$/;

/** Fields that hold a date or a date-time (dateReached, delay until). Custom fields are typed as `fields.name`. */
export function dateFieldsOf(type: RecordTypeName): string[] {
  const known: Record<RecordTypeName, string[]> = {
    contact: [],
    company: [],
    lead: [],
    deal: [],
    activity: [],
    document: ['signedBySenderAt', 'signedByRecipientAt', 'viewedAt'],
  };
  return [...new Set([...fieldsOf(type).filter((field) => DATE_FIELD.test(field)), ...known[type]])];
}

/** The record a trigger's actions act on: document triggers act on the document's owner (deal, lead, contact, company). */
export function subjectTypeOf(trigger: Pick<Trigger, 'type'> & { entity?: string }): RecordTypeName | 'documentOwner' {
  if (trigger.type === 'documentSigned' || trigger.type === 'documentViewed' || trigger.type === 'documentCreated') return 'documentOwner';
  return (trigger.entity ?? 'deal') as RecordTypeName;
}

export interface TemplateVariable {
  /** What to insert: `{{ deal.title }}`. */
  name: string;
  group: string;
}

/** The names of the webhook steps among `steps` (branches included), whose answers later steps read. */
function namedWebhooks(steps: readonly unknown[]): string[] {
  return steps.flatMap((step) => {
    const { type, name, then, else: otherwise } = (step ?? {}) as { type?: string; name?: unknown; then?: unknown; else?: unknown };
    if (type === 'callWebhook') return typeof name === 'string' && name ? [name] : [];
    if (type === 'branch') return [...namedWebhooks(Array.isArray(then) ? then : []), ...namedWebhooks(Array.isArray(otherwise) ? otherwise : [])];
    return [];
  });
}

/**
 * The variables a template sees in a run of this trigger (see templateContext in shared/automation/templates.ts);
 * with the automation's steps, also what each named webhook step answered (`steps.<name>.response`).
 */
export function variablesFor(trigger: Pick<Trigger, 'type'> & { entity?: string }, steps: readonly unknown[] = []): TemplateVariable[] {
  const subject = subjectTypeOf(trigger);
  const variables: TemplateVariable[] = [];
  const add = (group: string, names: string[]) => variables.push(...names.map((name) => ({ name, group })));
  if (subject === 'documentOwner') {
    add('record (the document\'s owner)', fieldsOf('deal').map((field) => `entity.${field}`));
  } else {
    add(subject, fieldsOf(subject).map((field) => `${subject}.${field}`));
  }
  // A run loads the contact and company its record names by id (shared/engine/template-variables.ts): a deal's
  // contact and company, a contact's company, a document's owner's. A lead, a company or an activity names neither.
  if (subject === 'deal' || subject === 'documentOwner') add('contact', ['contact.name', 'contact.emails', 'contact.phones', 'contact.id']);
  if (subject === 'deal' || subject === 'contact' || subject === 'documentOwner') add('company', ['company.name', 'company.emails', 'company.phones', 'company.id']);
  add('event', ['event.entityType', 'event.entityId', 'event.occurredAt', 'event.actor.id', 'event.changedFields']);
  add('run', ['automation.id', 'automation.name', 'run.id', 'run.dueAt', 'now']);
  for (const name of namedWebhooks(steps)) add(`webhook step ${name}`, [`steps.${name}.status`, `steps.${name}.response`]);
  return variables;
}
