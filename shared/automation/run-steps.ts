// The contract between a compiled state machine and the run-action function: the payload each Lambda Task
// sends, what it answers, and the error names the ASL routes on. Pure decisions here; the handler does the I/O.
import type { CrmEventDetail } from '#shared/events/catalogue.ts';
import type { CheckedStep } from '#shared/store/run-log.ts';
import { checkConditions } from './conditions.ts';
import type { Action, Conditions, Trigger } from './definition.ts';
import { type Delay, DueDateUnknown, type WaitPlan, planWait } from './durations.ts';
import { fieldValue } from './fields.ts';
import type { Calendar } from './working-time.ts';

// The error names and classes live apart (run-errors.ts): the API's webhook check throws one without loading the
// run's decisions and their date arithmetic.
export { ConditionsNotMet, RunCancelled, RunClosedAlready, TransientError, WebhookUnavailable, runErrors } from './run-errors.ts';
import { ConditionsNotMet, RunCancelled } from './run-errors.ts';

/** The detail of a CRM event (docs/ARCHITECTURE.md §5), as the catalogue defines it. */
export type { CrmEventDetail };

/** Where a continuation execution picks a long wait up. */
export interface Continuation {
  part: number;
  dueAt: string;
  /** The continuation's execution name: one per run and part, so starting it twice starts it once. */
  executionName: string;
}

/** `$.run` in the state data: the step under way (named on a failure) and how many actions completed. */
export interface RunProgress {
  step: string;
  /** A string, because the DynamoDB Tasks write it as an N attribute. */
  actionsCompleted: string;
  wait?: PlanWaitAnswer;
  continuation?: Continuation;
  /** Set by a redrive (resumeRunInput): the step the new execution starts at. */
  resumeAt?: string;
  /** When the run's actions were planned to run, carried from Check conditions on (see PlannedRun). */
  planned?: PlannedRun;
  /** Summary lines Record success appends to the run's (`{S}` list elements): the last action's, else none. */
  summaries?: Array<{ S: string }>;
  /** Check conditions' line, from its answer to the first action (empty in a redrive's input). */
  checked?: CheckedLine | Record<string, never>;
}

/**
 * What an action needs of its run record, carried in the state data (`$.run.planned`) so that it need not read
 * the record: when the actions were planned to run (the due time of a run that waited, else its start), the
 * time part of the ids its steps derive, and the due time its templates may show. Empty when not known (a
 * redrive of a run recorded before it was carried): the action then reads the run.
 */
export interface PlannedRun {
  plannedAt?: string;
  dueAt?: string;
}

/** The run's planned time as Check conditions knows it: carried already, the wait's due time, or this execution's start. */
export function plannedOf(payload: CheckConditionsPayload): PlannedRun {
  const run = payload.run;
  if (run?.planned?.plannedAt) return run.planned;
  const dueAt = run?.wait?.dueAt;
  if (dueAt) return { plannedAt: dueAt, dueAt };
  // Enroll wrote this execution's start as the run's: true for a run that neither waited nor was redriven.
  if (!payload.waited && !run?.resumeAt && payload.startedAt) return { plannedAt: payload.startedAt };
  return {};
}

/** An execution's input: a CRM event as EventBridge delivers it (or as the API builds it for a manual run);
 *  a continuation carries `run.continuation`. */
export interface RunInput {
  'detail-type'?: string;
  detail: CrmEventDetail;
  run?: RunProgress;
  [envelope: string]: unknown;
}

interface TaskPayloadBase {
  automationId: string;
  automationVersion?: number;
  runId: string;
  executionId: string;
  /** The run's subject: the trigger's record, or for document triggers the record the document belongs to. */
  entityType: string;
  entityId: string;
  event: CrmEventDetail;
}

/** A re-enrolment policy the first Task after Enroll enforces (absent: always, every trigger enrols). */
export type EnrolmentPolicy = 'never' | 'afterFinish';

