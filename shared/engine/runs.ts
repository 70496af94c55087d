// The run log as admins read it (runs of an automation, one run with its steps), and
// what they do with runs: start one by hand, try an automation on a record without
// side effects, redrive the failed runs of a window.
import { z } from 'zod';
import type { AutomationDefinition, Step, Trigger } from '#shared/automation/definition.ts';
import { actionsOf, isBranch, subjectOf, walkSteps } from '#shared/automation/definition-model.ts';
import type { RunInput } from '#shared/automation/run-steps.ts';
import { causeMessage } from '#shared/automation/causes.ts';
import { changedFieldName } from '#shared/automation/fields.ts';
import { type NumberedStep, STATE, numberSteps } from '#shared/automation/state-names.ts';
import { renderAction } from '#shared/automation/render-action.ts';
import { type ActorView, createActorDisplay } from '#shared/crm/actor-display.ts';
import { type Caller, actorOf, requireAdmin } from '#shared/crm/context.ts';
import type { Actor } from '#shared/domain/actors.ts';
import { parseWith } from '#shared/domain/validation.ts';
import { type Entity, type EntityType, Id, ownerTypes } from '#shared/domain/entities.ts';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '#shared/errors.ts';
import { detailTypes, stagedTypes } from '#shared/events/catalogue.ts';
import { loadedOnFirstUse } from '#shared/lazy-module.ts';
import type { Clock, Ids, Workflows } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import type { StepRecord } from '#shared/store/run-log.ts';
import { type RunRecord, runStatuses, stepOrder } from '#shared/store/runs.ts';
import type { ActionConfig } from './actions.ts';
import { storedDefinition } from './stored-definition.ts';
import { loadTemplateVariables } from './template-variables.ts';

/** Stopping one run, as an automation's stop does it (provision.ts): loaded by the first cancel. */
const loadStopRun = loadedOnFirstUse(async () => (await import('./provision.ts')).stopRun);

/** What only a dry run or a redrive runs (the compiler, event patterns, a run's decisions, the steps' own checks and date arithmetic): loaded by the first. */
const loadRunTools = loadedOnFirstUse(async () => {
  const [{ compileAutomation, resumeRunInput }, { decideBranches, decideRun }, { matchesPattern }, { stepProblem }] = await Promise.all([
    import('#shared/automation/compile-asl.ts'),
    import('#shared/automation/run-steps.ts'),
    import('#shared/events/pattern.ts'),
    import('./actions.ts'),
    import('#shared/automation/date-arithmetic.ts').then(({ loadDateArithmetic }) => loadDateArithmetic()),
  ]);
  return { compileAutomation, resumeRunInput, decideBranches, decideRun, matchesPattern, stepProblem };
});

// The query and body schemas are built by the first request that parses one (or documents it), not at init.
const DateTime = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

export const RunsQuery = z.lazy(() =>
  z.strictObject({
    from: DateTime.optional(),
    to: DateTime.optional(),
    status: z.enum(runStatuses).optional(),
    entityId: Id.optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
    cursor: z.string().max(2000).optional(),
  }).refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, { path: ['to'], message: 'must not be before from' }),
);

export const RunCountsQuery = z.lazy(() =>
  z
    .strictObject({ from: DateTime.optional(), to: DateTime.optional() })
    .refine((window) => !window.from || !window.to || window.from <= window.to, { path: ['to'], message: 'must not be before from' }),
);

const subjectTypeList = ['contact', 'company', 'lead', 'deal', 'activity', 'document'] as const;

/** GET /runs: every automation's runs, by automation, by record, by status, in a date range. */
export const AllRunsQuery = z.lazy(() =>
  z
    .strictObject({
      automationId: Id.optional(),
      entityType: z.enum(subjectTypeList).optional(),
      entityId: Id.optional(),
      status: z.enum(runStatuses).optional(),
      from: DateTime.optional(),
      to: DateTime.optional(),
      limit: z.coerce.number().int().min(1).max(100).optional(),
      cursor: z.string().max(2000).optional(),
    })
    .refine((query) => (query.entityType === undefined) === (query.entityId === undefined), {
      path: ['entityId'],
      message: 'filter by entityType and entityId together',
    })
    .refine((query) => !query.from || !query.to || query.from <= query.to, { path: ['to'], message: 'must not be before from' }),
);

