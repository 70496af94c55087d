// The builder's form state and its translation to and from the automation definition the API stores.
// The form keeps every input as text so switching a trigger or an action type keeps what was typed;
// toDefinition keeps only what the chosen type reads, so definition → form → definition is the identity.
import type {
  Action,
  ActionType,
  AutomationDefinitionInput,
  Branch,
  Condition,
  ConditionOp,
  Step,
  Trigger,
  TriggerEntity,
  TriggerType,
} from '#shared/automation/definition.ts';
import { actionTypes } from '#shared/automation/definition-model.ts';
import type { userRoles } from '#shared/domain/entities.ts';

export type StepType = ActionType | 'branch';
const stepTypes: readonly string[] = [...actionTypes, 'branch'];
/** Every step type the console knows has inputs; a step of another type (from a newer API) is edited as JSON. */
export const hasForm = (type: string): type is StepType => stepTypes.includes(type);

type Scalar = string | number | boolean | null;

/** How a condition's value is typed: the API compares numbers with numbers and text with text. */
export type ValueKind = 'text' | 'number' | 'boolean' | 'null';

export interface ConditionRow {
  kind: 'condition';
  field: string;
  op: ConditionOp;
  /** The value as typed; for `in` one value per line. Empty with `exists` means "exists" (no value). */
  value: string;
  valueKind: ValueKind;
}

export interface GroupRow {
  kind: 'group';
  mode: 'all' | 'any';
  rows: ConditionRow[];
}

export interface ConditionsForm {
  mode: 'all' | 'any';
  rows: Array<ConditionRow | GroupRow>;
}

export interface TriggerForm {
  type: TriggerType;
  entity: TriggerEntity;
  pipelineId: string;
  stageId: string;
  /** updated: the fields whose change fires it (none: any change). */
  fields: string[];
  /** dateReached: the date field, its offset (ISO-8601, may be negative) and the time of day for a date-only value. */
  field: string;
  offset: string;
  at: string;
  party: 'sender' | 'recipient' | 'all';
  templateId: string;
}

export interface DelayForm {
  /** 'working' alone: wait for the next working hour. */
  kind: 'none' | 'after' | 'until' | 'working';
  /** Count the delay in the workspace calendar's working time. */
  workingTime?: boolean;
  after: string;
  untilField: string;
  untilOffset: string;
  untilAt: string;
}

export interface FieldRow {
  field: string;
  value: string;
}

export interface HeaderRow {
  name: string;
  value: string;
}

export const webhookMethods = ['POST', 'PUT', 'PATCH'] as const;

/** One step (an action or a branch); every option of every type lives here as text, and the type picks what is read. */
export interface ActionForm {
  type: StepType;
  /** A step of a type the builder does not know, as JSON text: sent as typed. */
  raw?: string;
  title: string;
  responsible: string;
  pipelineId: string;
  stageId: string;
  subject: string;
  activityType: 'call' | 'meeting' | 'task' | 'email';
  due: string;
  autoComplete: boolean;
  deleteEntity: boolean;
  emailTo: 'contact' | 'responsible' | 'address';
  address: string;
  body: string;
  /** sendEmail: the HTML version of the body ('' sends text only). */
  html: string;
  notifyTo: 'responsible' | 'userId';
  userId: string;
  message: string;
  set: FieldRow[];
  allowBackward: boolean;
  /** createDocument: the template the document is made from. */
  templateId: string;
  /** sendDocument: by e-mail or SMS, to the record's contact or an address (`address`). */
  channel: 'email' | 'sms';
  documentTo: 'contact' | 'address';
  /** callWebhook: its name, read by later steps as `{{ steps.<name>.response… }}`. */
  webhookName: string;
  url: string;
  /** '' leaves the default (POST). */
  method: '' | (typeof webhookMethods)[number];
  /** undefined: no headers given; an empty list is the definition's `headers: {}`. */
  headers: HeaderRow[] | undefined;
  /** The request body, a Liquid template rendering JSON; '' sends the record and the run. */
  payload: string;
  /** The webhook secret that signs each request; '' leaves it unsigned. */
  secretId: string;
  /** Seconds per attempt, as typed; '' leaves the default (10). */
  timeoutSeconds: string;
  /** assign: round-robin over the users listed (in this order) or over every active user with a role. */
  assignTo: 'users' | 'role';
  users: string[];
  role: (typeof userRoles)[number];
  /** branch: its name (the run log's "If <name>"), its conditions, and the steps of each arm. */
  branchName: string;
  when: ConditionsForm;
  thenSteps: ActionForm[];
  elseSteps: ActionForm[];
}

