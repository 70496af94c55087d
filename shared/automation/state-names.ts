// Names of the compiled states, as an admin reads them in the Step Functions console and in a run's steps:
// "Wait 6 months", "1 · Create lead". The local runner binds Tasks by these names too.
import type { Action, ActionType } from './definition.ts';
import { type Delay, describeDuration, isNegativeDuration, isZeroDuration } from './durations.ts';

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

/** `Wait 6 months`, `Wait until 3 days before closeDate`, `Wait until closeDate at 08:00`. */
export function waitStateName(wait: Delay): string {
  if ('after' in wait) return withinNameLimit(`Wait ${describeDuration(wait.after)}`);
  const { field, offset, at } = wait.until;
  const when =
    offset === undefined || isZeroDuration(offset)
      ? field
      : `${describeDuration(offset.replace(/^-/, ''))} ${isNegativeDuration(offset) ? 'before' : 'after'} ${field}`;
  return withinNameLimit(`Wait until ${when}${at ? ` at ${at}` : ''}`);
}