export interface PlanWaitPayload extends TaskPayloadBase {
  task: 'planWait';
  reenroll?: EnrolmentPolicy;
  trigger: Trigger;
  startedAt: string;
  wait: Delay;
  timeZone: string;
  run: RunProgress;
  /** The states that may follow the Wait; the answer names the one that will, so a failure names it. */
  steps: { due: string; continues?: string; wait?: string };
  /** The definition's conditions as JSON text (null: none), checked at the trigger before waiting. */
  conditions?: string | null;
}

export interface PlanWaitAnswer extends WaitPlan {
  nextStep: string;
  continuation?: Continuation;
}

export interface CheckConditionsPayload extends TaskPayloadBase {
  task: 'checkConditions';
  reenroll?: EnrolmentPolicy;
  /** Every branch's conditions as JSON text (`[{key, if}]`): decided here, on the record the run checks. */
  branches?: string;
  trigger: Trigger;
  /** The definition's conditions as JSON text, or null when it has none. */
  conditions: string | null;
  recheck: boolean;
  onLeave: 'cancel' | 'continue';
  finishPending: boolean;
  /** Whether the run waited: only then can its record have left the stage or the automation have stopped. */
  waited: boolean;
  /** `$.run` and the execution's start (state machines compiled before they were passed have neither). */
  run?: RunProgress;
  startedAt?: string;
  /**
   * The first action follows: a success is not written here but answered (`carry.checked`), and that action
   * writes it with its own line. State machines compiled before have Check conditions write it.
   */
  defersStep?: boolean;
}

/** Check conditions' successful attempt, carried (`$.run.checked`) to the first action, which writes it: the store's shape. */
export type CheckedLine = CheckedStep;

export interface RunActionPayload extends TaskPayloadBase {
  task: 'runAction';
  /** With branches: the actions done so far on this run's path, and the branch decisions, carried on. */
  actionsCompleted?: string;
  branches?: Record<string, boolean>;
  /** Templates may read what named steps answered before (`steps.<name>.response`). */
  readsSteps?: boolean;
  /** `$.run.planned`: what the action would otherwise read the run for. */
  planned?: PlannedRun;
  /** The run's next state is Record success: the action leaves its count and summary line to it (in `carry`). */
  closes?: boolean;
  /** The run ends with this action: it closes the run itself (SUCCEEDED, its count and summary line), with its write. */
  closesRun?: boolean;
  /** `$.run.checked`: Check conditions' line, which this first action writes with its own (empty: none to write). */
  checked?: CheckedLine | Record<string, never>;
  automationName: string;
  /** Index in the definition's actions (from 0); with the run id it names what the action creates. */
  actionIndex: number;
  stepName: string;
  action: Action;
  timeZone: string;
}

export type TaskPayload = PlanWaitPayload | CheckConditionsPayload | RunActionPayload;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The record an event is about: its new image, or the old one for a deletion. */
export function eventRecordOf(event: CrmEventDetail): Record<string, unknown> | undefined {
  return event.after ?? event.before ?? undefined;
}

/**
 * Why the event is not one the trigger means, though its pattern let it through: rules compiled before events named
 * custom fields (on AWS, until the automation is saved again), or whose names did not fit the pattern, see them
 * change only as `fields`, so "updated fields.segment" and "dateReached fields.renewal_date" are checked here.
 */
export function triggerMismatch(trigger: Trigger, event: CrmEventDetail): string | undefined {
  // The event names each changed custom field (`fields.x`); an event too large for the bus loses its images' custom
  // fields, so the names are trusted first. Events derived before the names existed are compared by value.
  const changed = (path: string) => event.changedFields?.includes(path) || !same(fieldValue(event.before, path), fieldValue(event.after, path));
  // Document triggers limited to a pipeline or template (the rule filters the same; dry runs rely on this).
  if (trigger.type.startsWith('document') && event.entityType === 'document') {
    for (const field of ['pipelineId', 'templateId'] as const) {
      const wanted = (trigger as { pipelineId?: string; templateId?: string })[field];
      if (wanted !== undefined && event.after?.[field] !== wanted) return `the document's ${field} is not ${wanted}`;
    }
  }
  // On a create every field is new; only an update can leave the named fields as they were.
  if (!event.before || !event.after) return undefined;
  if (trigger.type === 'updated' && trigger.fields && !trigger.fields.some(changed))
    return `none of ${trigger.fields.join(', ')} changed`;
  if (trigger.type === 'dateReached' && !changed(trigger.field)) return `${trigger.field} did not change`;
  return undefined;
}