export interface DefinitionForm {
  name: string;
  status: 'active' | 'stopped';
  trigger: TriggerForm;
  conditions: ConditionsForm;
  delay: DelayForm;
  recheck: boolean;
  /** '' leaves the default (cancel for stageEntered, continue otherwise). */
  onLeave: '' | 'cancel' | 'continue';
  finishPending: boolean;
  timeZone: string;
  actions: ActionForm[];
  /** Options of the definition the builder has no inputs for (allowMembers, reenroll, …): kept as they are. */
  extra: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------
// Blank states

export function blankTrigger(type: TriggerType = 'stageEntered'): TriggerForm {
  return { type, entity: 'deal', pipelineId: '', stageId: '', fields: [], field: '', offset: '', at: '', party: 'all', templateId: '' };
}

export function blankAction(type: StepType = 'createLead'): ActionForm {
  return {
    type,
    title: '',
    responsible: '',
    pipelineId: '',
    stageId: '',
    subject: '',
    activityType: 'call',
    due: '',
    autoComplete: false,
    deleteEntity: false,
    emailTo: 'contact',
    address: '',
    body: '',
    html: '',
    notifyTo: 'responsible',
    userId: '',
    message: '',
    set: [],
    allowBackward: false,
    templateId: '',
    channel: 'email',
    documentTo: 'contact',
    webhookName: '',
    url: '',
    method: '',
    headers: undefined,
    payload: '',
    secretId: '',
    timeoutSeconds: '',
    assignTo: 'users',
    users: [],
    role: 'member',
    branchName: '',
    when: { mode: 'all', rows: [] },
    thenSteps: [],
    elseSteps: [],
  };
}

export function blankCondition(): ConditionRow {
  return { kind: 'condition', field: '', op: 'eq', value: '', valueKind: 'text' };
}

export function blankForm(): DefinitionForm {
  return {
    name: '',
    status: 'active',
    trigger: blankTrigger(),
    conditions: { mode: 'all', rows: [] },
    delay: { kind: 'none', after: '', untilField: '', untilOffset: '', untilAt: '' },
    recheck: false,
    onLeave: '',
    finishPending: false,
    timeZone: 'UTC',
    actions: [blankAction()],
    extra: {},
  };
}

// ---------------------------------------------------------------------------------------------------------
// Definition → form

function triggerToForm(trigger: Trigger): TriggerForm {
  const form = blankTrigger(trigger.type);
  switch (trigger.type) {
    case 'created':
    case 'deleted':
    case 'manual':
      return { ...form, entity: trigger.entity };
    case 'updated':
      return { ...form, entity: trigger.entity, fields: [...(trigger.fields ?? [])] };
    case 'stageEntered':
      return { ...form, entity: trigger.entity, pipelineId: trigger.pipelineId ?? '', stageId: trigger.stageId };
    case 'dateReached':
      return { ...form, entity: trigger.entity, field: trigger.field, offset: trigger.offset ?? '', at: trigger.at ?? '' };
    case 'documentSigned':
      return { ...form, entity: 'document', party: trigger.party, pipelineId: trigger.pipelineId ?? '', templateId: trigger.templateId ?? '' };
    case 'documentViewed':
    case 'documentCreated':
      return { ...form, entity: 'document', pipelineId: trigger.pipelineId ?? '', templateId: trigger.templateId ?? '' };
  }
}

function kindOf(value: unknown): ValueKind {
  if (value === null) return 'null';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'text';
}

function conditionToRow(condition: Condition): ConditionRow {
  const { value } = condition;
  if (Array.isArray(value)) {
    return { kind: 'condition', field: condition.field, op: condition.op, value: value.map((item) => String(item)).join('\n'), valueKind: kindOf(value[0]) };
  }
  return {
    kind: 'condition',
    field: condition.field,
    op: condition.op,
    value: value === undefined || value === null ? '' : String(value),
    valueKind: value === undefined ? 'text' : kindOf(value),
  };
}

type ConditionItem = Condition | { all?: Condition[]; any?: Condition[] };

function conditionsToForm(conditions: AutomationDefinitionInput['conditions']): ConditionsForm {
  if (!conditions) return { mode: 'all', rows: [] };
  const mode = conditions.all ? 'all' : 'any';
  const items = (conditions.all ?? conditions.any ?? []) as ConditionItem[];
  return {
    mode,
    rows: items.map((item): ConditionRow | GroupRow => {
      if ('field' in item) return conditionToRow(item);
      return { kind: 'group', mode: item.all ? 'all' : 'any', rows: (item.all ?? item.any ?? []).map(conditionToRow) };
    }),
  };
}

function actionToForm(step: Step): ActionForm {
  if (!hasForm(step.type)) return { ...blankAction('createLead'), type: step.type, raw: JSON.stringify(step, null, 2) };
  if (step.type === 'branch') {
    return {
      ...blankAction('branch'),
      branchName: step.name ?? '',
      when: conditionsToForm(step.if as AutomationDefinitionInput['conditions']),
      thenSteps: step.then.map(actionToForm),
      elseSteps: step.else.map(actionToForm),
    };
  }
  const action: Action = step;
  const form = blankAction(action.type);
  switch (action.type) {
    case 'createLead':
      return { ...form, title: action.title, responsible: action.responsible ?? '' };
    case 'copyDeal':
      return { ...form, title: action.title ?? '', pipelineId: action.pipelineId, stageId: action.stageId, responsible: action.responsible ?? '' };
    case 'planActivity':
      return {
        ...form,
        subject: action.subject,
        activityType: action.activityType,
        due: action.due,
        responsible: action.responsible ?? '',
        autoComplete: action.autoComplete ?? false,
      };
    case 'addToExceptions':
      return { ...form, deleteEntity: action.deleteEntity ?? false };
    case 'sendEmail':
      return { ...form, emailTo: action.to, address: action.address ?? '', subject: action.subject, body: action.body, html: action.html ?? '' };
    case 'notify':
      return { ...form, notifyTo: action.to, userId: action.userId ?? '', message: action.message };
    case 'updateFields':
      return { ...form, set: Object.entries(action.set).map(([field, value]) => ({ field, value })) };
    case 'moveToStage':
      return { ...form, stageId: action.stageId, pipelineId: action.pipelineId ?? '', allowBackward: action.allowBackward ?? false };
    case 'createDocument':
      return { ...form, templateId: action.templateId, title: action.title ?? '' };
    case 'sendDocument':
      return { ...form, channel: action.channel, documentTo: action.to, address: action.address ?? '', subject: action.subject ?? '', message: action.message ?? '' };
    case 'callWebhook':
      return {
        ...form,
        webhookName: action.name ?? '',
        url: action.url,
        method: action.method ?? '',
        headers: action.headers ? Object.entries(action.headers).map(([name, value]) => ({ name, value })) : undefined,
        payload: action.body ?? '',
        secretId: action.secretId ?? '',
        timeoutSeconds: action.timeoutSeconds === undefined ? '' : String(action.timeoutSeconds),
      };
    case 'assign':
      return action.role ? { ...form, assignTo: 'role', role: action.role } : { ...form, assignTo: 'users', users: [...(action.users ?? [])] };
  }
}

const modelled = new Set(['name', 'status', 'trigger', 'conditions', 'delay', 'recheck', 'onLeave', 'finishPending', 'timeZone', 'actions']);
/** What a stored automation carries besides its definition: never sent back. */
const recordKeys = new Set(['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'provisioning', 'provisioningError', 'deletedAt', 'deletedBy']);

/** The form for a stored (or seeded) definition. Extra attributes of a stored automation (id, version…) are ignored. */
export function toForm(definition: AutomationDefinitionInput): DefinitionForm {
  const form = blankForm();
  const delay = definition.delay as { after?: string; until?: { field: string; offset?: string; at?: string }; workingTime?: boolean } | undefined;
  const working = delay?.workingTime === true ? { workingTime: true } : {};
  const extra = Object.fromEntries(Object.entries(definition).filter(([key]) => !modelled.has(key) && !recordKeys.has(key)));
  return {
    extra,
    name: definition.name,
    status: definition.status ?? 'active',
    trigger: triggerToForm(definition.trigger),
    conditions: conditionsToForm(definition.conditions),
    delay: delay?.after
      ? { ...form.delay, ...working, kind: 'after', after: delay.after }
      : delay?.until
        ? { ...form.delay, ...working, kind: 'until', untilField: delay.until.field, untilOffset: delay.until.offset ?? '', untilAt: delay.until.at ?? '' }
        : delay?.workingTime
          ? { ...form.delay, kind: 'working', workingTime: true }
          : form.delay,
    recheck: definition.recheck ?? false,
    onLeave: definition.onLeave ?? '',
    finishPending: definition.finishPending ?? false,
    timeZone: definition.timeZone ?? 'UTC',
    actions: (definition.actions as Step[]).map(actionToForm),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Form → definition

/** Empty text means "not given": the key is left out, so the API applies its default. */
const given = (text: string) => text.trim() !== '';
const optional = <K extends string>(key: K, text: string): Partial<Record<K, string>> =>
  given(text) ? ({ [key]: text.trim() } as Record<K, string>) : {};

function triggerFromForm(form: TriggerForm): Trigger {
  const { entity } = form;
  switch (form.type) {
    case 'created':
    case 'deleted':
    case 'manual':
      return { type: form.type, entity };
    case 'updated':
      return form.fields.length > 0 ? { type: 'updated', entity, fields: [...form.fields] } : { type: 'updated', entity };
    case 'stageEntered':
      return {
        type: 'stageEntered',
        entity: entity === 'lead' ? 'lead' : 'deal',
        ...(entity === 'lead' ? {} : optional('pipelineId', form.pipelineId)),
        stageId: form.stageId.trim(),
      };
    case 'dateReached':
      return { type: 'dateReached', entity, field: form.field.trim(), ...optional('offset', form.offset), ...optional('at', form.at) };
    case 'documentSigned':
      return { type: 'documentSigned', party: form.party, ...optional('pipelineId', form.pipelineId), ...optional('templateId', form.templateId) };
    case 'documentViewed':
    case 'documentCreated':
      return { type: form.type, ...optional('pipelineId', form.pipelineId), ...optional('templateId', form.templateId) };
  }
}

function typed(text: string, kind: ValueKind): Scalar {
  switch (kind) {
    case 'null':
      return null;
    case 'boolean':
      return text.trim() === 'true';
    case 'number': {
      // A number that does not parse is sent as typed, so the API's error names the field.
      const number = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(number) ? number : text;
    }
    case 'text':
      return text;
  }
}

function conditionFromRow(row: ConditionRow): Condition {
  const base = { field: row.field.trim(), op: row.op };
  switch (row.op) {
    case 'changed':
      return base;
    case 'exists':
      return row.valueKind === 'boolean' && given(row.value) ? { ...base, value: row.value.trim() === 'true' } : base;
    case 'in':
      return {
        ...base,
        value: row.value
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => typed(line.trim(), row.valueKind)),
      };
    default:
      return { ...base, value: typed(row.value, row.valueKind) };
  }
}

function conditionsFromForm(form: ConditionsForm): AutomationDefinitionInput['conditions'] {
  if (form.rows.length === 0) return undefined;
  const items = form.rows.map((row) =>
    row.kind === 'condition' ? conditionFromRow(row) : { [row.mode]: row.rows.map(conditionFromRow) },
  );
  return { [form.mode]: items } as AutomationDefinitionInput['conditions'];
}

function rawStep(form: ActionForm): Step {
  try {
    return JSON.parse(form.raw ?? '') as Step;
  } catch {
    // Sent as typed, so the API's 400 names the step.
    return { type: form.type, json: form.raw } as unknown as Step;
  }
}

function actionFromForm(form: ActionForm): Step {
  if (!hasForm(form.type)) return rawStep(form);
  switch (form.type) {
    case 'branch':
      return {
        type: 'branch',
        ...optional('name', form.branchName),
        // No condition is sent as an empty list, so the API's 400 names the branch's conditions.
        if: (conditionsFromForm(form.when) ?? { [form.when.mode]: [] }) as Branch['if'],
        then: form.thenSteps.map(actionFromForm),
        else: form.elseSteps.map(actionFromForm),
      };
    case 'createLead':
      return { type: 'createLead', title: form.title, ...optional('responsible', form.responsible) };
    case 'copyDeal':
      return {
        type: 'copyDeal',
        ...(given(form.title) ? { title: form.title } : {}),
        pipelineId: form.pipelineId,
        stageId: form.stageId,
        ...optional('responsible', form.responsible),
      };
    case 'planActivity':
      return {
        type: 'planActivity',
        subject: form.subject,
        activityType: form.activityType,
        due: form.due.trim(),
        ...optional('responsible', form.responsible),
        ...(form.autoComplete ? { autoComplete: true } : {}),
      };
    case 'addToExceptions':
      return form.deleteEntity ? { type: 'addToExceptions', deleteEntity: true } : { type: 'addToExceptions' };
    case 'sendEmail':
      return {
        type: 'sendEmail',
        to: form.emailTo,
        ...(form.emailTo === 'address' ? { address: form.address.trim() } : {}),
        subject: form.subject,
        body: form.body,
        ...(given(form.html) ? { html: form.html } : {}),
      };
    case 'notify':
      return { type: 'notify', to: form.notifyTo, ...(form.notifyTo === 'userId' ? { userId: form.userId.trim() } : {}), message: form.message };
    case 'updateFields':
      return { type: 'updateFields', set: Object.fromEntries(form.set.filter((row) => given(row.field)).map((row) => [row.field.trim(), row.value])) };
    case 'moveToStage':
      return {
        type: 'moveToStage',
        stageId: form.stageId,
        ...optional('pipelineId', form.pipelineId),
        ...(form.allowBackward ? { allowBackward: true } : {}),
      };
    case 'createDocument':
      return { type: 'createDocument', templateId: form.templateId.trim(), ...(given(form.title) ? { title: form.title } : {}) };
    case 'sendDocument':
      return {
        type: 'sendDocument',
        channel: form.channel,
        to: form.documentTo,
        ...(form.documentTo === 'address' ? { address: form.address.trim() } : {}),
        // An SMS has no subject: the e-mail's subject is sent only by e-mail.
        ...(form.channel === 'email' && given(form.subject) ? { subject: form.subject } : {}),
        ...(given(form.message) ? { message: form.message } : {}),
      };
    case 'callWebhook':
      return {
        type: 'callWebhook',
        ...optional('name', form.webhookName),
        url: form.url,
        ...(form.method ? { method: form.method } : {}),
        ...(form.headers ? { headers: Object.fromEntries(form.headers.filter((row) => given(row.name)).map((row) => [row.name.trim(), row.value])) } : {}),
        ...(given(form.payload) ? { body: form.payload } : {}),
        ...optional('secretId', form.secretId),
        ...(given(form.timeoutSeconds) ? { timeoutSeconds: typed(form.timeoutSeconds, 'number') as number } : {}),
      };
    case 'assign':
      return form.assignTo === 'role' ? { type: 'assign', role: form.role } : { type: 'assign', users: [...form.users] };
  }
}

function delayFromForm(form: DelayForm): AutomationDefinitionInput['delay'] {
  const working = form.workingTime ? { workingTime: true } : {};
  if (form.kind === 'after') return { after: form.after.trim(), ...working };
  if (form.kind === 'until') return { until: { field: form.untilField.trim(), ...optional('offset', form.untilOffset), ...optional('at', form.untilAt) }, ...working };
  if (form.kind === 'working') return { workingTime: true };
  return undefined;
}

/**
 * The definition to send. Defaults the API would fill anyway (recheck false, finishPending false) are sent
 * explicitly so a PATCH turns an option off; absent optional inputs are left out, never sent as "".
 */
export function toDefinition(form: DefinitionForm): AutomationDefinitionInput {
  const conditions = conditionsFromForm(form.conditions);
  const delay = form.trigger.type === 'dateReached' ? undefined : delayFromForm(form.delay);
  return {
    name: form.name.trim(),
    status: form.status,
    trigger: triggerFromForm(form.trigger),
    ...(conditions ? { conditions } : {}),
    ...(delay ? { delay } : {}),
    recheck: form.recheck,
    ...(form.onLeave ? { onLeave: form.onLeave } : {}),
    finishPending: form.finishPending,
    timeZone: form.timeZone.trim() || 'UTC',
    actions: form.actions.map(actionFromForm),
    ...form.extra,
  } as AutomationDefinitionInput;
}

/** A PATCH body that also clears what the form removed: merge patch keeps a key that is left out. */
export function toPatch(form: DefinitionForm): Record<string, unknown> {
  const definition = toDefinition(form);
  return { conditions: null, delay: null, onLeave: null, ...definition };
}
