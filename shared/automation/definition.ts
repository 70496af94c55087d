// The automation definition an admin saves (docs/ARCHITECTURE.md §6): its zod schema with a field path for every problem
// (shape, Liquid templates, ISO-8601 durations), and the checks that need the workspace's pipelines.
import { z } from 'zod';
import { parseWith } from '#shared/domain/validation.ts';
import { Id, type Pipeline, activityTypes, leadStages, ownerTypes, stageOf, systemFields, userRoles } from '#shared/domain/entities.ts';
import { type FieldIssue, ValidationFailed } from '#shared/errors.ts';
import {
  DURATION_HINT,
  MAX_DURATION_DAYS,
  TIME_OF_DAY,
  isDuration,
  isNegativeDuration,
  isZeroDuration,
  longestDays,
} from './iso-durations.ts';
import { FIELD_PATH, FIELD_PATH_HINT } from './fields.ts';
import { documentIssues } from './document-variables.ts';
import { templateProblem } from './template-checks.ts';
import { WORKING_DURATION_HINT, isTimeZone, isWorkingDuration } from './working-calendar.ts';
import type { Assert } from '#shared/type-checks.ts';
import {
  type DelayShape,
  MAX_ACTIONS,
  MAX_BRANCH_DEPTH,
  MAX_STEPS,
  type StepShape,
  type Subject,
  type TriggerShape,
  type TriggerType,
  actionTypes,
  actionsOf,
  conditionOps,
  definitionDefaults,
  isBranch,
  isCondition,
  reenrollPolicies,
  stagedEntities,
  subjectOf,
  triggerEntities,
  triggerTypes,
  walkSteps,
} from './definition-model.ts';

// What a definition means is read without the schema (definition-model.ts); its importers find it here too.
export * from './definition-model.ts';

// ---------------------------------------------------------------------------------------------------------
// Building blocks

const Slug = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "_" and "-", starting with a letter or digit');

const FieldPath = z.string().regex(FIELD_PATH, FIELD_PATH_HINT);

const Template = (max: number, options: { html?: boolean } = {}) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((source, ctx) => {
      const problem = templateProblem(source, options);
      if (problem) ctx.addIssue({ code: 'custom', message: `not a valid Liquid template: ${problem}` });
    });

const durationWithin = (text: string) => isDuration(text) && longestDays(text) <= MAX_DURATION_DAYS;

/** An offset from a date: may count backwards ("-P3D": three days before). */
const SignedDuration = z.string().refine(durationWithin, `${DURATION_HINT}, at most ${MAX_DURATION_DAYS} days`);

/** A delay from now: forwards only, and not zero (no delay is said by leaving `delay` out). */
const PositiveDuration = SignedDuration.refine((text) => !isNegativeDuration(text), 'a delay cannot be negative').refine(
  (text) => !isZeroDuration(text),
  'a delay of zero is no delay: leave "delay" out',
);

const TimeOfDay = z.string().regex(TIME_OF_DAY, 'a time of day as HH:mm, such as 09:00');

