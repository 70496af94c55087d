// The automation engine on one machine: the local state-machine runner with run-action
// bound to the same handler Lambda runs, the provisioner as a system rule on the local
// bus, the local outbox for mail, and run records closed when executions end.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { App } from '#shared/app.ts';
import { createActions } from '#shared/engine/actions.ts';
import { createWebhookSender } from '#shared/webhooks/outbound.ts';
import { automationChangedPattern, createProvisioner } from '#shared/engine/provision.ts';
import { createRunAction } from '#shared/engine/run-action.ts';
import { LOOP_GUARD_RULE, createLoopGuard, loopStoppedPattern } from '#shared/engine/loop-guard.ts';
import { createTrackRuns } from '#shared/engine/track-runs.ts';
import { createDocumentLinkService } from '#shared/crm/document-links.ts';
import { createGuardedMailer } from '#shared/mail/guarded-mailer.ts';
import { createGuardedSms } from '#shared/sms/guarded-sms.ts';
import type { Ids, Logger, TableRef, Workflows } from '#shared/ports.ts';
import { join } from 'node:path';
import { localAutomationInfra, localWorkflowsPort } from './automations.ts';
import type { LocalClock } from './clock.ts';
import type { LocalEventBus } from './event-bus.ts';
import { createOutbox } from './outbox.ts';
import { type LocalRunMetrics, createLocalRunMetrics } from './run-metrics.ts';
import { createSmsOutbox } from './sms-outbox.ts';
import { type LocalFunction, type LocalWorkflows, createLocalWorkflows, localFunctionArn } from './workflows.ts';

export const PROVISION_RULE = 'system-provision';

export interface LocalEngineOptions {
  table: TableRef;
  dynamoClient: DynamoDBClient;
  clock: LocalClock;
  ids: Ids;
  home: string;
  bus: LocalEventBus;
  logger: Logger;
  /** Called whenever an execution pauses or ends: its writes are in the stream (the poller looks at once). */
  onActivity?: () => void;
  /** Where the local API listens: tracked document links point there. */
  publicUrl: () => string;
}

export interface LocalEngine {
  runner: LocalWorkflows;
  workflows: Workflows;
  outbox: ReturnType<typeof createOutbox>;
  sms: ReturnType<typeof createSmsOutbox>;
  /** Trigger latency of the latest runs (write → run enrolled), for `GET /local/status`. */
  metrics: LocalRunMetrics;
  /**
   * Set once the app exists: binds run-action and the provisioner to its store and services,
   * puts every automation's rule back on the bus, resumes what a crash interrupted and fires
   * due waits. Returns how many runs it resumed (interrupted or due).
   */
  bind(app: App): Promise<{ resumedRuns: number }>;
  stop(): Promise<void>;
}

export async function startLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  const { table, dynamoClient, clock, ids, bus, logger } = options;
  const functions: Record<string, LocalFunction> = {};
  let track: ((record: { stateMachine: string; status: string; input: unknown; error?: string; cause?: string }) => Promise<void>) | undefined;
  const runner = createLocalWorkflows({
    table,
    dynamoClient,
    clock,
    logger,
    functions,
    onExecutionChanged: async (record) => {
      options.onActivity?.();
      await track?.(record);
    },
  });
  const workflows = localWorkflowsPort(runner);
  const outbox = createOutbox(join(options.home, 'outbox'), clock, ids);
  const sms = createSmsOutbox(join(options.home, 'sms'), clock, ids);
  const metrics = createLocalRunMetrics();

  async function bind(app: App): Promise<{ resumedRuns: number }> {
    const sendMail = createGuardedMailer(outbox, app.store.exceptions);
    const links = createDocumentLinkService({ store: app.store, records: app.records, clock, linkBase: options.publicUrl });
    const documents = { links, sendSms: createGuardedSms(sms, app.store.exceptions) };
    // Local mode may call receivers on this machine (loopback); nothing else private, as on AWS.
    const actions = createActions({ store: app.store, records: app.records, sendMail, clock, documents, sendWebhook: createWebhookSender({ allowLoopback: true }) });
    const runAction = createRunAction({ store: app.store, actions, clock, logger, metrics });
    functions['run-action'] = (payload) => runAction(payload as never);
    const trackRuns = createTrackRuns({ store: app.store, clock, logger });
    track = (record) => trackRuns({ automationId: record.stateMachine, status: record.status, input: record.input, ...(record.error ? { error: record.error } : {}), ...(record.cause ? { cause: record.cause } : {}) });
    const provisioner = createProvisioner({
      store: app.store,
      infra: localAutomationInfra(runner, bus, ids),
      workflows,
      clock,
      logger,
      bindings: { runActionFunctionArn: localFunctionArn('run-action'), tableName: table.tableName },
    });
    bus.putRule({ name: PROVISION_RULE, pattern: automationChangedPattern, enabled: true, target: (event) => provisioner.onChange(event as never) });
    const loopGuard = createLoopGuard({ store: app.store, clock, logger });
    bus.putRule({ name: LOOP_GUARD_RULE, pattern: loopStoppedPattern, enabled: true, target: (event) => loopGuard(event as never) });
    // The local bus keeps its rules in memory: a start deploys every stored automation again.
    await provisioner.reconcileAll();
    // Executions a crash left running go on from their last Task; waits that fell due while
    // local mode was off resume now.
    const interrupted = await runner.recover();
    const due = await runner.tick();
    runner.startTimer();
    clock.onAdvance(() => void runner.tick());
    return { resumedRuns: interrupted + due };
  }

  return {
    runner,
    workflows,
    outbox,
    sms,
    metrics,
    bind,
    stop: () => runner.stop(),
  };
}
