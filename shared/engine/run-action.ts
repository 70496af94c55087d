// The one function every Task of a compiled automation invokes (docs/ARCHITECTURE.md §6): it plans
// waits, checks conditions, and runs actions as the Butler. The decisions are pure
// (shared/automation/run-steps.ts); this module reads the records and writes the effects.
import type { Action } from '#shared/automation/definition.ts';
import {
  ConditionsNotMet,
  RunCancelled,
  RunClosedAlready,
  type CheckConditionsPayload,
  type PlanWaitAnswer,
  type PlanWaitPayload,
  type PlannedRun,
  type RunActionPayload,
  type RunFacts,
  type TaskPayload,
  TransientError,
  type BranchCheck,
  type CheckedLine,
  answerPlanWait,
  branchesOnPath,
  decideBranches,
  decideRun,
  enforceDecision,
  eventRecordOf,
  needsCurrentRecord,
  stageHistoryNeededSince,
  plannedOf,
} from '#shared/automation/run-steps.ts';
import { STATE } from '#shared/automation/state-names.ts';
import { renderAction } from '#shared/automation/render-action.ts';
import { workspaceCalendar } from '#shared/crm/calendar.ts';
import { type RunClose, stepOrder } from '#shared/store/runs.ts';
import type { Actor } from '#shared/domain/actors.ts';
import type { EntityType } from '#shared/domain/entities.ts';
import { loadDateArithmetic } from '#shared/automation/date-arithmetic.ts';
import { VersionMismatch } from '#shared/errors.ts';
import type { Clock, Logger, RunMetrics } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import { RunNotOpen, type StepRecord, type StepWrite, StepRecordedAlready } from '#shared/store/run-log.ts';
import type { Actions, StepContext, StepOutcome } from './actions.ts';
import { stepScope } from './step-outcome.ts';
import { loadTemplateVariables } from './template-variables.ts';

export interface RunActionDeps {
  store: Store;
  actions: Actions;
  clock: Clock;
  logger: Logger;
  /** Trigger latency (write → run enrolled), the figure the dashboard and `/local/status` chart. */
  metrics: RunMetrics;
}

/** Runs that are over: a record they held may enrol again under "afterFinish". */
const finished = new Set(['SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED', 'LOOP_STOPPED']);

