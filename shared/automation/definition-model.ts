// What an automation definition means (docs/ARCHITECTURE.md §6): its vocabulary, the walk over its steps, its
// subject and its wait. No schema and no checks here: the compiler, run-action, provision and the loop guard read
// definitions that were validated in full when saved (definition.ts), so a function that only reads one bundles
// none of the validation's code (zod, Liquid, the CRM's record schemas).
//
// The functions here are typed by the shapes they read, not by the schema's inferred types: definition.ts builds
// its schema on this vocabulary and checks at compile time that what it validates has these shapes.
import type { Delay as WaitDelay } from './durations.ts';

/** Records whose events can trigger an automation. */
export const triggerEntities = ['contact', 'company', 'lead', 'deal', 'activity', 'document'] as const;
export type TriggerEntity = (typeof triggerEntities)[number];
export const stagedEntities = ['deal', 'lead'] as const;

export const triggerTypes = [
  'created',
  'updated',
  'deleted',
  'stageEntered',
  'dateReached',
  'documentSigned',
  'documentViewed',
  'documentCreated',
  'manual',
] as const;
export type TriggerType = (typeof triggerTypes)[number];

export const conditionOps = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists', 'changed'] as const;
export type ConditionOp = (typeof conditionOps)[number];

/** How a condition's operator reads to a person: in the builder, and in a run's reason ("amount ≥ 10000 does not hold"). */
export const conditionOpWords: Record<ConditionOp, string> = {
  eq: 'is',
  ne: 'is not',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'is one of',
  contains: 'contains',
  exists: 'has a value',
  changed: 'changed',
};

export const actionTypes = [
  'createLead',
  'copyDeal',
  'planActivity',
  'addToExceptions',
  'sendEmail',
  'notify',
  'updateFields',
  'moveToStage',
  'assign',
  'callWebhook',
  'createDocument',
  'sendDocument',
] as const;
export type ActionType = (typeof actionTypes)[number];

export const MAX_ACTIONS = 20;

export const reenrollPolicies = ['never', 'afterFinish', 'always'] as const;
export type ReenrollPolicy = (typeof reenrollPolicies)[number];

/** How deep branches may nest: a branch inside a branch inside a branch. */
export const MAX_BRANCH_DEPTH = 3;
/** Steps (actions and branches) in one automation, across all its branches. */
export const MAX_STEPS = 50;

// ---------------------------------------------------------------------------------------------------------
// Steps: actions, and branches whose "then" and "else" hold further steps

/** A step as the walk reads it: its type, and for a branch the lists it holds (S is the definition's step type). */
export interface StepShape<S> {
  type: string;
  then?: readonly S[];
  else?: readonly S[];
}
/** The branches among the steps S, and the actions (everything else). */
export type BranchOf<S> = Extract<S, { type: 'branch' }>;
export type ActionOf<S> = Exclude<S, { type: 'branch' }>;

export const isBranch = <S extends StepShape<S>>(step: S): step is S & { type: 'branch'; then: readonly S[]; else: readonly S[] } =>
  step.type === 'branch';

/** Every step in run order (a branch before its "then", then its "else"), with its path and nesting depth. */
export function walkSteps<S extends StepShape<S>>(
  steps: readonly S[],
  path: Array<string | number> = ['actions'],
  depth = 1,
): Array<{ step: S; path: Array<string | number>; depth: number }> {
  return steps.flatMap((step, index) => {
    const here = [...path, index];
    const own = { step, path: here, depth };
    if (!isBranch(step)) return [own];
    return [own, ...walkSteps(step.then, [...here, 'then'], depth + 1), ...walkSteps(step.else, [...here, 'else'], depth + 1)];
  });
}

/** The actions (no branches) in run order, each with its path. */
export function actionsOf<S extends StepShape<S>>(steps: readonly S[]): Array<{ action: ActionOf<S>; path: Array<string | number> }> {
  return walkSteps(steps).flatMap(({ step, path }) => (isBranch(step) ? [] : [{ action: step as ActionOf<S>, path }]));
}

/** What a run's actions act on: the trigger's record, or for document triggers the record the document belongs to. */
export type Subject = TriggerEntity | 'documentOwner';

// ---------------------------------------------------------------------------------------------------------
// Triggers, waits and conditions, by the fields read here

type DocumentTriggerType = 'documentSigned' | 'documentViewed' | 'documentCreated';

/** A date field a run waits for: a trigger's own date (dateReached) or a delay's `until`. */
export interface DateField {
  field: string;
  offset?: string | undefined;
  at?: string | undefined;
}

/** A trigger as read here: document triggers name no entity, dateReached names its date field. */
export type TriggerShape =
  | { type: DocumentTriggerType }
  | ({ type: 'dateReached'; entity: TriggerEntity } & DateField)
  | { type: Exclude<TriggerType, DocumentTriggerType | 'dateReached'>; entity: TriggerEntity };

/** A definition's delay as read here (the schema allows "after" or "until", each maybe in working time). */
export interface DelayShape {
  after?: string | undefined;
  until?: DateField | undefined;
  workingTime?: boolean | undefined;
}

export function subjectOf(trigger: TriggerShape): Subject {
  switch (trigger.type) {
    case 'documentSigned':
    case 'documentViewed':
    case 'documentCreated':
      return 'documentOwner';
    default:
      return trigger.entity;
  }
}

/** The record type of the events a trigger listens to. */
export function triggerEntityOf(trigger: TriggerShape): TriggerEntity {
  return 'entity' in trigger ? trigger.entity : 'document';
}

/** The wait a run makes, in the planner's terms: a dateReached trigger waits for its own date. */
export function waitOf(definition: { trigger: TriggerShape; delay?: DelayShape | undefined }): WaitDelay | undefined {
  const { trigger, delay } = definition;
  if (trigger.type === 'dateReached') {
    const until: { field: string; offset?: string; at?: string } = { field: trigger.field };
    if (trigger.offset !== undefined) until.offset = trigger.offset;
    if (trigger.at !== undefined) until.at = trigger.at;
    return { until };
  }
  const working = delay?.workingTime === true ? { workingTime: true } : {};
  if (delay?.after !== undefined) return { after: delay.after, ...working };
  if (delay?.until !== undefined) return { until: delay.until, ...working };
  if (delay?.workingTime === true) return { workingTime: true };
  return undefined;
}

export function onLeaveOf(definition: { trigger: { type: TriggerType }; onLeave?: 'cancel' | 'continue' | undefined }): 'cancel' | 'continue' {
  return definition.onLeave ?? (definition.trigger.type === 'stageEntered' ? 'cancel' : 'continue');
}

/** A condition (it names a field) rather than a group of them ("all" or "any"). */
export function isCondition<C extends object>(item: C): item is Extract<C, { field: string }> {
  return 'field' in item;
}

/** The values the schema fills in when a field is left out; stored definitions hold them since they were saved. */
export const definitionDefaults = { status: 'active', recheck: false, finishPending: false, timeZone: 'UTC' } as const;