/** Conditions as the compiler wrote them into the state machine, from a definition validated when it was saved. */
function compiledConditions(text: string): Conditions {
  return JSON.parse(text) as Conditions;
}

const EXECUTION_NAME = /[^A-Za-z0-9_-]/g;

/** Plan wait's answer: when the run is due, and the state that follows the Wait. Throws ConditionsNotMet
 *  when the due time cannot be known (an empty date field): such a run is skipped, not failed. */
export function answerPlanWait(payload: PlanWaitPayload, calendar?: Calendar): PlanWaitAnswer {
  const mismatch = triggerMismatch(payload.trigger, payload.event);
  if (mismatch) throw new ConditionsNotMet(mismatch);
  if (payload.conditions) {
    const { event } = payload;
    const then = checkConditions(compiledConditions(payload.conditions), { record: eventRecordOf(event), before: event.before, after: event.after });
    if (!then.holds) throw new ConditionsNotMet(then.reason);
  }
  let plan: WaitPlan;
  try {
    plan = planWait({
      delay: payload.wait,
      timeZone: payload.timeZone,
      occurredAt: payload.event.occurredAt,
      record: eventRecordOf(payload.event),
      startedAt: payload.startedAt,
      continuation: payload.run.continuation,
      canContinue: payload.steps.continues !== undefined,
      ...(calendar ? { calendar } : {}),
    });
  } catch (error) {
    if (error instanceof DueDateUnknown) throw new ConditionsNotMet(`cannot plan the wait: ${error.message}`);
    throw error;
  }
  if (!plan.continues || payload.steps.continues === undefined) return { ...plan, nextStep: payload.steps.due };
  const part = plan.part + 1;
  const executionName = `${payload.runId}-${part}`.replace(EXECUTION_NAME, '_').slice(-80);
  return { ...plan, nextStep: payload.steps.continues, continuation: { part, dueAt: plan.dueAt, executionName } };
}

export interface RunFacts {
  /** The record re-read now: undefined when not re-read, null when it no longer exists. */
  current?: Record<string, unknown> | null;
  automationStatus?: 'active' | 'stopped';
  /** The record changed stage after the trigger, though it is in the trigger's stage again now (from its history). */
  leftAndCameBack?: boolean;
}

/**
 * When a run that waited must read its record's history to know whether the record left the trigger's stage and
 * came back meanwhile (its stage is the same, its version is not): the trigger's time, to read back to.
 */
export function stageHistoryNeededSince(payload: CheckConditionsPayload, current: Record<string, unknown> | null | undefined): string | undefined {
  const atTrigger = eventRecordOf(payload.event);
  if (!payload.waited || payload.onLeave !== 'cancel' || !current || atTrigger?.stageId === undefined) return undefined;
  if (!same(current.stageId, atTrigger.stageId) || same(current.version, atTrigger.version)) return undefined;
  return payload.event.occurredAt;
}

export type RunDecision = { proceed: true } | { proceed: false; outcome: 'skip' | 'cancel'; reason: string };

/**
 * Whether Check conditions must re-read the event's record before deciding: to recheck, and after every wait (the
 * record may have been deleted meanwhile, which skips the run whatever its onLeave; an action would fail on it for
 * good). A deletion's run has nothing to re-read.
 */
export function needsCurrentRecord(payload: CheckConditionsPayload): boolean {
  return payload.recheck || (payload.waited && payload.trigger.type !== 'deleted');
}

/** A branch as Check conditions decides it: its conditions, state name, order in the run, and the arm it sits in. */
export interface BranchCheck {
  key: string;
  if: unknown;
  name: string;
  index: number;
  parent: { key: string; arm: 'then' | 'else' } | null;
}

