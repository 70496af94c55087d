// The one function every Task of a compiled automation invokes (DESIGN §6): it plans
// waits, checks conditions, and runs actions as the Butler. The decisions are pure
// (shared/automation/run-steps.ts); this module reads the records and writes the effects.
import type { Action } from '#shared/automation/definition.ts';
import {
  ConditionsNotMet,
  RunCancelled,
  type CheckConditionsPayload,
  type PlanWaitAnswer,
  type PlanWaitPayload,
  type RunActionPayload,
  type TaskPayload,
  TransientError,
  answerPlanWait,
  decideRun,
  enforceDecision,
  eventRecordOf,
  needsCurrentRecord,
} from '#shared/automation/run-steps.ts';
import { STATE } from '#shared/automation/state-names.ts';
import { renderAction, templateContext } from '#shared/automation/templates.ts';
import { documentVariablesOf } from '#shared/crm/document-templates.ts';
import { stepOrder } from '#shared/store/runs.ts';
import type { EntityType } from '#shared/domain/entities.ts';
import { VersionMismatch } from '#shared/errors.ts';
import type { Clock, Logger } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import type { Actions, StepOutcome } from './actions.ts';

export interface RunActionDeps {
  store: Store;
  actions: Actions;
  clock: Clock;
  logger: Logger;
}

export function createRunAction({ store, actions, clock, logger }: RunActionDeps) {
  async function planWait(payload: PlanWaitPayload): Promise<{ answer: PlanWaitAnswer; outcome: Record<string, unknown> }> {
    const answer = answerPlanWait(payload);
    await store.runLog.markWaiting(payload.automationId, payload.runId, answer.dueAt, payload.executionId);
    const waitStep = payload.steps.wait ?? 'Wait';
    const continues = answer.continuation ? ' (goes on in a new execution past the one-year limit)' : '';
    return { answer, outcome: { done: `waits until ${answer.dueAt}${continues}`, dueAt: answer.dueAt, waitStep } };
  }

  async function checkConditions(payload: CheckConditionsPayload): Promise<{ proceed: true }> {
    const decided = payload;
    const current = needsCurrentRecord(decided)
      ? ((await store.records.get(payload.entityType as EntityType, payload.entityId)) ?? null)
      : undefined;
    const automation = payload.waited ? await store.records.get('automation', payload.automationId) : undefined;
    const automationStatus = payload.waited ? (automation?.status === 'active' ? 'active' : 'stopped') : undefined;
    enforceDecision(decideRun(decided, { ...(current !== undefined ? { current } : {}), ...(automationStatus ? { automationStatus } : {}) }));
    if (payload.waited) await store.runLog.markResumed(payload.automationId, payload.runId);
    return { proceed: true };
  }

  async function runAction(payload: RunActionPayload): Promise<StepOutcome> {
    const entityType = payload.entityType as EntityType;
    // The record as it is now; for a deletion trigger, as it was.
    const entity = (await store.records.get(entityType, payload.entityId)) ?? (eventRecordOf(payload.event) as never);
    if (!entity) throw new Error(`The ${entityType} ${payload.entityId} no longer exists.`);
    const contactId = entityType === 'contact' ? undefined : (entity.contactId as string | undefined);
    const companyId = entity.companyId as string | undefined;
    const [contact, company] = await Promise.all([
      contactId ? store.records.get('contact', contactId) : undefined,
      companyId ? store.records.get('company', companyId) : undefined,
    ]);
    const run = await store.runLog.get(payload.automationId, payload.runId);
    const context = {
      ...templateContext({
        entityType,
        entity,
        ...(contact ? { contact } : {}),
        ...(company ? { company } : {}),
        event: payload.event as unknown as Record<string, unknown>,
        automation: { id: payload.automationId, name: payload.automationName },
        run: { id: payload.runId, ...(run?.dueAt ? { dueAt: run.dueAt } : {}) },
        now: clock.now(),
      }),
      ...(await documentVariablesOf(store, payload.event)),
    };
    const rendered = renderAction(payload.action as Action, context, { timeZone: payload.timeZone });
    const plannedAt = new Date(run?.dueAt ?? run?.startedAt ?? payload.event.occurredAt);
    try {
      const outcome = await actions.runStep(rendered as never, {
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
      }, entity);
      await store.runLog.countActions(payload.automationId, payload.runId, payload.actionIndex + 1, `${payload.stepName}: ${outcome.done}`);
      return outcome;
    } catch (error) {
      // Someone wrote the record at the same moment: the step's Retry runs it again on the fresh record.
      if (error instanceof VersionMismatch) throw new TransientError(error.message);
      throw error;
    }
  }

  async function perform(payload: TaskPayload): Promise<{ answer: unknown; outcome: Record<string, unknown> }> {
    switch (payload.task) {
      case 'planWait':
        return planWait(payload);
      case 'checkConditions': {
        const answer = await checkConditions(payload);
        return { answer, outcome: { done: payload.conditions === null ? 'no conditions' : 'the conditions hold' } };
      }
      case 'runAction': {
        const outcome = await runAction(payload);
        return { answer: outcome, outcome: outcome as unknown as Record<string, unknown> };
      }
    }
  }

  /**
   * Every Task is a step of the run log, kept in the table beside the run (not only in the execution's history,
   * which Step Functions drops 90 days after the run ends): when it started, how often it was attempted, and
   * what it did or why it ended.
   */
  return async function handleTask(payload: TaskPayload): Promise<unknown> {
    logger.debug('run task', { task: payload.task, automationId: payload.automationId, runId: payload.runId });
    const { automationId, runId } = payload;
    const [order, name] =
      payload.task === 'planWait'
        ? [stepOrder.planWait, STATE.planWait]
        : payload.task === 'checkConditions'
          ? [stepOrder.checkConditions, STATE.checkConditions]
          : [stepOrder.action(payload.actionIndex), payload.stepName];
    const step = {
      order,
      name,
      // The first Task of a run keeps the trigger event, which a redrive starts from.
      ...(payload.task === 'runAction' ? {} : { input: payload.event }),
      startedAt: clock.now().toISOString(),
      executionId: payload.executionId,
      ...(payload.automationVersion === undefined ? {} : { automationVersion: payload.automationVersion }),
    };
    try {
      const { answer, outcome } = await perform(payload);
      await store.runLog.recordStep(automationId, runId, { ...step, status: 'SUCCEEDED', endedAt: clock.now().toISOString(), outcome });
      return answer;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      // A skip or a cancel is the step doing its job: it decided the run ends here.
      const decided = failure instanceof ConditionsNotMet || failure instanceof RunCancelled;
      await store.runLog.recordStep(automationId, runId, {
        ...step,
        status: decided ? 'CAUGHT' : 'FAILED',
        endedAt: clock.now().toISOString(),
        error: failure.name,
        cause: failure.message,
        ...(decided ? { outcome: { done: `${failure instanceof RunCancelled ? 'cancelled' : 'skipped'} the run: ${failure.message}` } } : {}),
      });
      throw error;
    }
  };
}

export type RunActionHandler = ReturnType<typeof createRunAction>;
