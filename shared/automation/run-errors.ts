// The errors a run-action Task throws on purpose, by the names the compiled ASL's Catch and Retry route on.
/** Error names a Task throws on purpose; each Catch routes on one (a Lambda's error name is its errorType). */
export const runErrors = {
  /** Check conditions (or Plan wait, for an empty date field): the run ends as SKIPPED. */
  conditionsNotMet: 'Stagecraft.ConditionsNotMet',
  /** Check conditions after a wait: the record left the stage, or the automation was stopped: CANCELLED. */
  runCancelled: 'Stagecraft.RunCancelled',
  /** Worth another attempt (a version conflict, a throttled mail): the Task's Retry takes it. */
  transient: 'Stagecraft.TransientError',
  /** A webhook target answered 5xx or 429, or could not be reached: retried with backoff by the Task. */
  webhookUnavailable: 'Stagecraft.WebhookUnavailable',
  /** The last action found its run closed already (cancelled meanwhile): it did nothing, the execution ends. */
  runClosed: 'Stagecraft.RunClosedAlready',
} as const;

export class ConditionsNotMet extends Error {
  override readonly name = runErrors.conditionsNotMet;
}
export class RunCancelled extends Error {
  override readonly name = runErrors.runCancelled;
}
export class TransientError extends Error {
  override readonly name = runErrors.transient;
}
export class WebhookUnavailable extends Error {
  override readonly name = runErrors.webhookUnavailable;
}
export class RunClosedAlready extends Error {
  override readonly name = runErrors.runClosed;
}
