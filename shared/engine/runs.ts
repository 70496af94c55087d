// The run log as admins read it (runs of an automation, one run with its steps), and
// what they do with runs: start one by hand, try an automation on a record without
// side effects, redrive the failed runs of a window.
import { z } from 'zod';
import { compileAutomation, resumeRunInput } from '#shared/automation/compile.ts';
import { type AutomationDefinition, type Trigger, subjectOf } from '#shared/automation/definition.ts';
import { type RunInput, decideRun } from '#shared/automation/run-steps.ts';
import { actionStateName } from '#shared/automation/state-names.ts';
import { renderAction, templateContext } from '#shared/automation/templates.ts';
import { type Caller, actorOf } from '#shared/crm/context.ts';
import { parseWith, requireAdmin } from '#shared/crm/records.ts';
import { type Entity, type EntityType, Id, ownerTypes } from '#shared/domain/entities.ts';
import { Conflict, NotFound } from '#shared/errors.ts';
import { matchesPattern } from '#shared/events/pattern.ts';
import { detailTypes, stagedTypes } from '#shared/events/catalogue.ts';
import type { Clock, Ids, Workflows } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import { type RunRecord, runStatuses } from '#shared/store/runs.ts';
import { storedDefinition } from './automations.ts';

const DateTime = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

export const RunsQuery = z.strictObject({
  from: DateTime.optional(),
  to: DateTime.optional(),
  status: z.enum(runStatuses).optional(),
  entityId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(2000).optional(),
});

export const RunCountsQuery = z
  .strictObject({ from: DateTime.optional(), to: DateTime.optional() })
  .refine((window) => !window.from || !window.to || window.from <= window.to, { path: ['to'], message: 'must not be before from' });

export const RunTarget = z.strictObject({
  entityType: z.enum(['contact', 'company', 'lead', 'deal', 'activity', 'document']),
  entityId: Id,
});

export const RedriveWindow = z
  .strictObject({ from: DateTime, to: DateTime })
  .refine((window) => window.from < window.to, { path: ['to'], message: 'must be after from' });

export interface RunsDeps {
  store: Store;
  workflows: Workflows;
  clock: Clock;
  ids: Ids;
}

/** The record types an automation's runs are about (a document trigger's runs are about the document's owner). */
function subjectTypes(definition: AutomationDefinition): string[] {
  const subject = subjectOf(definition.trigger);
  return subject === 'documentOwner' ? [...ownerTypes] : [subject];
}

/** A CRM event as the trigger would have seen it for this record now: what a dry run and a manual run start from. */
function eventFor(trigger: Trigger, entityType: EntityType, record: Entity, eventId: string, occurredAt: string, caller: Caller) {
  const entityName = (verb: 'Created' | 'Updated' | 'Deleted') => detailTypes.lifecycle(entityType, verb);
  let detailType = entityName('Updated');
  const extra: Record<string, unknown> = {};
  let before: Record<string, unknown> | null = record;
  let changedFields: string[] = [];
  switch (trigger.type) {
    case 'created':
    case 'documentCreated':
    case 'manual':
      detailType = trigger.type === 'manual' ? 'Manual Run' : entityName('Created');
      before = null;
      break;
    case 'updated':
      changedFields = trigger.fields ?? [];
      break;
    case 'deleted':
      detailType = entityName('Deleted');
      break;
    case 'stageEntered':
      detailType = stagedTypes[trigger.entity];
      before = { ...record, stageId: null };
      changedFields = ['stageId'];
      break;
    case 'dateReached':
      detailType = entityName('Created');
      before = null;
      break;
    case 'documentSigned':
      detailType = detailTypes.documentSigned;
      extra.party = trigger.party;
      break;
    case 'documentViewed':
      detailType = detailTypes.documentViewed;
      break;
  }
  const deleted = trigger.type === 'deleted';
  const detail = {
    eventId,
    entityType,
    entityId: record.id,
    occurredAt,
    actor: actorOf(caller),
    cause: { automationId: 'none', depth: 0 },
    before: deleted ? record : before,
    after: deleted ? null : record,
    changedFields,
    ...extra,
  };
  return {
    version: '0',
    id: eventId,
    source: 'stagecraft.crm',
    account: '000000000000',
    region: 'local',
    time: occurredAt,
    resources: [],
    'detail-type': detailType,
    detail,
  };
}

