// The automation engine on one machine: the local state-machine runner (the same compiled ASL, each Task bound
// to the runtime's run-action), and the local channels — the outbox for mail and SMS, trigger latency in
// memory. Its adapters go to createRuntime (shared/runtime), which composes everything as on AWS.
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Core } from '#shared/runtime/core.ts';
import { type Runtime, createRuntime } from '#shared/runtime/index.ts';
import type { Workflows } from '#shared/ports.ts';
import { localAutomationInfra, localWorkflowsPort } from './automations.ts';
import type { LocalClock } from './clock.ts';
import type { LocalEventBus } from './event-bus.ts';
import { createOutbox } from './outbox.ts';
import { type LocalRunMetrics, createLocalRunMetrics } from './run-metrics.ts';
import { createSmsOutbox } from './sms-outbox.ts';
import { type LocalWorkflows, createLocalWorkflows, localFunctionArn } from './workflows.ts';

export interface LocalEngineOptions {
  core: Core;
  /**
   * The core the runtime's functions (run-action, track-runs, the stream's handlers) run on: local mode's is over a
   * client without the per-transaction commit barrier (docs/local-durability.md). @default core
   */
  runtimeCore?: Core;
  /** The system's DynamoDB Local client: the runner writes its executions and wait timers with it. */
  dynamoClient: DynamoDBClient;
  /** The core's clock, which the local tools move forward: due waits are looked for after each move. */
  clock: LocalClock;
  home: string;
  bus: LocalEventBus;
  /** Called whenever an execution pauses or ends: its writes are in the stream (the poller looks at once). */
  onActivity?: () => void;
  /** Where the local API listens: tracked document links point there. */
  publicUrl: () => string;
}

export interface LocalEngine {
  runner: LocalWorkflows;
  workflows: Workflows;
  /** Every function of the flow, composed as on AWS with this machine's adapters. */
  runtime: Runtime;
  outbox: ReturnType<typeof createOutbox>;
  sms: ReturnType<typeof createSmsOutbox>;
  /** Trigger latency of the latest runs (write → run enrolled), for `GET /local/status`. */
  metrics: LocalRunMetrics;
  /**
   * Puts every automation's rule back on the bus (it keeps them in memory), resumes what a crash
   * interrupted and fires due waits. Returns how many runs it resumed (interrupted or due).
   */
  resume(): Promise<{ resumedRuns: number }>;
  stop(): Promise<void>;
}

export function startLocalEngine(options: LocalEngineOptions): LocalEngine {
  const { core, clock, bus } = options;
  // The one cycle of the system, closed here: the runner runs run-action and reports to track-runs, and the
  // provisioner (in the runtime) deploys onto the runner. Nothing runs before the runtime exists.
  let runtime: Runtime | undefined;
  const runner = createLocalWorkflows({
    table: core.table,
    dynamoClient: options.dynamoClient,
    clock,
    logger: core.logger,
    functions: { 'run-action': (payload) => runtime!.runAction(payload as never) },
    onExecutionChanged: async (record) => {
      options.onActivity?.();
      await runtime?.trackRuns({ stateMachine: record.stateMachine, status: record.status, input: record.input, error: record.error, cause: record.cause });
    },
  });
  const workflows = localWorkflowsPort(runner);
  const outbox = createOutbox(join(options.home, 'outbox'), clock, core.ids);
  const sms = createSmsOutbox(join(options.home, 'sms'), clock, core.ids);
  const metrics = createLocalRunMetrics();
  runtime = createRuntime(options.runtimeCore ?? core, {
    bus,
    infra: localAutomationInfra(runner, bus, core.ids),
    workflows,
    runActionFunctionArn: localFunctionArn('run-action'),
    namePrefix: '',
    mailer: outbox,
    sms,
    linkBase: options.publicUrl,
    // Local mode may call receivers on this machine (loopback); nothing else private, as on AWS.
    allowLoopback: true,
    metrics,
  });
  const composed = runtime;

  async function resume(): Promise<{ resumedRuns: number }> {
    // The local bus keeps its rules in memory: a start deploys every stored automation again.
    await composed.provisioner.reconcileAll();
    // Executions a crash left running go on from their last Task; waits that fell due while
    // local mode was off resume now.
    const interrupted = await runner.recover();
    const due = await runner.tick();
    runner.startTimer();
    clock.onAdvance(() => void runner.tickInBackground());
    return { resumedRuns: interrupted + due };
  }

  return { runner, workflows, runtime: composed, outbox, sms, metrics, resume, stop: () => runner.stop() };
}