/** Step Functions keeps an execution's history this long after it ends; its console page is empty after. */
const EXECUTION_HISTORY_DAYS = 90;

export type StepStatus = 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT' | 'CANCELLED';

export interface RunStepView {
  name: string;
  status: StepStatus;
  startedAt: string;
  endedAt?: string;
  dueAt?: string;
  attempts?: number;
  error?: string;
  cause?: string;
  outcome?: Record<string, unknown>;
  /** Who an action step acted as, with the name and icon as they are now (the view fills them in). */
  actor?: Actor | ActorView;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The run in one line: what its actions did, or why it did not get (all) the way. */
export function runSummary(run: RunRecord & { loopDepth?: number }): string {
  const done = run.summaries ?? [];
  const cause = causeMessage(run.errorCause) || run.error || 'unknown error';
  switch (run.status) {
    case 'SUCCEEDED':
      return oneLine(done.length > 0 ? done.join('; ') : 'succeeded');
    case 'FAILED':
      return oneLine(`failed at ${run.failedStep ?? 'a step'}: ${cause}${done.length > 0 ? ` (done before: ${done.join('; ')})` : ''}`);
    case 'SKIPPED':
      return oneLine(`skipped: ${run.reason ?? 'the conditions do not hold'}`);
    case 'CANCELLED':
      return oneLine(`cancelled: ${run.reason ?? 'stopped'}`);
    case 'WAITING':
      return `waiting until ${run.dueAt ?? 'its due time'}`;
    case 'LOOP_STOPPED':
      return oneLine(`not started: ${run.reason ?? 'the loop guard stopped the chain'}`);
    default:
      return oneLine(done.length > 0 ? `running: ${done.join('; ')}` : 'running');
  }
}

/**
 * The run's steps from the step log kept in the table (run-action writes one entry per Task), framed by what the
 * run record says: Enroll, the Wait after Plan wait, and the state that closed the run.
 */
export function composeSteps(run: RunRecord, recorded: StepRecord[]): RunStepView[] {
  const steps: RunStepView[] = [{ name: STATE.enroll, status: 'SUCCEEDED', startedAt: run.startedAt, endedAt: run.startedAt }];
  if (run.status === 'LOOP_STOPPED') {
    steps[0] = { name: 'Loop guard', status: 'CAUGHT', startedAt: run.startedAt, endedAt: run.startedAt, error: 'Stagecraft.LoopStopped', cause: run.reason ?? '' };
    return steps;
  }
  const ordered = [...recorded].sort((a, b) => a.order - b.order);
  ordered.forEach((entry, index) => {
    const step: RunStepView = { name: entry.name, status: entry.status, startedAt: entry.startedAt };
    if (entry.endedAt) step.endedAt = entry.endedAt;
    if (entry.attempts > 1) step.attempts = entry.attempts;
    if (entry.error) step.error = entry.error;
    if (entry.cause) step.cause = entry.cause;
    if (entry.outcome) step.outcome = entry.outcome;
    if (entry.actor) step.actor = entry.actor;
    steps.push(step);
    const dueAt = entry.order === stepOrder.planWait && entry.status === 'SUCCEEDED' ? entry.outcome?.dueAt : undefined;
    if (typeof dueAt === 'string') {
      const next = ordered[index + 1];
      const wait: RunStepView = { name: String(entry.outcome?.waitStep ?? 'Wait'), status: 'SUCCEEDED', startedAt: entry.endedAt ?? entry.startedAt, dueAt };
      if (next) wait.endedAt = next.startedAt;
      else if (run.status === 'WAITING') wait.status = 'WAITING';
      else if (run.status === 'CANCELLED') Object.assign(wait, { status: 'CANCELLED', cause: run.reason ?? '', ...(run.endedAt ? { endedAt: run.endedAt } : {}) });
      else if (run.endedAt) wait.endedAt = run.endedAt;
      steps.push(wait);
    }
  });
  // A step whose attempt never reported back (a Lambda timeout, a crash) is known from the run record alone.
  if (run.status === 'FAILED' && run.failedStep && !ordered.some((entry) => entry.name === run.failedStep)) {
    steps.push({
      name: run.failedStep,
      status: 'FAILED',
      startedAt: run.endedAt ?? run.startedAt,
      ...(run.endedAt ? { endedAt: run.endedAt } : {}),
      error: run.error ?? 'States.Runtime',
      cause: causeMessage(run.errorCause),
    });
  }
  const close = (name: string, extra: Partial<RunStepView> = {}) =>
    steps.push({ name, status: 'SUCCEEDED', startedAt: run.endedAt ?? run.startedAt, endedAt: run.endedAt ?? run.startedAt, ...extra });
  if (run.status === 'SUCCEEDED') close(STATE.recordSuccess);
  else if (run.status === 'SKIPPED') close(STATE.skip, { cause: run.reason ?? '' });
  else if (run.status === 'CANCELLED') close(STATE.cancel, { cause: run.reason ?? '' });
  else if (run.status === 'FAILED') close(STATE.recordFailure, { error: run.error ?? 'States.Runtime', cause: causeMessage(run.errorCause) });
  return steps;
}

export const RunTarget = z.lazy(() =>
  z.strictObject({
    entityType: z.enum(['contact', 'company', 'lead', 'deal', 'activity', 'document']),
    entityId: Id,
  }),
);

export const RedriveWindow = z.lazy(() =>
  z.strictObject({ from: DateTime, to: DateTime }).refine((window) => window.from < window.to, { path: ['to'], message: 'must be after from' }),
);

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

/** The record types a manual run may start from: the trigger's own, or for a document trigger the document or its owner. */
function manualRunTypes(trigger: Trigger): string[] {
  return 'entity' in trigger ? [trigger.entity] : ['document', ...ownerTypes];
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
      // As a write of those fields names them (a custom field also as `fields`), so the trigger's pattern matches.
      changedFields = [...new Set((trigger.fields ?? []).flatMap((path) => [changedFieldName(path), path]))];
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

/**
 * The trigger a dry run checks, and what it takes for granted: an update trigger's field check compares the event's
 * before and after, which a record as it is has not, so the dry run assumes one of the fields changed.
 */
function withoutChangeCheck(trigger: Trigger): { trigger: Trigger; assumed: string[] } {
  if (trigger.type !== 'updated' || !trigger.fields) return { trigger, assumed: [] };
  const { fields, ...rest } = trigger;
  return { trigger: rest, assumed: [`one of ${fields.join(', ')} changed: a dry run has no change to look at`] };
}

/** Admins run any automation by hand; members only a manual one that allows them (`allowMembers`). */
function mayRunByHand(caller: Caller, definition: AutomationDefinition): void {
  if (caller.kind === 'user' && caller.role === 'admin') return;
  if (caller.kind === 'user' && definition.trigger.type === 'manual' && definition.allowMembers === true) return;
  throw new Forbidden(
    definition.trigger.type === 'manual'
      ? 'Only admins may run this automation by hand; members may when the automation allows it (allowMembers).'
      : 'Only admins may start a run of this automation by hand.',
  );
}

export function createRunsService({ store, workflows, clock, ids }: RunsDeps) {
  const actors = createActorDisplay(store);
  async function automation(id: string) {
    const record = await store.records.require('automation', id);
    return { record, definition: storedDefinition(record) };
  }

  /** The record types an automation's runs are about; a deleted automation's runs may be about any. */
  async function runSubjectTypes(automationId: string): Promise<string[]> {
    const record = await store.records.get('automation', automationId);
    if (record) return subjectTypes(storedDefinition(record));
    // Deleted: its runs stay readable as long as it has a history (it existed).
    const history = await store.records.history('automation', automationId, { limit: 1 });
    if (history.items.length === 0) throw new NotFound('automation', automationId);
    return [...subjectTypeList];
  }

  /** Runs per status that started in the window: the counts above the run log. */
  async function counts(automationId: string, query: unknown) {
    await runSubjectTypes(automationId);
    const window = parseWith(RunCountsQuery, query, 'query');
    return { ...window, counts: await store.runCounts.count(automationId, window) };
  }

  const withSummary = (run: RunRecord) => ({ ...run, summary: runSummary(run) });

  /** Each acting step's actor with its name and icon as they are now: one read of the users for the whole run. */
  async function withActorNames(steps: RunStepView[]): Promise<RunStepView[]> {
    const ids = [...new Set(steps.flatMap((step) => (step.actor ? [step.actor.id] : [])))];
    if (ids.length === 0) return steps;
    const shown = await actors.names(ids);
    return steps.map((step) => (step.actor ? { ...step, actor: { ...step.actor, ...shown.get(step.actor.id)! } } : step));
  }

  async function list(automationId: string, query: unknown) {
    const parsed = parseWith(RunsQuery, query, 'query');
    const page = await store.runLog.list(automationId, { ...parsed, entityTypes: await runSubjectTypes(automationId) });
    return { ...page, items: page.items.map(withSummary) };
  }

  /** Runs across automations (GET /runs), newest first. */
  async function listAll(query: unknown) {
    const parsed = parseWith(AllRunsQuery, query, 'query');
    const page = await store.runLog.listAll(parsed);
    return { ...page, items: page.items.map(withSummary) };
  }

  /** One run with its steps, read from the table: the same on AWS and locally, also after the execution's history is gone. */
  async function get(automationId: string, runId: string) {
    const run = await store.runLog.get(automationId, runId);
    if (!run) throw new NotFound('run', runId);
    const steps = await withActorNames(composeSteps(run, await store.runLog.steps(automationId, runId)));
    // The console shows an execution only while Step Functions keeps its history.
    const executionId = run.redriveExecutionId ?? run.executionId;
    const recent = clock.now().getTime() - Date.parse(run.endedAt ?? run.startedAt) < EXECUTION_HISTORY_DAYS * 86_400_000;
    const consoleUrl = executionId && recent ? workflows.consoleUrl(executionId) : undefined;
    return { ...withSummary(run), steps, ...(consoleUrl ? { consoleUrl } : {}) };
  }

  /** An automation's history, newest first: kept after it is deleted. */
  async function history(automationId: string, query: { limit?: number; cursor?: string }) {
    const page = await store.records.history('automation', automationId, query);
    if (page.items.length === 0 && !query.cursor) throw new NotFound('automation', automationId);
    // Actors named as in every other history (README: "History entries … carry each actor's name and icon").
    const items = await actors.withActors(page.items.map(({ cause: _cause, ...entry }) => entry));
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  /** Starts a run for one record, now: the run id is the id of the event built for it. */
  async function startManual(automationId: string, input: unknown, caller: Caller) {
    const { record: auto, definition } = await automation(automationId);
    mayRunByHand(caller, definition);
    const { entityType, entityId } = parseWith(RunTarget, input);
    const runsOn = manualRunTypes(definition.trigger);
    if (!runsOn.includes(entityType))
      throw ValidationFailed.field('entityType', `this automation runs on ${runsOn.join(' or ')}; a ${entityType} cannot start it`);
    // What the body names is checked before the automation's state: a caller's mistake is answered first.
    const record = await namedRecord(entityType, entityId);
    // A stopped automation's rule is off: a run by hand would go round that (activating it is the way back).
    if (auto.status === 'stopped') {
      throw new Conflict('AUTOMATION_STOPPED', `Automation ${automationId} is stopped: activate it first (POST /automations/${automationId}/activate) to run it by hand.`);
    }
    const provisioning = await store.provisioning.get(automationId);
    if (provisioning?.status !== 'ready') {
      throw new Conflict('NOT_PROVISIONED', `Automation ${automationId} is not deployed yet (provisioning: ${provisioning?.status ?? 'pending'}); try again shortly.`);
    }
    const runId = ids.next();
    const event = eventFor(definition.trigger, entityType, record, runId, clock.now().toISOString(), caller);
    const { executionId } = await workflows.start(automationId, runId, event);
    return {
      automationId,
      automationVersion: auto.version,
      summary: 'started by hand',
      runId,
      executionId,
      entityType,
      entityId,
      status: 'RUNNING' as const,
      startedAt: event.time,
      actionsCompleted: 0,
      actionsTotal: actionsOf(definition.actions).length,
    };
  }

  /** The record a request body names: a missing one is the body's mistake (400 at entityId), not a missing route (404). */
  async function namedRecord(entityType: EntityType, entityId: string) {
    const record = await store.records.get(entityType, entityId);
    if (!record) throw ValidationFailed.field('entityId', `no ${entityType} with id ${entityId}`);
    return record;
  }

  /** Whether the trigger and conditions hold for the record, and every action filled in: no side effect. */
  async function dryRun(automationId: string, input: unknown, caller: Caller) {
    const { compileAutomation, decideBranches, decideRun, matchesPattern, stepProblem } = await loadRunTools();
    const { record: auto, definition } = await automation(automationId);
    const { entityType, entityId } = parseWith(RunTarget, input);
    const record = await namedRecord(entityType, entityId);
    const event = eventFor(definition.trigger, entityType, record, 'dry-run', clock.now().toISOString(), caller);
    // A record has no change to look at: which of an update trigger's fields changed cannot be checked, only assumed.
    const { trigger, assumed } = withoutChangeCheck(definition.trigger);
    const compiled = compileAutomation({ id: automationId, version: auto.version, definition });
    const triggerMatches = compiled.eventPattern === null ? definition.trigger.type === 'manual' : matchesPattern(compiled.eventPattern, event);
    const numbered = numberSteps(definition.actions);
    const branchList = numbered.flatMap((entry) => (isBranch(entry.step) ? [{ key: `b${entry.index + 1}`, if: entry.step.if }] : []));
    const checks = {
      task: 'checkConditions' as const,
      automationId,
      runId: 'dry-run',
      executionId: 'dry-run',
      entityType,
      entityId,
      event: event.detail as never,
      trigger,
      conditions: definition.conditions ? JSON.stringify(definition.conditions) : null,
      recheck: false,
      onLeave: 'continue' as const,
      finishPending: false,
      waited: false,
      ...(branchList.length > 0 ? { branches: JSON.stringify(branchList) } : {}),
    };
    const decision = decideRun(checks);
    const paths = decideBranches(checks);
    const context = await loadTemplateVariables(store, {
      entityType,
      entity: record,
      event: event.detail as unknown as Record<string, unknown>,
      automation: { id: automationId, name: definition.name },
      run: { id: 'dry-run' },
      now: clock.now(),
    });
    // Every step in run order; with branches, each says whether it is on the path this record would take.
    const onPath = new Set<Step>();
    const follow = (steps: readonly Step[]) => {
      for (const step of steps) {
        onPath.add(step);
        if (isBranch(step)) {
          const entry = numbered.find((candidate) => candidate.step === step) as NumberedStep;
          follow(paths?.branches[`b${entry.index + 1}`] ? step.then : step.else);
        }
      }
    };
    follow(definition.actions);
    const actions = await Promise.all(numbered.map(async ({ step, index, name }) => {
      const path = branchList.length > 0 ? { onPath: onPath.has(step) } : {};
      if (isBranch(step)) {
        const key = `b${index + 1}`;
        return { step: name, ...path, branch: paths?.branches[key] ? 'then' : 'else', why: paths?.reasons[key] };
      }
      let action: Record<string, unknown>;
      try {
        action = await renderAction(step, context, { timeZone: definition.timeZone });
      } catch (error) {
        return { step: name, ...path, error: (error as Error).message };
      }
      // What the step would fail on, when reading tells (a planned activity with nobody responsible).
      const problem = await stepProblem(store, action as ActionConfig, { entityType, entity: record, now: clock.now(), timeZone: definition.timeZone });
      return { step: name, ...path, action, ...(problem ? { error: problem } : {}) };
    }));
    return {
      triggerMatches,
      conditionsHold: decision.proceed,
      ...(decision.proceed ? {} : { reason: decision.reason }),
      ...(assumed.length > 0 ? { assumed } : {}),
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
    const { resumeRunInput } = await loadRunTools();
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
    // The version the new execution runs: the state machine as last deployed.
    const deployed = await store.provisioning.get(automationId);
    for (const run of failed) {
      const detail = (await store.runLog.input(automationId, run.runId)) ?? (await executionInput(run.executionId));
      if (!detail) continue;
      const name = `${run.runId}-r${ids.next()}`.slice(0, 80);
      const [first] = numberSteps(definition.actions);
      const failedStep = run.failedStep ?? (first as NumberedStep).name;
      // The failure this redrive follows stays in its entry: the run's own error and cause are cleared for the new attempt.
      const cause = causeMessage(run.errorCause);
      const marked = await store.runLog.markRedriven(automationId, run.runId, {
        at: clock.now().toISOString(),
        fromStep: failedStep,
        ...(deployed ? { automationVersion: deployed.automationVersion } : {}),
        ...(run.failedStep ? { failedStep: run.failedStep } : {}),
        ...(run.error ? { error: run.error } : {}),
        ...(cause ? { cause } : {}),
      });
      if (!marked) continue;
      // The failed step's line starts over with the new attempt (its failure is in the redrive's entry).
      const failedLine = (await store.runLog.steps(automationId, run.runId)).find((step) => step.name === failedStep && step.status === 'FAILED');
      if (failedLine) await store.runLog.restartStep(automationId, run.runId, failedLine.order, clock.now().toISOString());
      const branchy = walkSteps(definition.actions).some(({ step }) => isBranch(step));
      const resumed = resumeRunInput(
        detail as RunInput['detail'],
        { failedStep, actionsCompleted: run.actionsCompleted, startedAt: run.startedAt, ...(run.dueAt ? { dueAt: run.dueAt } : {}) },
        { branchy },
      );
      const { executionId } = await workflows.start(automationId, name, resumed);
      const noted = await store.runLog.noteRedriveExecution(automationId, run.runId, executionId);
      // Cancelled by an admin before its new execution was known: that execution is stopped now.
      if (noted?.status === 'CANCELLED') await workflows.stop(executionId, noted.reason ?? 'the run was cancelled');
      redriven.push(run.runId);
    }
    return { redriven };
  }

  /**
   * An admin ends one run (HubSpot's unenroll): a WAITING or RUNNING run is stopped as an automation's stop stops
   * it, and CANCELLED naming who cancelled it. A run cancelled already is answered as it is (a repeated call); a run
   * that ended otherwise, also while this call was stopping it (it resumed and finished), is a conflict.
   */
  async function cancel(automationId: string, runId: string, caller: Caller) {
    requireAdmin(caller);
    const run = await store.runLog.get(automationId, runId);
    if (!run) throw new NotFound('run', runId);
    if (run.status === 'WAITING' || run.status === 'RUNNING') {
      const userId = caller.kind === 'user' ? caller.userId : '';
      const who = (await actors.names([userId])).get(userId)?.name ?? userId;
      const stopRun = await loadStopRun();
      await stopRun({ store, workflows }, run, `cancelled by ${who}`, clock.now().toISOString());
    }
    const view = await get(automationId, runId);
    if (view.status !== 'CANCELLED') {
      throw new Conflict('RUN_ENDED', `Run ${runId} ended ${view.status}${view.endedAt ? ` at ${view.endedAt}` : ''}: only a WAITING or RUNNING run can be cancelled.`);
    }
    return view;
  }

  /** A run enrolled before the table kept its input: read it from the execution, while Step Functions has it. */
  async function executionInput(executionId: string): Promise<unknown> {
    try {
      return ((await workflows.input(executionId)) as RunInput | undefined)?.detail;
    } catch {
      return undefined;
    }
  }

  return { list, listAll, counts, get, history, startManual, dryRun, redrive, cancel };
}

export type RunsService = ReturnType<typeof createRunsService>;
