// What an automation definition means (docs/ARCHITECTURE.md §6): its vocabulary, the walk over its steps, its
// subject and its wait. No schema and no checks here: the compiler, run-action, provision and the loop guard read
// definitions that were validated in full when saved (definition.ts), so a function that only reads one bundles
// none of the validation's code (zod, Liquid, the CRM's record schemas).
import type { Action, AutomationDefinition, Branch, Condition, ConditionGroup, Step, Trigger } from './definition.ts';
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

export const isBranch = (step: Step): step is Branch => step.type === 'branch';

/** Every step in run order (a branch before its "then", then its "else"), with its path and nesting depth. */
export function walkSteps(steps: readonly Step[], path: Array<string | number> = ['actions'], depth = 1): Array<{ step: Step; path: Array<string | number>; depth: number }> {
  return steps.flatMap((step, index) => {
    const here = [...path, index];
    const own = { step, path: here, depth };
    if (!isBranch(step)) return [own];
    return [own, ...walkSteps(step.then, [...here, 'then'], depth + 1), ...walkSteps(step.else, [...here, 'else'], depth + 1)];
  });
}

/** The actions (no branches) in run order, each with its path. */
export function actionsOf(steps: readonly Step[]): Array<{ action: Action; path: Array<string | number> }> {
  return walkSteps(steps).flatMap(({ step, path }) => (isBranch(step) ? [] : [{ action: step, path }]));
}

/** What a run's actions act on: the trigger's record, or for document triggers the record the document belongs to. */
export type Subject = TriggerEntity | 'documentOwner';

export function subjectOf(trigger: Trigger): Subject {
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
export function triggerEntityOf(trigger: Trigger): TriggerEntity {
  return 'entity' in trigger ? trigger.entity : 'document';
}


/** The wait a run makes, in the planner's terms: a dateReached trigger waits for its own date. */
export function waitOf(definition: Pick<AutomationDefinition, 'trigger' | 'delay'>): WaitDelay | undefined {
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

export function onLeaveOf(definition: Pick<AutomationDefinition, 'trigger' | 'onLeave'>): 'cancel' | 'continue' {
  return definition.onLeave ?? (definition.trigger.type === 'stageEntered' ? 'cancel' : 'continue');
}

export function isCondition(item: Condition | ConditionGroup): item is Condition {
  return 'field' in item;
}

/** The values the schema fills in when a field is left out; stored definitions hold them since they were saved. */
export const definitionDefaults = { status: 'active', recheck: false, finishPending: false, timeZone: 'UTC' } as const;
