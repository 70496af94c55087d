// Follows automation changes (Automation Created/Updated/Deleted on the bus) and makes
// the deployed state match the stored record: compile, deploy a new state machine
// version and the rule, enable or disable it, or remove both. It reads the record as it
// is now, so deliveries out of order or twice converge on the same result.
import { compileAutomation } from '#shared/automation/compile-asl.ts';
import type { AutomationInfra, Clock, Logger, Workflows } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import type { RunRecord } from '#shared/store/runs.ts';
import { storedDefinition } from './stored-definition.ts';

export interface ProvisionDeps {
  store: Store;
  infra: AutomationInfra;
  workflows: Workflows;
  clock: Clock;
  logger: Logger;
  /** What compiled Tasks call and write: set in the definition itself, never by text substitution. */
  bindings: { runActionFunctionArn: string; tableName: string };
  /** The rule pattern quota, when raised above EventBridge's default of 2,048 characters. */
  maxPatternLength?: number;
  /** Waiting runs stopped at once when an automation is stopped or deleted. @default 16 */
  stopConcurrency?: number;
}

/** `work` on every item, at most `limit` at a time. */
async function eachAtOnce<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

/** A refusal that a retry cannot change (a 4xx other than throttling): record it and stop. */
function isPermanent(error: unknown): boolean {
  const fault = (error as { $fault?: string; $retryable?: unknown; name?: string }) ?? {};
  return fault.$fault === 'client' && !fault.$retryable && !/Throttl|TooManyRequests|ConcurrentModification/.test(String(fault.name));
}

/** The part of a CRM event the provisioner reads. */
export interface AutomationChange {
  detail: { entityId: string; entityType: string };
}

/** The run a stop ends: its execution, and the redrive's when it was redriven (either may be the one under way). */
export type RunToStop = Pick<RunRecord, 'automationId' | 'runId' | 'executionId' | 'redriveExecutionId'>;

/**
 * Stops one run: its execution(s) first, then the run marked CANCELLED with the reason, so a run leaves WAITING or
 * RUNNING only once stopped (stopping an execution twice, or one that ended, is harmless). The mark is the run
 * log's conditional write: only a run still open on the executions stopped changes; false when it ended meanwhile
 * or moved on to another execution (a wait continued past a year), which the caller reads again.
 * Shared by an automation's stop (cancelWaitingRuns) and an admin's cancel of one run (runs.ts cancel).
 */
export async function stopRun({ store, workflows }: { store: Store; workflows: Workflows }, run: RunToStop, reason: string, endedAt: string): Promise<boolean> {
  let current: RunToStop & { status?: RunRecord['status'] } = run;
  // A run that moved to another execution while being stopped is stopped again there (a few times at most).
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const executions = [...new Set([current.executionId, current.redriveExecutionId].filter((id): id is string => !!id))];
    for (const executionId of executions) await workflows.stop(executionId, reason);
    const on = { executionId: current.executionId, ...(current.redriveExecutionId ? { redriveExecutionId: current.redriveExecutionId } : {}) };
    if (await store.runLog.markCancelled(run.automationId, run.runId, reason, endedAt, on)) return true;
    const now = await store.runLog.get(run.automationId, run.runId);
    if (!now || (now.status !== 'WAITING' && now.status !== 'RUNNING')) return false;
    current = now;
  }
  return false;
}

