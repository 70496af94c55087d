// What a definition must pass when it is saved, beyond its schema and its pipelines: every user, field
// and template variable it names exists on the records its runs will see. Only saving runs these
// checks; a stored definition is read with the schema alone, so one saved earlier still runs.
import { BUTLER_ID } from '#shared/domain/actors.ts';
import { normaliseEmail } from '#shared/domain/contact-points.ts';
import { templateVariables as documentTemplateFields } from '#shared/domain/documents.ts';
import { ownerTypes, reservedFieldNameProblem } from '#shared/domain/entities.ts';
import type { FieldIssue } from '#shared/errors.ts';
import {
  type Action,
  type AutomationDefinition,
  type Condition,
  type ConditionGroup,
  type Subject,
  type TriggerEntity,
  type Workspace,
  actionsOf,
  isCondition,
  subjectOf,
  triggerEntityOf,
  workspaceIssues,
} from './definition.ts';
import { loadDateArithmetic } from './date-arithmetic.ts';
import { dateFields, isCustomField, isUntemplatable, recordFields, writableFields } from './record-fields.ts';
import { templateKeys } from './render-action.ts';
import { templateProblem, templateVariables } from './templates.ts';

export interface SaveWorkspace extends Workspace {
  /** Ids of the users a step may name. */
  users: string[];
}

const LISTED = 20;
const listed = (names: readonly string[]) => (names.length > LISTED ? `${names.slice(0, LISTED).join(', ')}, …` : names.join(', ')) || 'none';

/** The record types a run's actions may act on. */
const subjectTypes = (subject: Subject): TriggerEntity[] => (subject === 'documentOwner' ? [...ownerTypes] : [subject]);

const an = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const describeSubject = (subject: Subject) => (subject === 'documentOwner' ? "a document's owner" : an(subject));

// ---------------------------------------------------------------------------------------------------------
// Field paths

/** Why `fields.<name>` can never name a custom field (a reserved name no record may carry), or undefined. */
const customFieldProblem = (path: string): string | undefined =>
  isCustomField(path) ? reservedFieldNameProblem(path.slice('fields.'.length)) : undefined;

/** Why `path` names nothing on the record type, or undefined when it does. */
function unknownField(type: TriggerEntity, path: string): string | undefined {
  if (isCustomField(path)) return customFieldProblem(path);
  if (recordFields(type).includes(path)) return undefined;
  return `${an(type)} has no field "${path}" (its fields: ${listed(recordFields(type))}; custom fields are "fields.<name>")`;
}

function notADate(type: TriggerEntity, path: string): string | undefined {
  if (isCustomField(path)) return customFieldProblem(path);
  if (dateFields(type).includes(path)) return undefined;
  const unknown = unknownField(type, path);
  if (unknown) return unknown;
  return `"${path}" of ${an(type)} is not a date (its dates: ${listed(dateFields(type))}; or a custom field "fields.<name>" holding one)`;
}

function conditionFieldIssues(items: Array<Condition | ConditionGroup>, path: string, type: TriggerEntity, issues: FieldIssue[]): void {
  items.forEach((item, index) => {
    if (!isCondition(item)) {
      const key = item.all ? 'all' : 'any';
      conditionFieldIssues(item.all ?? item.any ?? [], `${path}.${index}.${key}`, type, issues);
      return;
    }
    const problem = unknownField(type, item.field);
    if (problem) issues.push({ path: `${path}.${index}.field`, message: problem });
  });
}