export function createRunAction({ store, actions, clock, logger, metrics }: RunActionDeps) {
  /** Enforces the automation's re-enrolment policy: a run that may not enrol its record is skipped, saying why. */
  async function enrol(payload: PlanWaitPayload | CheckConditionsPayload): Promise<void> {
    const policy = payload.reenroll;
    if (!policy) return;
    const claim = await store.enrolments.claim(
      payload.automationId,
      { type: payload.entityType, id: payload.entityId },
      payload.runId,
      async (holder) => policy === 'afterFinish' && finished.has(String((await store.runLog.get(payload.automationId, holder))?.status)),
    );
    if (claim.enrolled) return;
    throw new ConditionsNotMet(
      policy === 'never'
        ? `the ${payload.entityType} enrolled before (run ${claim.heldBy}) and this automation enrols a record once`
        : `run ${claim.heldBy} of this ${payload.entityType} has not finished and this automation enrols a record again only after it`,
    );
  }

  /** A manual run: admins always, members when the automation allows it, checked again as the run starts. */
  async function enforceManualRunner(payload: CheckConditionsPayload): Promise<void> {
    const actor = payload.event.actor;
    if (payload.trigger.type !== 'manual' || actor?.kind !== 'user') return;
    const [user, automation] = await Promise.all([store.records.get('user', actor.id), store.records.get('automation', payload.automationId)]);
    if (user?.role === 'admin' && user.active !== false) return;
    if (user && user.active !== false && automation?.allowMembers === true) return;
    throw new ConditionsNotMet(`${actor.id} may no longer run this automation by hand`);
  }

  async function planWait(payload: PlanWaitPayload): Promise<{ answer: PlanWaitAnswer; outcome: Record<string, unknown> }> {
    await enrol(payload);
    // A delay in working time is counted in the calendar as it is when the run enrols.
    const calendar = 'workingTime' in payload.wait && payload.wait.workingTime ? await workspaceCalendar(store) : undefined;
    const answer = answerPlanWait(payload, calendar);
    await store.runLog.markWaiting(payload.automationId, payload.runId, answer.dueAt, payload.executionId);
    const waitStep = payload.steps.wait ?? 'Wait';
    const continues = answer.continuation ? ' (goes on in a new execution past the one-year limit)' : '';
    return { answer, outcome: { done: `waits until ${answer.dueAt}${continues}`, dueAt: answer.dueAt, waitStep } };
  }

  /** Whether the record's history has a stage change after `since` (newest first, read back to it). */
  async function stageChangedSince(type: EntityType, id: string, since: string): Promise<boolean> {
    let cursor: string | undefined;
    do {
      const page = await store.records.history(type, id, { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const entry of page.items) {
        if (entry.at <= since) return false;
        if (entry.action === 'stageChanged') return true;
      }
      cursor = page.cursor;
    } while (cursor);
    return false;
  }

  async function checkConditions(
    payload: CheckConditionsPayload,
  ): Promise<{ proceed: true; carry: { planned: PlannedRun; branches?: Record<string, boolean> }; paths?: Record<string, string> }> {
    await enforceManualRunner(payload);
    await enrol(payload);
    const decided = payload;
    const current = needsCurrentRecord(decided)
      ? ((await store.records.get(payload.entityType as EntityType, payload.entityId)) ?? null)
      : undefined;
    const automation = payload.waited ? await store.records.get('automation', payload.automationId) : undefined;
    const automationStatus = payload.waited ? (automation?.status === 'active' ? 'active' : 'stopped') : undefined;
    const since = stageHistoryNeededSince(decided, current);
    const leftAndCameBack = since !== undefined && (await stageChangedSince(payload.entityType as EntityType, payload.entityId, since));
    const facts: RunFacts = {
      ...(current !== undefined ? { current } : {}),
      ...(automationStatus ? { automationStatus } : {}),
      ...(leftAndCameBack ? { leftAndCameBack } : {}),
    };
    enforceDecision(decideRun(decided, facts));
    const paths = decideBranches(payload, facts);
    if (payload.waited) await store.runLog.markResumed(payload.automationId, payload.runId);
    // The run's planned time travels on to the actions (`$.run.planned`), which then need not read the run.
    const planned = plannedOf(payload);
    return paths ? { proceed: true, carry: { planned, branches: paths.branches }, paths: paths.reasons } : { proceed: true, carry: { planned } };
  }

  /** What the action needs of its run: carried in the payload, or (a state machine compiled before) read from the run. */
  async function plannedFor(payload: RunActionPayload): Promise<PlannedRun & { plannedAt: string }> {
    if (payload.planned?.plannedAt) return { ...payload.planned, plannedAt: payload.planned.plannedAt };
    const run = await store.runLog.get(payload.automationId, payload.runId);
    return { plannedAt: run?.dueAt ?? run?.startedAt ?? payload.event.occurredAt, ...(run?.dueAt ? { dueAt: run.dueAt } : {}) };
  }

  /** Runs the action; its log line goes with its record write when it has one (`logWith`), else after it. */
  async function runAction(payload: RunActionPayload, logWith: StepContext['logWith']): Promise<{ outcome: StepOutcome; actor: Actor; planned: PlannedRun }> {
    const entityType = payload.entityType as EntityType;
    // The record as it is now, read once for the whole Task (the step's update writes on it); for a deletion trigger, as it was.
    const read = await store.records.get(entityType, payload.entityId);
    const entity = read ?? (eventRecordOf(payload.event) as never);
    if (!entity) throw new Error(`The ${entityType} ${payload.entityId} no longer exists.`);
    const planned = await plannedFor(payload);
    const context = await loadTemplateVariables(store, {
      entityType,
      entity,
      event: payload.event as unknown as Record<string, unknown>,
      automation: { id: payload.automationId, name: payload.automationName },
      run: { id: payload.runId, ...(planned.dueAt ? { dueAt: planned.dueAt } : {}) },
      now: clock.now(),
      ...(payload.readsSteps ? { steps: await store.webhooks.results(stepScope(payload)) } : {}),
    });
    const rendered = await renderAction(payload.action as Action, context, { timeZone: payload.timeZone });
    const plannedAt = new Date(planned.plannedAt);
    try {
      const { actor, ...outcome } = await actions.runStep(rendered as never, {
        automationId: payload.automationId,
        automationName: payload.automationName,
        runId: payload.runId,
        stepIndex: payload.actionIndex + 1,
        plannedAt,
        entityType,
        entityId: payload.entityId,
        depth: payload.event.cause?.depth ?? 0,
        timeZone: payload.timeZone,
        // Templates were filled above, once, exactly as a dry run shows them.
        render: async (text) => text,
        event: payload.event as unknown as Record<string, unknown>,
        ...(read ? { read } : {}),
        ...(logWith ? { logWith } : {}),
      }, entity);
      return { outcome, actor, planned };
    } catch (error) {
      // Someone wrote the record at the same moment: the step's Retry runs it again on the fresh record.
      if (error instanceof VersionMismatch) throw new TransientError(error.message);
      throw error;
    }
  }

  /**
   * An action Task: the action, its log line (with its record write, or after it), its count, and for the last
   * action of a run compiled to end there (`closesRun`) the run's close. A success is recorded once per
   * execution: a retried Task whose earlier attempt was recorded answers what that attempt did.
   */
  async function actionTask(payload: RunActionPayload, step: StepLine): Promise<{ answer: unknown; actor?: Actor }> {
    const { automationId, runId } = payload;
    // With branches the count depends on the path taken, and travels with the run (`actionsCompleted`).
    const completed = payload.actionsCompleted === undefined ? payload.actionIndex + 1 : Number(payload.actionsCompleted) + 1;
    const closeOf = (outcome: StepOutcome): RunClose | undefined =>
      payload.closesRun
        ? {
            endedAt: clock.now().toISOString(),
            actionsCompleted: completed,
            ...(payload.actionsCompleted === undefined ? {} : { actionsTotal: completed }),
            summary: `${payload.stepName}: ${outcome.done}`,
          }
        : undefined;
    let logged = false;
    const logWith: StepContext['logWith'] = (outcomeOf, actor) =>
      store.runLog.stepAlongside(
        automationId,
        runId,
        (record) => {
          const outcome = outcomeOf(record);
          const close = closeOf(outcome);
          const line: StepWrite = { ...step, status: 'SUCCEEDED', endedAt: clock.now().toISOString(), outcome: outcome as unknown as Record<string, unknown>, ...(actor ? { actor } : {}) };
          return { step: line, ...(close ? { close } : {}) };
        },
        () => (logged = true),
      );
    let done: { outcome: StepOutcome; actor?: Actor; planned: PlannedRun };
    // Whether the run is closed by this Task already (with the record write, or by an earlier attempt).
    let closed = false;
    try {
      done = await runAction(payload, logWith);
      closed = logged;
    } catch (error) {
      // The run was closed (cancelled) meanwhile: the last action did nothing, and the execution ends.
      if (error instanceof RunNotOpen) throw new RunClosedAlready(`the run was closed before this step wrote: ${error.message}`);
      if (!(error instanceof StepRecordedAlready)) throw error;
      // An earlier attempt made the change and wrote its line (and the close, with it); this one made none. The
      // close is still tried below (refused when it stands): a replayed execution's Enroll put the run back to
      // RUNNING before coming here again.
      done = { ...recordedBefore(await store.runLog.countAttempt(automationId, runId, step.order)), planned: await plannedFor(payload) };
      logged = true;
    }
    if (!logged) {
      const earlier = await store.runLog.recordStep(automationId, runId, {
        ...step,
        status: 'SUCCEEDED',
        endedAt: clock.now().toISOString(),
        outcome: done.outcome as unknown as Record<string, unknown>,
        ...(done.actor ? { actor: done.actor } : {}),
      });
      if (earlier) done = { ...recordedBefore(earlier), planned: done.planned };
    }
    const { outcome, actor, planned } = done;
    const summary = `${payload.stepName}: ${outcome.done}`;
    const close = closed ? undefined : closeOf(outcome);
    if (close) {
      // The step did its work (a mail, a webhook), or did it before: a run closed meanwhile (cancelled, or by the
      // earlier attempt) stays so, and the execution ends.
      await store.runLog.closeRun(automationId, runId, close).catch((error: unknown) => {
        if (!(error instanceof RunNotOpen)) throw error;
      });
    }
    // The last action leaves its count and line to Record success (or to its own close), which writes the run anyway.
    const last = payload.closes === true || payload.closesRun === true;
    const summaries = payload.closes ? [{ S: summary }] : [];
    if (!last) await store.runLog.countActions(automationId, runId, completed, summary);
    // The run's planned time travels on; with branches the count of actions done depends on the path: it
    // travels on with the decisions.
    const answer =
      payload.actionsCompleted === undefined
        ? { ...outcome, carry: { planned, summaries } }
        : { ...outcome, carry: { planned, summaries, actionsCompleted: String(completed), branches: payload.branches ?? {} } };
    return { answer, ...(actor ? { actor } : {}) };
  }

  /** What an earlier attempt of this step recorded, as this attempt's result. */
  function recordedBefore(earlier: StepRecord): { outcome: StepOutcome; actor?: Actor } {
    const outcome = (earlier.outcome ?? { result: 'noop', done: 'done by an earlier attempt' }) as unknown as StepOutcome;
    return { outcome, ...(earlier.actor ? { actor: earlier.actor } : {}) };
  }

  async function perform(payload: PlanWaitPayload | CheckConditionsPayload): Promise<{ answer: unknown; outcome: Record<string, unknown> }> {
    switch (payload.task) {
      case 'planWait':
        return planWait(payload);
      case 'checkConditions': {
        const answer = await checkConditions(payload);
        const done = payload.conditions === null ? 'no conditions' : 'the conditions hold';
        // With branches, the step says which way each one goes and why.
        return { answer, outcome: answer.paths ? { done, branches: answer.paths } : { done } };
      }
    }
  }

  /** The branches a run passes through are steps of its log too, each saying which way it went and why. */
  async function recordPath(
    payload: CheckConditionsPayload,
    step: { startedAt: string; executionId: string; automationVersion?: number },
    answer: Awaited<ReturnType<typeof checkConditions>>,
  ): Promise<void> {
    if (payload.branches === undefined || !answer.carry.branches) return;
    const decisions = answer.carry.branches;
    const endedAt = clock.now().toISOString();
    for (const branch of branchesOnPath(JSON.parse(payload.branches) as BranchCheck[], decisions)) {
      const arm = decisions[branch.key] ? 'then' : 'else';
      await store.runLog.recordStep(payload.automationId, payload.runId, {
        order: stepOrder.action(branch.index),
        name: branch.name,
        startedAt: step.startedAt,
        executionId: step.executionId,
        ...(step.automationVersion === undefined ? {} : { automationVersion: step.automationVersion }),
        status: 'SUCCEEDED',
        endedAt,
        outcome: { result: 'noop', done: `took "${arm}"`, reason: answer.paths?.[branch.key] ?? arm, branch: arm },
      });
    }
  }

  /**
   * The first Task of a run (its wait's plan, or the conditions when it does not wait) is when the run is
   * enrolled: report how long after the triggering write that was. Said once the step is settled (done,
   * skipped or cancelled), so a retried step does not count twice.
   */
  function reportEnrolment(payload: TaskPayload, startedAt: Date): void {
    const first = payload.task === 'planWait' || (payload.task === 'checkConditions' && !payload.waited);
    const occurredAt = Date.parse(payload.event.occurredAt);
    if (!first || Number.isNaN(occurredAt)) return;
    metrics.runEnrolled(Math.max(0, startedAt.getTime() - occurredAt));
  }

  /**
   * Every Task is a step of the run log, kept in the table beside the run (not only in the execution's history,
   * which Step Functions drops 90 days after the run ends): when it started, how often it was attempted, and
   * what it did or why it ended.
   */
  return async function handleTask(payload: TaskPayload): Promise<unknown> {
    // Waits, date conditions and due dates count in luxon, loaded by a container's first Task, not at init.
    await loadDateArithmetic();
    logger.debug('run task', { task: payload.task, automationId: payload.automationId, runId: payload.runId });
    const { automationId, runId } = payload;
    const [order, name] =
      payload.task === 'planWait'
        ? [stepOrder.planWait, STATE.planWait]
        : payload.task === 'checkConditions'
          ? [stepOrder.checkConditions, STATE.checkConditions]
          : [stepOrder.action(payload.actionIndex), payload.stepName];
    const started = clock.now();
    const checked = payload.task === 'runAction' ? checkedOf(payload) : undefined;
    const step: StepLine = {
      order,
      name,
      // The first Task of a run keeps the trigger event, which a redrive starts from (or the first action, which
      // writes Check conditions' line).
      ...(payload.task !== 'runAction' || checked ? { input: payload.event } : {}),
      startedAt: started.toISOString(),
      executionId: payload.executionId,
      ...(payload.automationVersion === undefined ? {} : { automationVersion: payload.automationVersion }),
      ...(checked ? { checked } : {}),
    };
    try {
      if (payload.task === 'runAction') {
        const { answer } = await actionTask(payload, step);
        return answer;
      }
      const { answer, outcome } = await perform(payload);
      const endedAt = clock.now().toISOString();
      if (payload.task === 'checkConditions' && payload.defersStep) {
        // Its first action writes this line with its own: one write of the run fewer.
        const line: CheckedLine = { name, startedAt: step.startedAt, endedAt, executionId: payload.executionId, outcome, ...(step.automationVersion === undefined ? {} : { automationVersion: step.automationVersion }) };
        reportEnrolment(payload, started);
        const decided = answer as Awaited<ReturnType<typeof checkConditions>>;
        return { ...decided, carry: { ...decided.carry, checked: line } };
      }
      await store.runLog.recordStep(automationId, runId, { ...step, status: 'SUCCEEDED', endedAt, outcome });
      if (payload.task === 'checkConditions') await recordPath(payload, step, answer as Awaited<ReturnType<typeof checkConditions>>);
      reportEnrolment(payload, started);
      return answer;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      // A skip or a cancel is the step doing its job: it decided the run ends here.
      const decided = failure instanceof ConditionsNotMet || failure instanceof RunCancelled || failure instanceof RunClosedAlready;
      await store.runLog.recordStep(automationId, runId, {
        ...step,
        status: decided ? 'CAUGHT' : 'FAILED',
        endedAt: clock.now().toISOString(),
        error: failure.name,
        cause: failure.message,
        ...(decided ? { outcome: { done: decidedLine(failure) } } : {}),
      });
      if (decided) reportEnrolment(payload, started);
      throw error;
    }
  };
}

/** What a step that ended its run on purpose says. */
function decidedLine(failure: Error): string {
  if (failure instanceof RunClosedAlready) return `did nothing: ${failure.message}`;
  return `${failure instanceof RunCancelled ? 'cancelled' : 'skipped'} the run: ${failure.message}`;
}

/** What every write of a Task's step carries: which step, when it started, in which execution. */
type StepLine = Omit<StepWrite, 'status' | 'endedAt'>;

/** Check conditions' line an action Task was given to write (none when empty: a redrive that starts at it). */
function checkedOf(payload: RunActionPayload): CheckedLine | undefined {
  const checked = payload.checked;
  return checked && 'startedAt' in checked && typeof checked.startedAt === 'string' ? (checked as CheckedLine) : undefined;
}

export type RunActionHandler = ReturnType<typeof createRunAction>;
