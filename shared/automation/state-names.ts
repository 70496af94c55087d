// Names of the compiled states, as an admin reads them in the Step Functions console and in a run's steps:
// "Wait 6 months", "1 · Create lead". The local runner binds Tasks by these names too.
import type { Action, Branch, Step } from './definition.ts';
import { type ActionType, isBranch } from './definition-model.ts';
import type { Delay } from './durations.ts';
import { describeDuration, isNegativeDuration, isZeroDuration } from './iso-durations.ts';
import { describeWorkingTime } from './working-calendar.ts';

/** Step Functions refuses longer state names. */
export const MAX_STATE_NAME = 80;

export const STATE = {
  enroll: 'Enroll',
  duplicate: 'Duplicate event',
  resuming: 'Resuming a run?',
  planWait: 'Plan wait',
  dueInThisRun: 'Due in this run?',
  continueInNewRun: 'Continue in a new run',
  checkConditions: 'Check conditions',
  recordSuccess: 'Record success',
  skip: 'Skip',
  cancel: 'Cancel',
  recordFailure: 'Record failure',
  failed: 'Failed',
  closedAlready: 'Closed already',
} as const;

export const actionLabels: Record<ActionType, string> = {
  createLead: 'Create lead',
  copyDeal: 'Copy deal',
  planActivity: 'Plan activity',
  addToExceptions: 'Add to exceptions',
  sendEmail: 'Send e-mail',
  notify: 'Notify',
  updateFields: 'Update fields',
  moveToStage: 'Move to stage',
  assign: 'Assign',
  callWebhook: 'Call webhook',
  createDocument: 'Create document',
  sendDocument: 'Send document',
};

function withinNameLimit(name: string): string {
  return name.length <= MAX_STATE_NAME ? name : `${name.slice(0, MAX_STATE_NAME - 1)}…`;
}

/** `1 · Create lead`: numbered from 1, so two actions of one type stay two states. */
export function actionStateName(index: number, action: Pick<Action, 'type'>): string {
  return withinNameLimit(`${index + 1} · ${actionLabels[action.type]}`);
}

/** `2 · If big deal`: a branch is numbered with the actions, so names stay unique across branches. */
export function branchStateName(index: number, branch: Pick<Branch, 'name'>): string {
  return withinNameLimit(`${index + 1} · If ${branch.name ?? 'branch'}`);
}

export interface NumberedStep {
  step: Step;
  /** 0-based, in run order across all branches: an action's index names what it creates. */
  index: number;
  name: string;
}

/** Every step numbered in run order (a branch, its "then", its "else"), with its state name. */
export function numberSteps(steps: readonly Step[]): NumberedStep[] {
  const numbered: NumberedStep[] = [];
  const visit = (list: readonly Step[]) => {
    for (const step of list) {
      const index = numbered.length;
      numbered.push({ step, index, name: isBranch(step) ? branchStateName(index, step) : actionStateName(index, step) });
      if (isBranch(step)) {
        visit(step.then);
        visit(step.else);
      }
    }
  };
  visit(steps);
  return numbered;
}

/** `Wait 6 months`, `Wait until 3 days before closeDate`, `Wait until closeDate at 08:00`. */
export function waitStateName(wait: Delay): string {
  if ('after' in wait) return withinNameLimit(`Wait ${wait.workingTime ? describeWorkingTime(wait.after) : describeDuration(wait.after)}`);
  if (!('until' in wait)) return `Wait for ${describeWorkingTime(undefined)}`;
  const { field, offset, at } = wait.until;
  const when =
    offset === undefined || isZeroDuration(offset)
      ? field
      : `${describeDuration(offset.replace(/^-/, ''))} ${isNegativeDuration(offset) ? 'before' : 'after'} ${field}`;
  return withinNameLimit(`Wait until ${when}${at ? ` at ${at}` : ''}${wait.workingTime ? ', in working time' : ''}`);
}