function updateFieldIssues(action: Extract<Action, { type: 'updateFields' }>, path: string, subject: Subject, users: ReadonlySet<string>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const [field, template] of Object.entries(action.set)) {
    const at = `${path}.set.${field}`;
    if (isCustomField(field)) {
      const problem = customFieldProblem(field);
      if (problem) issues.push({ path: at, message: problem });
      continue;
    }
    const types = subjectTypes(subject);
    // An own field only: `in` would also find what every object inherits (constructor, toString).
    const lacking = types.filter((type) => !Object.hasOwn(writableFields(type), field));
    if (lacking.length > 0) {
      const writable = types.map((type) => Object.keys(writableFields(type))).reduce((a, b) => a.filter((name) => b.includes(name)));
      issues.push({
        path: at,
        message: `${lacking.map(an).join(', ')} has no field "${field}" that updateFields can set (settable: ${listed(writable)}; custom fields are "fields.<name>")`,
      });
      continue;
    }
    const untemplatable = types.find((type) => isUntemplatable(type, field));
    if (untemplatable) {
      issues.push({ path: at, message: `"${field}" holds a list or a yes/no; updateFields writes text or numbers` });
      continue;
    }
    if (isLiteral(template)) {
      // A value without template syntax is known now: check it as the write will.
      let valid = true;
      for (const type of types) {
        const value = field === 'amount' ? Number(template) : template;
        const result = writableFields(type)[field]!.safeParse(value);
        if (!result.success) {
          issues.push({ path: at, message: `not a valid ${field}: ${result.error.issues[0]?.message ?? 'refused'}` });
          valid = false;
          break;
        }
      }
      // The records it names are checked by reading them (literalValueIssues); a user is one of the workspace's.
      const problem = valid && field === 'responsibleId' ? responsibleProblem(template.trim(), users) : undefined;
      if (problem) issues.push({ path: at, message: problem });
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------------------
// Template variables

const eventFields = ['eventId', 'entityType', 'entityId', 'occurredAt', 'actor', 'cause', 'before', 'after', 'changedFields', 'party'];

/** Each variable a template may start with, and the properties it has (undefined: any). */
function variablesFor(subject: Subject, trigger: TriggerEntity): Map<string, string[] | undefined> {
  const fieldsOf = (...types: TriggerEntity[]) => [...new Set(types.flatMap((type) => recordFields(type)))];
  const types = subjectTypes(subject);
  const variables = new Map<string, string[] | undefined>();
  for (const type of types) variables.set(type, fieldsOf(type));
  // run-action loads the subject's contact and company by their ids; a contact is its own contact.
  if (types.some((type) => type === 'deal' || type === 'contact')) variables.set('contact', fieldsOf('contact'));
  if (types.some((type) => type === 'deal' || type === 'contact' || type === 'company')) variables.set('company', fieldsOf('company'));
  if (trigger === 'document') {
    variables.set('document', fieldsOf('document'));
    // run-action loads the template the document was made from.
    variables.set('template', [...documentTemplateFields]);
  }
  variables.set('entity', fieldsOf(...types));
  variables.set('event', eventFields);
  variables.set('automation', ['id', 'name']);
  variables.set('run', ['id', 'dueAt']);
  variables.set('now', []);
  return variables;
}

function templateVariableIssues(source: string, path: string, subject: Subject, variables: Map<string, string[] | undefined>): FieldIssue[] {
  if (templateProblem(source)) return [];
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const [root, property] of templateVariables(source)) {
    if (root === undefined) continue;
    const name = property === undefined ? root : `${root}.${property}`;
    if (seen.has(name)) continue;
    seen.add(name);
    if (!variables.has(root)) {
      issues.push({
        path,
        message: `{{ ${name} }}: the runs of this automation (on ${describeSubject(subject)}) have no "${root}"; the variables are ${[...variables.keys()].join(', ')}`,
      });
      continue;
    }
    const properties = variables.get(root);
    if (property !== undefined && properties !== undefined && !properties.includes(property) && !['size', 'first', 'last'].includes(property)) {
      issues.push({
        path,
        message: `{{ ${name} }}: "${root}" has no "${property}" (it has ${properties.length > 0 ? listed(properties) : 'no properties'})`,
      });
    }
  }
  return issues;
}

function templatesOf(action: Action): Array<[string, string]> {
  const sources: Array<[string, string]> = [];
  for (const key of templateKeys[action.type] as readonly string[]) {
    const value = (action as Record<string, unknown>)[key];
    if (typeof value === 'string') sources.push([key, value]);
  }
  if (action.type === 'updateFields') for (const [field, value] of Object.entries(action.set)) sources.push([`set.${field}`, value]);
  if (action.type === 'callWebhook') for (const [name, value] of Object.entries(action.headers ?? {})) sources.push([`headers.${name}`, value]);
  return sources;
}

// ---------------------------------------------------------------------------------------------------------
// Users and recipients

const isLiteral = (source: string) => !source.includes('{{') && !source.includes('{%');

/** Why a user id cannot be responsible for a record: no such user, or the Butler (who acts, and answers for nothing). */
function responsibleProblem(id: string, users: ReadonlySet<string>): string | undefined {
  if (id === BUTLER_ID) return 'the Butler cannot be responsible for a record';
  if (!users.has(id)) return `no user with id ${id} (users: ${listed([...users].filter((user) => user !== BUTLER_ID))})`;
  return undefined;
}

function userIssues(action: Action, path: string, users: ReadonlySet<string>, subject: Subject): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const named: Array<[string, string | undefined]> = [];
  if (action.type === 'createLead' || action.type === 'copyDeal' || action.type === 'planActivity') named.push(['responsible', action.responsible]);
  if (action.type === 'notify') named.push(['userId', action.userId]);
  for (const [key, value] of named) {
    if (value === undefined || !isLiteral(value)) continue;
    const id = value.trim();
    const problem = key === 'responsible' ? responsibleProblem(id, users) : users.has(id) ? undefined : `no user with id ${id} (users: ${listed([...users])})`;
    if (problem) issues.push({ path: `${path}.${key}`, message: problem });
  }
  const types = subjectTypes(subject);
  const toResponsible = (action.type === 'notify' || action.type === 'sendEmail') && action.to === 'responsible';
  if (toResponsible) {
    const without = types.filter((type) => !recordFields(type).includes('responsibleId'));
    if (without.length > 0) issues.push({ path: `${path}.to`, message: `${without.map(an).join(', ')} has no responsible user; name one with to: userId` });
  }
  // A literal address is mailed as written (an empty one is a template that renders nothing at save).
  if (action.type === 'sendEmail' && action.to === 'address' && action.address && isLiteral(action.address) && !normaliseEmail(action.address)) {
    issues.push({ path: `${path}.address`, message: `not an e-mail address: ${action.address}` });
  }
  if (action.type === 'sendEmail' && action.to === 'contact') {
    const mailable = ['contact', 'company', 'lead', 'deal'];
    const without = types.filter((type) => !mailable.includes(type));
    if (without.length > 0) issues.push({ path: `${path}.to`, message: `${without.map(an).join(', ')} has no contact to mail; use to: address or to: responsible` });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------------------

/** Every problem saving would leave for run time, each by its field path; empty when the definition works. */
export function saveIssues(definition: AutomationDefinition, workspace: SaveWorkspace): FieldIssue[] {
  const issues = workspaceIssues(definition, workspace);
  const { trigger, delay, conditions } = definition;
  const triggerType = triggerEntityOf(trigger);
  const subject = subjectOf(trigger);

  if (trigger.type === 'updated')
    trigger.fields?.forEach((field, index) => {
      const problem = unknownField(triggerType, field);
      if (problem) issues.push({ path: `trigger.fields.${index}`, message: problem });
    });
  if (trigger.type === 'dateReached') {
    const problem = notADate(triggerType, trigger.field);
    if (problem) issues.push({ path: 'trigger.field', message: problem });
  }
  if (delay?.until) {
    const problem = notADate(triggerType, delay.until.field);
    if (problem) issues.push({ path: 'delay.until.field', message: problem });
  }
  if (conditions) {
    const key = conditions.all ? 'all' : 'any';
    conditionFieldIssues(conditions.all ?? conditions.any ?? [], `conditions.${key}`, triggerType, issues);
  }

  const users = new Set(workspace.users);
  const variables = variablesFor(subject, triggerType);
  const actions = actionsOf(definition.actions);
  // Later steps read what a named webhook step answered: `{{ steps.<name>.response… }}`.
  const webhookNames = actions.flatMap(({ action }) => (action.type === 'callWebhook' && action.name ? [action.name] : []));
  if (webhookNames.length > 0) variables.set('steps', webhookNames);
  for (const { action, path: at } of actions) {
    const path = at.join('.');
    issues.push(...userIssues(action, path, users, subject));
    if (action.type === 'updateFields') issues.push(...updateFieldIssues(action, path, subject, users));
    for (const [key, source] of templatesOf(action)) issues.push(...templateVariableIssues(source, `${path}.${key}`, subject, variables));
  }
  return issues;
}

/** The fields whose literal updateFields value is the id of a record, and that record's type. */
const linkedTypes = { contactId: 'contact', companyId: 'company' } as const;

/**
 * What saving checks beyond saveIssues, by reading: the contact or company a literal `set.contactId`/`companyId`
 * names exists, and a literal `due` that is no duration is a date or date-time as planActivity reads it (luxon,
 * loaded here). Templates are filled at run time and are not checked.
 */
export async function literalValueIssues(
  definition: AutomationDefinition,
  exists: (type: 'contact' | 'company', id: string) => Promise<boolean>,
): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  for (const { action, path: at } of actionsOf(definition.actions)) {
    const path = at.join('.');
    if (action.type === 'updateFields') {
      for (const [field, type] of Object.entries(linkedTypes)) {
        const value = Object.hasOwn(action.set, field) ? action.set[field]!.trim() : undefined;
        if (value && isLiteral(value) && !(await exists(type, value))) issues.push({ path: `${path}.set.${field}`, message: `no ${type} with id ${value}` });
      }
    }
    if (action.type === 'planActivity' && isLiteral(action.due) && !/^-?P/.test(action.due)) {
      const luxon = await loadDateArithmetic();
      if (!luxon.DateTime.fromISO(action.due, { zone: definition.timeZone }).isValid)
        issues.push({ path: `${path}.due`, message: `not a duration or date: ${action.due} (a duration such as P3D, or a date such as 2026-05-01 or 2026-05-01T10:00)` });
    }
  }
  return issues;
}