export function createProvisioner({ store, infra, workflows, clock, logger, bindings, maxPatternLength, stopConcurrency = 16 }: ProvisionDeps) {
  /**
   * Cancels the waiting runs of a stopped automation (unless it lets them finish), several at a time. Each
   * run is stopped, then marked CANCELLED, so it leaves the WAITING list only once stopped: a delivery that
   * times out part-way is retried and resumes with the runs still listed (stopping one twice is harmless).
   */
  async function cancelWaitingRuns(automationId: string, reason = 'the automation was stopped'): Promise<number> {
    let cancelled = 0;
    let cursor: string | undefined;
    do {
      const page = await store.runLog.list(automationId, { status: 'WAITING', limit: 100, ...(cursor ? { cursor } : {}) });
      await eachAtOnce(page.items, stopConcurrency, async (run) => {
        await stopRun({ store, workflows }, run, reason, clock.now().toISOString());
        cancelled += 1;
      });
      cursor = page.cursor;
    } while (cursor);
    return cancelled;
  }

  /**
   * Deploys what is stored; when the automation was saved while this deployed (a save's provision and a deploy's
   * pass racing), it deploys again, so the last to finish leaves the latest version, never an older one.
   * `unlessUnchanged` (a deployment's pass) leaves alone an automation deployed already as it would be now:
   * `unchanged`. Only the first look may say so: a second one follows a deployment of this call, which may have
   * put an older version over the one recorded.
   */
  async function reconcile(automationId: string, { unlessUnchanged = false } = {}): Promise<'reconciled' | 'unchanged'> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await reconcileOnce(automationId, unlessUnchanged && attempt === 1);
      if (outcome === 'unchanged') return outcome;
      if (outcome === undefined || attempt >= 3) return 'reconciled';
      const now = await store.records.get('automation', automationId);
      if (!now || now.version === outcome) return 'reconciled';
    }
  }

  /**
   * One pass: the automation's version deployed, `unchanged` when it was deployed already and `unlessUnchanged`
   * let it be, or undefined when there was nothing (more) to deploy.
   */
  async function reconcileOnce(automationId: string, unlessUnchanged: boolean): Promise<number | 'unchanged' | undefined> {
    const record = await store.records.get('automation', automationId);
    if (!record) {
      await cancelWaitingRuns(automationId, 'the automation was deleted');
      await infra.remove(automationId);
      logger.info('automation removed', { automationId });
      return undefined;
    }
    let compiled: ReturnType<typeof compileAutomation>;
    try {
      compiled = compileAutomation(
        { id: automationId, version: record.version, definition: storedDefinition(record) },
        { ...bindings, ...(maxPatternLength ? { maxPatternLength } : {}) },
      );
    } catch (error) {
      // A definition that does not compile will not compile on a retry either: say so and stop.
      await store.provisioning.record(automationId, { status: 'error', automationVersion: record.version, error: (error as Error).message });
      logger.error('automation does not compile', { automationId, error: (error as Error).message });
      return undefined;
    }
    const active = record.status === 'active';
    const deployment = {
      automationId,
      definition: compiled.asl as unknown as Record<string, unknown>,
      eventPattern: compiled.eventPattern,
      enabled: active,
    };
    // The digest covers the compiled states and pattern, whether the rule is on, and the infrastructure's settings.
    const fingerprint = infra.fingerprint(deployment);
    const current = await store.provisioning.get(automationId);
    if (unlessUnchanged && current?.status === 'ready' && current.automationVersion === record.version && current.fingerprint === fingerprint) {
      // Runs that reached their wait after the stop's cancel are still cancelled, as a deployment did.
      if (!active && !record.finishPending) await cancelWaitingRuns(automationId);
      logger.info('automation unchanged, not deployed again', { automationId, version: record.version });
      return 'unchanged';
    }
    // What is deployed is about to change: a deployment cut short must not leave a digest vouching for it.
    if (current?.fingerprint !== undefined && current.fingerprint !== fingerprint) await store.provisioning.markDeploying(automationId);
    let deployed: Awaited<ReturnType<AutomationInfra['deploy']>>;
    try {
      deployed = await infra.deploy(deployment);
    } catch (error) {
      // The automation says why it does not run (GET /automations/{id}); a refusal no retry can change ends
      // here, anything else is thrown so the delivery is retried (then parked in the dead-letter queue).
      const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await store.provisioning.record(automationId, { status: 'error', automationVersion: record.version, error: `deployment failed: ${cause}` });
      logger.error('automation deployment failed', { automationId, error: cause });
      if (isPermanent(error)) return undefined;
      throw error;
    }
    if (!active && !record.finishPending) await cancelWaitingRuns(automationId);
    await store.provisioning.record(automationId, {
      status: 'ready',
      automationVersion: record.version,
      stateMachine: deployed.stateMachine,
      stateMachineVersion: deployed.version,
      fingerprint,
    });
    logger.info('automation provisioned', { automationId, version: record.version, active });
    return record.version;
  }

  /** Handles one change event; infrastructure errors throw, so the delivery is retried. */
  async function onChange(event: AutomationChange): Promise<void> {
    if (event.detail.entityType !== 'automation') return;
    await reconcile(event.detail.entityId);
  }

  /**
   * Every stored automation, deployed: local mode's start (the local bus keeps its rules in memory, so nothing is
   * left from the last start), and a repair after an outage, which must not trust what the records say is deployed.
   */
  async function reconcileAll(): Promise<number> {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await store.records.list('automation', { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const record of page.items) {
        await reconcile(record.id);
        count += 1;
      }
      cursor = page.cursor;
    } while (cursor);
    return count;
  }

  /**
   * Every stored automation brought to the current compiler, one failure not stopping the others, until `deadlineAt`
   * (epoch ms): a deployment's pass (shared/aws/reconcile-resource.ts). An automation deployed already as it would be
   * now (its version and digest recorded as ready) is left alone and counted `unchanged`: most releases change
   * nothing an automation is made of, and redeploying all of them would cost time and control-plane calls for nothing.
   * A failure is recorded on the automation by reconcile (provisioning `error`, shown on its page) and named here;
   * `unfinished` says the deadline came first.
   */
  async function reconcileEvery({ deadlineAt = Number.POSITIVE_INFINITY, concurrency = 2 }: { deadlineAt?: number; concurrency?: number } = {}) {
    const result = { reconciled: 0, unchanged: 0, failed: [] as Array<{ automationId: string; error: string }>, unfinished: false };
    let cursor: string | undefined;
    do {
      const page = await store.records.list('automation', { limit: 100, ...(cursor ? { cursor } : {}) });
      await eachAtOnce(page.items, concurrency, async ({ id }) => {
        if (clock.now().getTime() >= deadlineAt) {
          result.unfinished = true;
          return;
        }
        try {
          const outcome = await reconcile(id, { unlessUnchanged: true });
          result[outcome] += 1;
        } catch (error) {
          result.failed.push({ automationId: id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        }
      });
      cursor = result.unfinished ? undefined : page.cursor;
    } while (cursor);
    return result;
  }

  return { onChange, reconcile, reconcileAll, reconcileEvery, cancelWaitingRuns };
}

export type Provisioner = ReturnType<typeof createProvisioner>;