const Scalar = z.union([z.string().max(1000), z.number().finite(), z.boolean(), z.null()]);

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'stagecraft-signature', 'idempotency-key', 'transfer-encoding', 'connection']);
/** A webhook URL: absolute http(s), or a template whose fixed start is one. */
function isWebhookUrl(url: string): boolean {
  if (/^\{\{|^\{%/.test(url)) return true;
  try {
    const parsed = new URL(url.replace(/\{\{.*?\}\}/g, 'x').replace(/\{%.*?%\}/g, ''));
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

const IsoDateOrTime = /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

// ---------------------------------------------------------------------------------------------------------
// Trigger

/** Document triggers apply to the documents of one pipeline's deals, and of one template, when named. */
const templateFilter = { pipelineId: Slug.optional(), templateId: Id.optional() };

export const Trigger = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('created'), entity: z.enum(triggerEntities) }),
    z.strictObject({ type: z.literal('updated'), entity: z.enum(triggerEntities), fields: z.array(FieldPath).min(1).max(20).optional() }),
    z.strictObject({ type: z.literal('deleted'), entity: z.enum(triggerEntities) }),
    z.strictObject({ type: z.literal('stageEntered'), entity: z.enum(stagedEntities), pipelineId: Slug.optional(), stageId: Slug }),
    z.strictObject({
      type: z.literal('dateReached'),
      entity: z.enum(triggerEntities),
      field: FieldPath,
      offset: SignedDuration.optional(),
      /** Time of day for a date-only field; 09:00 when left out. */
      at: TimeOfDay.optional(),
    }),
    z.strictObject({ type: z.literal('documentSigned'), party: z.enum(['sender', 'recipient', 'all']), ...templateFilter }),
    z.strictObject({ type: z.literal('documentViewed'), ...templateFilter }),
    z.strictObject({ type: z.literal('documentCreated'), ...templateFilter }),
    z.strictObject({ type: z.literal('manual'), entity: z.enum(triggerEntities) }),
  ],
  { error: `trigger type must be one of ${triggerTypes.join(', ')}` },
);
export type Trigger = z.infer<typeof Trigger>;

// ---------------------------------------------------------------------------------------------------------
// Conditions

export const Condition = z
  .strictObject({
    field: FieldPath,
    op: z.enum(conditionOps),
    value: z.union([Scalar, z.array(Scalar).min(1).max(100)]).optional(),
  })
  .superRefine((condition, ctx) => {
    const { op, value } = condition;
    const refuse = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    const isScalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
    switch (op) {
      case 'eq':
      case 'ne':
        if (value === undefined) refuse(`${op} needs a value`);
        else if (!isScalar) refuse(`${op} compares with one value; use "in" for a list`);
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        if (!(typeof value === 'number' || (typeof value === 'string' && IsoDateOrTime.test(value))))
          refuse(`${op} compares with a number or an ISO-8601 date`);
        break;
      case 'in':
        if (!Array.isArray(value)) refuse('in needs a list of values');
        break;
      case 'contains':
        if (typeof value !== 'string' && typeof value !== 'number') refuse('contains needs a text or a number to look for');
        break;
      case 'exists':
        if (value !== undefined && typeof value !== 'boolean') refuse('exists takes true, false, or no value');
        break;
      case 'changed':
        if (value !== undefined) refuse('changed takes no value');
        break;
    }
  });
export type Condition = z.infer<typeof Condition>;

const opError = { error: `a condition needs "field" and an "op" (one of ${conditionOps.join(', ')}), or is a group with "all" or "any"` };

function groupOf<T extends z.ZodType>(item: T) {
  const list = z.array(item).min(1).max(20);
  // "op" never appears on a group; it tells a group from a condition with a precise path on errors.
  return z
    .strictObject({ op: z.undefined().optional(), all: list.optional(), any: list.optional() })
    .superRefine((group, ctx) => {
      if ((group.all === undefined) === (group.any === undefined))
        ctx.addIssue({ code: 'custom', message: 'a condition group has exactly one of "all" or "any"' });
    });
}

/** One level of nesting: `{all: [cond, {any: [cond, cond]}]}`. */
const InnerGroup = groupOf(Condition);
export const Conditions = groupOf(z.discriminatedUnion('op', [Condition, InnerGroup], opError));
export type Conditions = z.infer<typeof Conditions>;
export type ConditionGroup = z.infer<typeof InnerGroup> | Conditions;

// ---------------------------------------------------------------------------------------------------------
// Delay

export const Delay = z
  .strictObject({
    after: PositiveDuration.optional(),
    until: z
      .strictObject({
        field: FieldPath,
        offset: SignedDuration.optional(),
        /** Time of day for a date-only field; 09:00 when left out. */
        at: TimeOfDay.optional(),
      })
      .optional(),
    /** Count the delay in the workspace calendar's working time; alone, it waits for the next working hour. */
    workingTime: z.boolean().optional(),
  })
  .superRefine((delay, ctx) => {
    const working = delay.workingTime === true;
    if (delay.after !== undefined && delay.until !== undefined)
      ctx.addIssue({ code: 'custom', message: 'a delay has exactly one of "after" (a duration) or "until" (a date field)' });
    else if (delay.after === undefined && delay.until === undefined && !working)
      ctx.addIssue({
        code: 'custom',
        message: 'a delay has "after" (a duration) or "until" (a date field), or "workingTime": true alone for the next working hour',
      });
    if (working && delay.after !== undefined && isDuration(delay.after) && !isWorkingDuration(delay.after))
      ctx.addIssue({ code: 'custom', path: ['after'], message: `a delay in working time is ${WORKING_DURATION_HINT}` });
  });
export type Delay = z.infer<typeof Delay>;

// ---------------------------------------------------------------------------------------------------------
// Actions

/** Fields updateFields may not write: the record's bookkeeping, and stages (moveToStage keeps its rules). */
const unwritableFields = new Set<string>([...systemFields, 'pipelineId', 'stageId']);

const activityDue = z
  .string()
  .min(1)
  .max(200)
  .superRefine((due, ctx) => {
    // A value that looks like a duration must be one; anything else is a template for a date or date-time.
    if (/^-?P/.test(due)) {
      if (!durationWithin(due) || isNegativeDuration(due)) ctx.addIssue({ code: 'custom', message: `${DURATION_HINT} from now` });
      return;
    }
    const problem = templateProblem(due);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a duration nor a valid Liquid template: ${problem}` });
  });

export const Action = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('createLead'), title: Template(500), responsible: Template(200).optional() }),
    z.strictObject({
      type: z.literal('copyDeal'),
      title: Template(500).optional(),
      pipelineId: Slug,
      stageId: Slug,
      responsible: Template(200).optional(),
    }),
    z.strictObject({
      type: z.literal('planActivity'),
      subject: Template(500),
      activityType: z.enum(activityTypes),
      due: activityDue,
      responsible: Template(200).optional(),
      autoComplete: z.boolean().optional(),
    }),
    z.strictObject({ type: z.literal('addToExceptions'), deleteEntity: z.boolean().optional() }),
    z
      .strictObject({
        type: z.literal('sendEmail'),
        to: z.enum(['contact', 'responsible', 'address']),
        address: Template(320).optional(),
        subject: Template(500),
        /** The text part; with `html`, the part shown by mail clients that do not show HTML. */
        body: Template(20_000),
        /** Sent as multipart/alternative with `body`; every value written into it is HTML-escaped. */
        html: Template(20_000, { html: true }).optional(),
      })
      .superRefine((action, ctx) => {
        if (action.to === 'address' && action.address === undefined)
          ctx.addIssue({ code: 'custom', path: ['address'], message: 'to: address needs the address (a template)' });
        if (action.to !== 'address' && action.address !== undefined)
          ctx.addIssue({ code: 'custom', path: ['address'], message: 'an address is only read with to: address' });
      }),
    z
      .strictObject({
        type: z.literal('notify'),
        to: z.enum(['responsible', 'userId']),
        userId: Template(200).optional(),
        message: Template(2000),
      })
      .superRefine((action, ctx) => {
        if (action.to === 'userId' && action.userId === undefined)
          ctx.addIssue({ code: 'custom', path: ['userId'], message: 'to: userId needs the user id (a template)' });
        if (action.to !== 'userId' && action.userId !== undefined)
          ctx.addIssue({ code: 'custom', path: ['userId'], message: 'a user id is only read with to: userId' });
      }),
    z.strictObject({
      type: z.literal('updateFields'),
      set: z
        .record(FieldPath, Template(10_000))
        .superRefine((set, ctx) => {
          const fields = Object.keys(set);
          if (fields.length === 0) ctx.addIssue({ code: 'custom', message: 'name at least one field to set' });
          if (fields.length > 50) ctx.addIssue({ code: 'custom', message: 'at most 50 fields' });
          for (const field of fields)
            if (unwritableFields.has(field))
              ctx.addIssue({
                code: 'custom',
                path: [field],
                message: field === 'stageId' || field === 'pipelineId' ? 'use moveToStage to move a record' : 'a system field cannot be set',
              });
        }),
    }),
    z.strictObject({
      type: z.literal('moveToStage'),
      stageId: Slug,
      /** The pipeline whose deals this step moves, when the trigger does not pin one; deals of others stay. */
      pipelineId: Slug.optional(),
      allowBackward: z.boolean().optional(),
    }),
    z
      .strictObject({
        type: z.literal('assign'),
        /** Round-robin over these users, in this order. */
        users: z.array(Id).min(1).max(100).optional(),
        /** Round-robin over every active user with this role. */
        role: z.enum(userRoles).optional(),
      })
      .superRefine((action, ctx) => {
        if ((action.users === undefined) === (action.role === undefined))
          ctx.addIssue({ code: 'custom', message: 'assign takes exactly one of "users" (a list of user ids) or "role"' });
        if (action.users && new Set(action.users).size !== action.users.length)
          ctx.addIssue({ code: 'custom', path: ['users'], message: 'each user once' });
      }),
    z
      .strictObject({
        type: z.literal('callWebhook'),
        /** Later steps read the response as `{{ steps.<name>.response.… }}`. */
        name: Slug.optional(),
        url: Template(2000).refine(isWebhookUrl, 'an absolute http(s) URL, such as https://example.org/hooks/crm (it may hold {{ templates }})'),
        method: z.enum(['POST', 'PUT', 'PATCH']).optional(),
        headers: z
          .record(z.string().regex(HEADER_NAME, 'a header name: letters, digits and "-"'), Template(2000))
          .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers')
          .superRefine((headers, ctx) => {
            for (const name of Object.keys(headers))
              if (RESERVED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [name], message: 'this header is set by Stagecraft' });
          })
          .optional(),
        /** A Liquid template that renders JSON (use the `json` filter for values); default: the record and the run. */
        body: Template(20_000).optional(),
        /** Signs each request with this secret from POST /webhook-secrets (`Stagecraft-Signature`). */
        secretId: Id.optional(),
        /** Per attempt; 5xx answers and network errors are retried with backoff. @default 10 */
        timeoutSeconds: z.number().int().min(1).max(30).optional(),
      }),
    z.strictObject({ type: z.literal('createDocument'), templateId: Id, title: Template(500).optional() }),
    z
      .strictObject({
        type: z.literal('sendDocument'),
        channel: z.enum(['email', 'sms']),
        to: z.enum(['contact', 'address']),
        address: Template(320).optional(),
        subject: Template(500).optional(),
        message: Template(2000).optional(),
      })
      .superRefine((action, ctx) => {
        if (action.to === 'address' && action.address === undefined)
          ctx.addIssue({ code: 'custom', path: ['address'], message: 'to: address needs the address (a template)' });
        if (action.to !== 'address' && action.address !== undefined)
          ctx.addIssue({ code: 'custom', path: ['address'], message: 'an address is only read with to: address' });
      }),
  ],
  { error: `unknown action type; one of ${actionTypes.join(', ')}` },
);
export type Action = z.infer<typeof Action>;

// ---------------------------------------------------------------------------------------------------------
// Branches: an if/else step whose lists hold actions and further branches


export interface Branch {
  type: 'branch';
  name?: string | undefined;
  if: Conditions;
  then: Step[];
  else: Step[];
}
export type Step = Action | Branch;

export const BranchStep: z.ZodType<Branch> = z
  .strictObject({
    type: z.literal('branch'),
    /** Shown in the run log: "If big deal". */
    name: z.string().trim().min(1).max(60).optional(),
    if: z.lazy(() => Conditions),
    then: z.array(z.lazy(() => StepSchema)).max(MAX_ACTIONS),
    else: z.array(z.lazy(() => StepSchema)).max(MAX_ACTIONS),
  })
  .superRefine((branch, ctx) => {
    if (branch.then.length === 0 && branch.else.length === 0)
      ctx.addIssue({ code: 'custom', path: ['then'], message: 'a branch needs an action in "then" or in "else"' });
  }) as z.ZodType<Branch>;

const StepSchema: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion('type', [...Action.options, BranchStep as never], {
    error: `unknown action type; one of ${[...actionTypes, 'branch'].join(', ')}`,
  }),
) as z.ZodType<Step>;
export { StepSchema as Step };

// ---------------------------------------------------------------------------------------------------------
// The definition

export const AutomationDefinition = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    status: z.enum(['active', 'stopped']).default(definitionDefaults.status),
    trigger: Trigger,
    conditions: Conditions.optional(),
    delay: Delay.optional(),
    /** Re-read the record after the wait and skip the run when the conditions no longer hold. */
    recheck: z.boolean().default(definitionDefaults.recheck),
    /** What a waiting run does when its record leaves the stage it was in: default cancel for stageEntered. */
    onLeave: z.enum(['cancel', 'continue']).optional(),
    /** When the automation is stopped, let its waiting runs finish instead of cancelling them. */
    finishPending: z.boolean().default(definitionDefaults.finishPending),
    /** Calendar arithmetic and the Liquid `date` filter use this IANA time zone. */
    timeZone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone such as Europe/Berlin')
      .default(definitionDefaults.timeZone),
    actions: z.array(StepSchema).min(1).max(MAX_ACTIONS),
    /** Manual automations: members may run it by hand too (admins always may). */
    allowMembers: z.boolean().optional(),
    /** Whether a record enrols again: always (each trigger, the default), afterFinish (not while a run of it is
     *  under way or waiting), never (once only). */
    reenroll: z.enum(reenrollPolicies).optional(),
  })
  .superRefine((definition, ctx) => {
    const { trigger, delay, actions } = definition;
    if (definition.allowMembers !== undefined && trigger.type !== 'manual')
      ctx.addIssue({ code: 'custom', path: ['allowMembers'], message: 'only a manual automation is run by hand' });
    if (definition.reenroll !== undefined && trigger.type === 'manual')
      ctx.addIssue({ code: 'custom', path: ['reenroll'], message: 'a manual run is asked for each time; re-enrolment applies to triggers' });
    if (trigger.type === 'dateReached' && delay)
      ctx.addIssue({ code: 'custom', path: ['delay'], message: 'dateReached already waits for its date: move the offset to trigger.offset' });
    if (trigger.type === 'stageEntered' && trigger.entity === 'lead') {
      if (trigger.pipelineId !== undefined)
        ctx.addIssue({ code: 'custom', path: ['trigger', 'pipelineId'], message: 'leads have no pipeline' });
      if (!(leadStages as readonly string[]).includes(trigger.stageId))
        ctx.addIssue({ code: 'custom', path: ['trigger', 'stageId'], message: `lead stages are ${leadStages.join(', ')}` });
    }
    const subject = subjectOf(trigger);
    const steps = walkSteps(actions);
    if (steps.length > MAX_STEPS) ctx.addIssue({ code: 'custom', path: ['actions'], message: `at most ${MAX_STEPS} steps in all branches` });
    for (const { step, path, depth } of steps) {
      if (isBranch(step)) {
        if (depth > MAX_BRANCH_DEPTH) ctx.addIssue({ code: 'custom', path: [...path, 'type'], message: `branches nest at most ${MAX_BRANCH_DEPTH} deep` });
        continue;
      }
      const action = step;
      const problem = actionMismatch(action, subject, trigger.type);
      if (problem) ctx.addIssue({ code: 'custom', path: [...path, 'type'], message: problem });
      if (action.type === 'moveToStage' && subject === 'lead' && !(leadStages as readonly string[]).includes(action.stageId))
        ctx.addIssue({ code: 'custom', path: [...path, 'stageId'], message: `lead stages are ${leadStages.join(', ')}` });
      if (action.type === 'moveToStage' && subject === 'lead' && action.pipelineId !== undefined)
        ctx.addIssue({ code: 'custom', path: [...path, 'pipelineId'], message: 'leads have no pipeline' });
    }
    for (const issue of documentIssues({ trigger, actions: actionsOf(actions) })) ctx.addIssue({ code: 'custom', ...issue });
  });
export type AutomationDefinition = z.output<typeof AutomationDefinition>;
export type AutomationDefinitionInput = z.input<typeof AutomationDefinition>;

// What the model's functions read (definition-model.ts, typed by shapes, without this schema): a validated
// definition has those shapes, or this does not compile.
type _TriggerHasItsShape = Assert<Trigger extends TriggerShape ? true : false>;
type _DelayHasItsShape = Assert<Delay extends DelayShape ? true : false>;
type _StepHasItsShape = Assert<Step extends StepShape<Step> ? true : false>;

/** Parses a definition, or throws ValidationFailed naming each bad field path (`actions.2.title`). */
export function parseAutomationDefinition(input: unknown): AutomationDefinition {
  return parseWith(AutomationDefinition, input);
}

// ---------------------------------------------------------------------------------------------------------
// What a definition means

function actionMismatch(action: Action, subject: Subject, trigger: TriggerType): string | undefined {
  // A document's owner is one of the owner types; run-action checks which one when the run happens.
  const owner = subject === 'documentOwner';
  const is = (...types: string[]) => owner || types.includes(subject);
  switch (action.type) {
    case 'copyDeal':
      return is('deal') ? undefined : 'copyDeal copies a deal; this automation runs on another record';
    case 'moveToStage':
      if (trigger === 'deleted') return 'the record is deleted; it cannot move';
      return is('deal', 'lead') ? undefined : 'only deals and leads have stages';
    case 'planActivity':
      return is(...ownerTypes) ? undefined : `activities are planned on ${ownerTypes.join(', ')}`;
    case 'addToExceptions':
      return is('contact', 'company', 'lead', 'deal') ? undefined : 'this record has no e-mails or phones';
    case 'updateFields':
      return trigger === 'deleted' ? 'the record is deleted; its fields cannot change' : undefined;
    case 'assign':
      if (trigger === 'deleted') return 'the record is deleted; it cannot be assigned';
      return is('contact', 'lead', 'deal', 'activity') ? undefined : 'only contacts, leads, deals and activities have a responsible user';
    case 'createDocument':
      if (trigger === 'deleted') return 'the record is deleted; no document can be made for it';
      return is(...ownerTypes) ? undefined : `documents belong to ${ownerTypes.join(', ')}`;
    default:
      return undefined;
  }
}
// ---------------------------------------------------------------------------------------------------------
// Against the workspace

export interface Workspace {
  pipelines: Pipeline[];
  /** Ids of the document templates; when given, triggers and createDocument steps must name one of them. */
  templateIds?: string[];
}

/** Problems only the workspace shows: pipelines and stages that do not exist. Pure, given the pipelines. */
export function workspaceIssues(definition: AutomationDefinition, workspace: Workspace): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const pipelines = new Map(workspace.pipelines.map((pipeline) => [pipeline.id, pipeline]));
  const allStages = new Set(workspace.pipelines.flatMap((pipeline) => pipeline.stages.map((stage) => stage.id)));
  const known = () => [...pipelines.keys()].join(', ') || 'none';

  const checkPipeline = (path: string, id: string): Pipeline | undefined => {
    const pipeline = pipelines.get(id);
    if (!pipeline) issues.push({ path, message: `no pipeline with id ${id} (pipelines: ${known()})` });
    return pipeline;
  };
  const checkStage = (path: string, stageId: string, pipeline: Pipeline | undefined, pipelineKnown: boolean) => {
    if (pipeline) {
      if (!stageOf(pipeline, stageId))
        issues.push({ path, message: `pipeline ${pipeline.id} has no stage ${stageId} (its stages: ${pipeline.stages.map((s) => s.id).join(', ')})` });
    } else if (!pipelineKnown && !allStages.has(stageId)) {
      issues.push({ path, message: `no pipeline has a stage ${stageId}` });
    }
  };

  const { trigger } = definition;
  let triggerPipeline: Pipeline | undefined;
  if (trigger.type === 'stageEntered' && trigger.entity === 'deal') {
    if (trigger.pipelineId !== undefined) triggerPipeline = checkPipeline('trigger.pipelineId', trigger.pipelineId);
    checkStage('trigger.stageId', trigger.stageId, triggerPipeline, trigger.pipelineId !== undefined);
  }
  // A document trigger set on a pipeline: its moves go to that pipeline's stages.
  if (subjectOf(trigger) === 'documentOwner' && 'pipelineId' in trigger && trigger.pipelineId !== undefined)
    triggerPipeline = checkPipeline('trigger.pipelineId', trigger.pipelineId);
  const templates = workspace.templateIds ? new Set(workspace.templateIds) : undefined;
  const checkTemplate = (path: string, id: string | undefined) => {
    if (templates && id !== undefined && !templates.has(id)) issues.push({ path, message: `no document template with id ${id}` });
  };
  if ('templateId' in trigger) checkTemplate('trigger.templateId', trigger.templateId);
  // A top-level condition "pipelineId eq X" pins the pipeline as the trigger's would.
  const pinned = definition.conditions?.all?.find(
    (item): item is Condition => isCondition(item) && item.field === 'pipelineId' && item.op === 'eq' && typeof item.value === 'string',
  );
  if (!triggerPipeline && pinned) triggerPipeline = pipelines.get(String(pinned.value));
  /** Without a pinned pipeline: those that have the trigger's stage, or all of them. */
  const candidatePipelines = (): Pipeline[] => {
    const all = [...pipelines.values()];
    if (trigger.type === 'stageEntered' && trigger.entity === 'deal') return all.filter((pipeline) => stageOf(pipeline, trigger.stageId));
    return all;
  };

  const subject = subjectOf(trigger);
  for (const { action, path } of actionsOf(definition.actions)) {
    const at = path.join('.');
    if (action.type === 'createDocument') checkTemplate(`${at}.templateId`, action.templateId);
    if (action.type === 'copyDeal') {
      const pipeline = checkPipeline(`${at}.pipelineId`, action.pipelineId);
      checkStage(`${at}.stageId`, action.stageId, pipeline, true);
    }
    if (action.type === 'moveToStage' && (subject === 'deal' || subject === 'documentOwner')) {
      const path = at;
      if (action.pipelineId !== undefined) {
        const named = checkPipeline(`${path}.pipelineId`, action.pipelineId);
        if (named) checkStage(`${path}.stageId`, action.stageId, named, true);
        if (named && triggerPipeline && named.id !== triggerPipeline.id)
          issues.push({ path: `${path}.pipelineId`, message: `the trigger only sees deals of pipeline ${triggerPipeline.id}; this step would never move one` });
        continue;
      }
      // A document's owner may be a lead, whose stages are fixed; any other name is a deal stage.
      if (subject === 'documentOwner' && (leadStages as readonly string[]).includes(action.stageId)) continue;
      // Every pipeline the trigger's deals can be in must have the stage, or the step names its pipeline.
      const reachable = triggerPipeline ? [triggerPipeline] : candidatePipelines();
      const having = reachable.filter((pipeline) => stageOf(pipeline, action.stageId));
      const lacking = reachable.filter((pipeline) => !stageOf(pipeline, action.stageId));
      if (lacking.length === 0) continue;
      const lackingText = lacking.map((pipeline) => `${pipeline.id} (stages: ${pipeline.stages.map((stage) => stage.id).join(', ')})`).join('; ');
      issues.push({
        path: `${path}.stageId`,
        message:
          having.length > 0
            ? `deals of ${lackingText} have no stage ${action.stageId}: name the pipeline this step moves deals of ("pipelineId": ${having.map((p) => p.id).join(' or ')})`
            : `no pipeline the trigger's deals can be in has a stage ${action.stageId}: ${lackingText}`,
      });
    }
  }

  // Conditions naming a pipeline or stage by id: a typo there would silently never match.
  const checkConditionValues = (items: Array<Condition | ConditionGroup>, path: string) => {
    items.forEach((item, index) => {
      if (!isCondition(item)) {
        const key = item.all ? 'all' : 'any';
        checkConditionValues(item.all ?? item.any ?? [], `${path}.${index}.${key}`);
        return;
      }
      if (!['eq', 'ne', 'in'].includes(item.op) || (item.field !== 'pipelineId' && item.field !== 'stageId')) return;
      if (subject === 'lead' && item.field === 'stageId') return;
      const values = Array.isArray(item.value) ? item.value : [item.value];
      values.forEach((value, position) => {
        const valuePath = Array.isArray(item.value) ? `${path}.${index}.value.${position}` : `${path}.${index}.value`;
        if (typeof value !== 'string') return;
        if (item.field === 'pipelineId') checkPipeline(valuePath, value);
        else checkStage(valuePath, value, triggerPipeline, false);
      });
    });
  };
  const { conditions } = definition;
  if (conditions) {
    const key = conditions.all ? 'all' : 'any';
    checkConditionValues(conditions.all ?? conditions.any ?? [], `conditions.${key}`);
  }
  return issues;
}

/** Throws ValidationFailed naming each unknown pipeline or stage by its field path. */
export function validateAgainstWorkspace(definition: AutomationDefinition, workspace: Workspace): void {
  const issues = workspaceIssues(definition, workspace);
  if (issues.length > 0) throw new ValidationFailed(issues);
}