export function createRunsService({ store, workflows, clock, ids }: RunsDeps) {
  async function automation(id: string) {
    const record = await store.records.require('automation', id);
    return { record, definition: storedDefinition(record) };
  }

  async function list(automationId: string, query: unknown) {
    const { definition } = await automation(automationId);
    const parsed = parseWith(RunsQuery, query, 'query');
    return store.runLog.list(automationId, { ...parsed, entityTypes: subjectTypes(definition) });
  }

  /** Runs per status that started in the window: the counts above the run log. */
  async function counts(automationId: string, query: unknown) {
    await automation(automationId);
    const window = parseWith(RunCountsQuery, query, 'query');
    return { ...window, counts: await store.runCounts.count(automationId, window) };
  }

  async function get(automationId: string, runId: string) {
    const run = await store.runLog.get(automationId, runId);
    if (!run) throw new NotFound('run', runId);
    // A redriven run's steps are those of its newest execution.
    const executionId = (run as RunRecord & { redriveExecutionId?: string }).redriveExecutionId ?? run.executionId;
    const steps = executionId ? await workflows.steps(executionId) : [];
    const consoleUrl = executionId ? workflows.consoleUrl(executionId) : undefined;
    return { ...run, steps, ...(consoleUrl ? { consoleUrl } : {}) };
  }

  /** Starts a run for one record, now: the run id is the id of the event built for it. */
  async function startManual(automationId: string, input: unknown, caller: Caller) {
    requireAdmin(caller);
    const { record: auto, definition } = await automation(automationId);
    const { entityType, entityId } = parseWith(RunTarget, input);
    const provisioning = await store.provisioning.get(automationId);
    if (provisioning?.status !== 'ready') {
      throw new Conflict('NOT_PROVISIONED', `Automation ${automationId} is not deployed yet (provisioning: ${provisioning?.status ?? 'pending'}); try again shortly.`);
    }
    const record = await store.records.require(entityType, entityId);
    const runId = ids.next();
    const event = eventFor(definition.trigger, entityType, record, runId, clock.now().toISOString(), caller);
    const { executionId } = await workflows.start(automationId, runId, event);
    return {
      automationId,
      automationVersion: auto.version,
      runId,
      executionId,
      entityType,
      entityId,
      status: 'RUNNING' as const,
      startedAt: event.time,
      actionsCompleted: 0,
      actionsTotal: definition.actions.length,
    };
  }

  /** Whether the trigger and conditions hold for the record, and every action filled in: no side effect. */
  async function dryRun(automationId: string, input: unknown, caller: Caller) {
    const { record: auto, definition } = await automation(automationId);
    const { entityType, entityId } = parseWith(RunTarget, input);
    const record = await store.records.require(entityType, entityId);
    const event = eventFor(definition.trigger, entityType, record, 'dry-run', clock.now().toISOString(), caller);
    const compiled = compileAutomation({ id: automationId, version: auto.version, definition });
    const triggerMatches = compiled.eventPattern === null ? definition.trigger.type === 'manual' : matchesPattern(compiled.eventPattern, event);
    const decision = decideRun({
      task: 'checkConditions',
      automationId,
      runId: 'dry-run',
      executionId: 'dry-run',
      entityType,
      entityId,
      event: event.detail as never,
      trigger: definition.trigger,
      conditions: definition.conditions ? JSON.stringify(definition.conditions) : null,
      recheck: false,
      onLeave: 'continue',
      finishPending: false,
      waited: false,
    });
    const contactId = typeof record.contactId === 'string' ? record.contactId : undefined;
    const contact = contactId ? await store.records.get('contact', contactId) : undefined;
    const context = templateContext({
      entityType,
      entity: record,
      ...(contact ? { contact } : {}),
      event: event.detail as unknown as Record<string, unknown>,
      automation: { id: automationId, name: definition.name },
      run: { id: 'dry-run' },
      now: clock.now(),
    });
    const actions = definition.actions.map((action, index) => {
      try {
        return { step: actionStateName(index, action), action: renderAction(action, context, { timeZone: definition.timeZone }) };
      } catch (error) {
        return { step: actionStateName(index, action), error: (error as Error).message };
      }
    });
    return {
      triggerMatches,
      conditionsHold: decision.proceed,
      ...(decision.proceed ? {} : { reason: decision.reason }),
      wouldRun: triggerMatches && decision.proceed,
      actions,
    };
  }

  /**
   * Runs every FAILED run of the window again from its failed step, in a new execution
   * (a Step Functions redrive would only repeat the final Fail state). Steps done before
   * it are not run again; a step that half-ran is idempotent.
   */
  async function redrive(automationId: string, input: unknown, caller: Caller) {
    requireAdmin(caller);
    const { definition } = await automation(automationId);
    const window = parseWith(RedriveWindow, input);
    const failed: RunRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.runLog.list(automationId, { status: 'FAILED', from: window.from, to: window.to, limit: 100, ...(cursor ? { cursor } : {}) });
      failed.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    const redriven: string[] = [];
    for (const run of failed) {
      const original = (await workflows.input(run.executionId)) as RunInput | undefined;
      if (!original?.detail) continue;
      const name = `${run.runId}-r${ids.next()}`.slice(0, 80);
      const failedStep = run.failedStep ?? actionStateName(0, definition.actions[0]!);
      if (!(await store.runLog.markRedriven(automationId, run.runId))) continue;
      const resumed = resumeRunInput(original.detail, { failedStep, actionsCompleted: run.actionsCompleted });
      const { executionId } = await workflows.start(automationId, name, resumed);
      await store.runLog.noteRedriveExecution(automationId, run.runId, executionId);
      redriven.push(run.runId);
    }
    return { redriven };
  }

  return { list, counts, get, startManual, dryRun, redrive };
}

export type RunsService = ReturnType<typeof createRunsService>;