/** The branches a run passes through, given the decisions: those at the top, and those inside an arm taken. */
export function branchesOnPath(list: readonly BranchCheck[], decisions: Record<string, boolean>): BranchCheck[] {
  const taken = new Set<string>();
  const onPath: BranchCheck[] = [];
  for (const branch of list) {
    const reached = branch.parent === null || (taken.has(branch.parent.key) && (decisions[branch.parent.key] ? 'then' : 'else') === branch.parent.arm);
    if (!reached) continue;
    taken.add(branch.key);
    onPath.push(branch);
  }
  return onPath;
}

export interface BranchDecisions {
  /** Per branch key: true runs its "then", false its "else". */
  branches: Record<string, boolean>;
  /** Per branch key: why, in the words of the conditions. */
  reasons: Record<string, string>;
}

/** Decides every branch with the run's conditions language, on the record as it is after a wait (re-read),
 *  else as the trigger saw it: the path a run takes is fixed here and shown in its Check conditions step. */
export function decideBranches(payload: CheckConditionsPayload, facts: RunFacts = {}): BranchDecisions | undefined {
  if (payload.branches === undefined) return undefined;
  const list = JSON.parse(payload.branches) as BranchCheck[];
  const record = facts.current ?? eventRecordOf(payload.event);
  const decided: BranchDecisions = { branches: {}, reasons: {} };
  for (const branch of list) {
    const verdict = checkConditions(branch.if as Conditions, { record, before: payload.event.before, after: payload.event.after });
    decided.branches[branch.key] = verdict.holds;
    decided.reasons[branch.key] = verdict.holds ? 'its conditions hold: "then" runs' : `${verdict.reason}: "else" runs`;
  }
  return decided;
}

/** Check conditions' decision: proceed with the actions, skip the run, or cancel it (docs/ARCHITECTURE.md §6). */
export function decideRun(payload: CheckConditionsPayload, facts: RunFacts = {}): RunDecision {
  const { event, trigger } = payload;
  const atTrigger = eventRecordOf(event);
  const skip = (reason: string): RunDecision => ({ proceed: false, outcome: 'skip', reason });
  const cancel = (reason: string): RunDecision => ({ proceed: false, outcome: 'cancel', reason });

  const mismatch = triggerMismatch(trigger, event);
  if (mismatch) return skip(mismatch);

  if (payload.waited && facts.automationStatus === 'stopped' && !payload.finishPending) return cancel('the automation was stopped');
  if (facts.current === null && trigger.type !== 'deleted') return skip(`the ${event.entityType} no longer exists`);
  const current = facts.current ?? undefined;
  if (payload.waited && current) {
    const stageAtTrigger = atTrigger?.stageId;
    if (payload.onLeave === 'cancel' && stageAtTrigger !== undefined && !same(current.stageId, stageAtTrigger))
      return cancel(`the ${event.entityType} left stage ${String(stageAtTrigger)}`);
    if (payload.onLeave === 'cancel' && facts.leftAndCameBack)
      return cancel(`the ${event.entityType} left stage ${String(stageAtTrigger)} and came back: that entry has a run of its own`);
    if (payload.onLeave === 'cancel' && atTrigger?.pipelineId !== undefined && !same(current.pipelineId, atTrigger.pipelineId))
      return cancel(`the ${event.entityType} left pipeline ${String(atTrigger.pipelineId)}`);
    if (trigger.type === 'dateReached' && !same(fieldValue(current, trigger.field), fieldValue(atTrigger, trigger.field)))
      return skip(`${trigger.field} changed since the run was planned`);
  }

  const conditions = payload.conditions === null ? undefined : compiledConditions(payload.conditions);
  const images = { before: event.before, after: event.after };
  const then = checkConditions(conditions, { record: atTrigger, ...images });
  if (!then.holds) return skip(then.reason);
  if (payload.recheck && current) {
    const now = checkConditions(conditions, { record: current, ...images });
    if (!now.holds) return skip(`no longer: ${now.reason}`);
  }
  return { proceed: true };
}

/** Throws the error the compiled Catch routes on; returns when the run proceeds. */
export function enforceDecision(decision: RunDecision): void {
  if (decision.proceed) return;
  throw decision.outcome === 'skip' ? new ConditionsNotMet(decision.reason) : new RunCancelled(decision.reason);
}

export { causeMessage } from './causes.ts';
