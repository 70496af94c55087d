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
  /** A webhook step's answer: that step's path (`actions.0.then.1`); offered only to the steps after it. */
  after?: string;
}

/**
 * Whether the step at `earlier` has run before the step at `later` whatever the branches decided, or may have (it
 * sits in a branch that runs before): an earlier step of the same list or of a list `later` is nested in. A step
 * in another arm of the same branch, the step itself, and steps nested inside it do not.
 */
export function runsBefore(earlier: string, later: string): boolean {
  const a = earlier.split('.');
  const b = later.split('.');
  for (let position = 0; position < Math.min(a.length, b.length); position++) {
    if (a[position] === b[position]) continue;
    // Lists alternate with arms: `actions`, index, arm, index, arm, index…
    const isIndex = position % 2 === 1;
    return isIndex && Number(a[position]) < Number(b[position]);
  }
  return false;
}

/** The named webhook steps among `steps` (branches included), with their paths: later steps read their answers. */
function namedWebhooks(steps: readonly unknown[], path = 'actions'): Array<{ name: string; path: string }> {
  return steps.flatMap((step, index) => {
    const { type, name, then, else: otherwise } = (step ?? {}) as { type?: string; name?: unknown; then?: unknown; else?: unknown };
    const at = `${path}.${index}`;
    if (type === 'callWebhook') return typeof name === 'string' && name ? [{ name, path: at }] : [];
    if (type === 'branch') return [...namedWebhooks(Array.isArray(then) ? then : [], `${at}.then`), ...namedWebhooks(Array.isArray(otherwise) ? otherwise : [], `${at}.else`)];
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
  for (const { name, path } of namedWebhooks(steps))
    variables.push(...[`steps.${name}.status`, `steps.${name}.response`].map((variable) => ({ name: variable, group: `webhook step ${name}`, after: path })));
  return variables;
}
