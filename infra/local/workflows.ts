// Step Functions on one machine: the same ASL run by aws-local-stepfunctions, each Task
// bound by its Resource to the local implementation (Lambda functions, DynamoDB Local,
// nested executions). Wait states become durable timers kept in the table: the runner
// pauses the run there and resumes the same definition version from the next state
// when the (movable) clock says it is due — across restarts, and past the interpreter's
// 24.8-day timer limit. An execution an event starts is written to the table once, when it
// ends, pauses or outlives a short budget: until then the stream record that started it is
// what a crash replays. A start after a crash resumes every execution recorded as running
// (docs/local-durability.md, docs/local-performance.md).
import '#shared/polyfills.ts';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Clock, Logger, TableRef } from '#shared/ports.ts';
import { type ExecutionRecord, type ExecutionStep, type Executions, type WaitRecord, createExecutions } from '#shared/store/executions.ts';

export type LocalFunction = (payload: unknown) => Promise<unknown>;

export interface LocalWorkflowsDeps {
  table: TableRef;
  dynamoClient: DynamoDBClient;
  clock: Clock;
  logger: Logger;
  /** Lambda functions by name; a Task names them by ARN or by a substituted placeholder. */
  functions: Record<string, LocalFunction>;
  /** `${Name}` placeholders in definitions, as DefinitionSubstitutions fills them on AWS. */
  substitutions?: Record<string, string>;
  /** How often due waits are looked for; the clock's advance also triggers a look. */
  tickMs?: number;
  onExecutionChanged?: (record: ExecutionRecord) => void | Promise<void>;
  /** @default 32 — runs in progress at once before `whenCapacity` holds callers back. */
  maxRunning?: number;
  /**
   * @default 10000 — how long a segment runs before the runner writes where it is (and then at
   * each Task it enters); shorter segments are written once, when they end or pause.
   */
  checkpointAfterMs?: number;
}

/**
 * A segment of an execution running in this process: from its start, a resume or a redrive to
 * its end or next Wait.
 */
interface Segment {
  record: ExecutionRecord;
  /** The execution item is in the table (created at start, or the segment goes on from a stored one). */
  stored: boolean;
  /** Each Task entered is written as the checkpoint (the segment outlived checkpointAfterMs, or retried). */
  checkpointing: boolean;
  /** Settles once a crash can no longer lose the execution: its item is written, or it ended or paused. */
  durable: { promise: Promise<void>; resolve(): void; reject(error: unknown): void };
  /** This execution's writes, one after another. */
  writes: Promise<void>;
}

type States = Record<string, Record<string, unknown>>;
interface Definition {
  StartAt: string;
  States: States;
  [key: string]: unknown;
}

const PAUSE = '__stagecraftPause';
/** Execution names `deliver` remembers (a retried stream batch redelivers within seconds). */
const RECENT_DELIVERIES = 10_000;
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';

export const executionArn = (stateMachine: string, name: string) =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${stateMachine}:${name}`;
export const stateMachineArn = (stateMachine: string) => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${stateMachine}`;
export const localFunctionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;

const dynamoCommands = {
  putItem: PutItemCommand,
  getItem: GetItemCommand,
  updateItem: UpdateItemCommand,
  deleteItem: DeleteItemCommand,
  query: QueryCommand,
} as const;

/** The error a Task reports, named the way Step Functions names it so Retry/Catch match alike. */
class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

function substitute(definition: unknown, substitutions: Record<string, string>): unknown {
  const text = JSON.stringify(definition).replace(/\$\{(\w+)\}/g, (whole, name: string) => substitutions[name] ?? whole);
  return JSON.parse(text);
}

/**
 * The interpreter sets `$$.Execution.StartTime` to the real time each segment starts; an execution started once,
 * at the local (movable) clock's time. Segments read it from a context field the runner fills instead.
 */
const START_TIME_PATH = '$$.Execution.StartTime';
const LOCAL_START_TIME_PATH = '$$.LocalExecution.StartTime';

function withLocalStartTime(definition: Definition): Definition {
  return JSON.parse(JSON.stringify(definition).split(START_TIME_PATH).join(LOCAL_START_TIME_PATH)) as Definition;
}

/** Replaces each Wait with a Pass that ends the segment and names where to resume. */
function withPausingWaits(definition: Definition, startAt: string): Definition {
  const states: States = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Wait') {
      states[name] = state;
      continue;
    }
    if (state.OutputPath !== undefined && state.OutputPath !== '$') {
      throw new Error(`Wait state "${name}": OutputPath is not supported by the local runner`);
    }
    states[name] = {
      Type: 'Pass',
      ...(state.InputPath !== undefined ? { InputPath: state.InputPath } : {}),
      Parameters: { [PAUSE]: { state: name, next: state.Next ?? null }, 'input.$': '$' },
      End: true,
    };
  }
  return { ...definition, StartAt: startAt, States: states };
}

function readPath(input: unknown, path: string): unknown {
  if (path === '$') return input;
  let value: unknown = input;
  for (const part of path.replace(/^\$\.?/, '').split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function dueAtOf(wait: Record<string, unknown>, input: unknown, now: Date): Date {
  if (typeof wait.Seconds === 'number') return new Date(now.getTime() + wait.Seconds * 1000);
  if (typeof wait.Timestamp === 'string') return new Date(wait.Timestamp);
  if (typeof wait.SecondsPath === 'string') return new Date(now.getTime() + Number(readPath(input, wait.SecondsPath)) * 1000);
  if (typeof wait.TimestampPath === 'string') return new Date(String(readPath(input, wait.TimestampPath)));
  throw new Error('Wait state without Seconds, Timestamp, SecondsPath or TimestampPath');
}

const functionNameOf = (nameOrArn: string) => nameOrArn.split(':function:').pop()?.split(':')[0] ?? nameOrArn;
const stateMachineNameOf = (arn: string) => arn.split(':stateMachine:').pop()?.split(':')[0] ?? arn;

export function createLocalWorkflows(deps: LocalWorkflowsDeps) {
  const executions: Executions = createExecutions(deps.table);
  const machines = new Map<string, StateMachine>();
  const definitions = new Map<string, Definition>();
  const inFlight = new Set<Promise<void>>();
  /** Executions with a segment running in this process: a recovery leaves them alone. */
  const active = new Set<string>();
  const segments = new Map<string, Segment>();
  /** Executions `deliver` started that are not durable yet. */
  const pendingDurable = new Set<Promise<void>>();
  /** Executions `deliver` started in this process, latest last (a batch retried redelivers their events). */
  const delivered = new Set<string>();
  /** Until the stream's backlog at start is read, an event may have started its execution before a crash. */
  let eventsMayRepeat = true;
  const checkpointAfterMs = deps.checkpointAfterMs ?? 10_000;
  const substitutions = { TableName: deps.table.tableName, ...deps.substitutions };
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  const maxRunning = deps.maxRunning ?? 32;
  /** The latest published version per state machine: only this runner publishes, so no read per start. */
  const latestVersions = new Map<string, number>();
  const capacityWaiters: Array<() => void> = [];

  async function definitionOf(name: string, version: number): Promise<Definition> {
    const key = `${name}@${version}`;
    const cached = definitions.get(key);
    if (cached) return cached;
    const stored = await executions.definitionAt(name, version);
    if (!stored) throw new Error(`No version ${version} of state machine ${name}`);
    const definition = substitute(stored, substitutions) as Definition;
    definitions.set(key, definition);
    return definition;
  }

  /**
   * One machine per version and entry state. The definition as published is validated
   * once (100-200 ms); its segments leave states unreachable by design, so they are not.
   */
  async function machineFor(name: string, version: number, startAt: string): Promise<{ machine: StateMachine; definition: Definition }> {
    const definition = await definitionOf(name, version);
    const validated = `${name}@${version}`;
    if (!machines.has(validated)) {
      machines.set(validated, new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { checkArn: false } }));
    }
    const key = `${name}@${version}@${startAt}`;
    let machine = machines.get(key);
    if (!machine) {
      machine = new StateMachine(withPausingWaits(withLocalStartTime(definition), startAt) as unknown as StateMachineDefinition, {
        validationOptions: { noValidate: true },
      });
      machines.set(key, machine);
    }
    return { machine, definition };
  }

  function taskHandler(state: Record<string, unknown>): (input: unknown) => Promise<unknown> {
    const resource = String(state.Resource);
    if (resource === 'arn:aws:states:::lambda:invoke') {
      return async (input) => {
        const { FunctionName, Payload } = input as { FunctionName: string; Payload?: unknown };
        const payload = await invoke(FunctionName, Payload);
        return { Payload: payload, StatusCode: 200, ExecutedVersion: '$LATEST' };
      };
    }
    if (resource.startsWith('arn:aws:lambda:')) return (input) => invoke(resource, input);
    const dynamo = /^arn:aws:states:::(?:(dynamodb)|aws-sdk:(dynamodb)):(\w+)$/.exec(resource);
    if (dynamo) {
      const action = dynamo[3] as keyof typeof dynamoCommands;
      const Command = dynamoCommands[action] as unknown as new (input: unknown) => PutItemCommand;
      if (!Command) throw new Error(`The local runner does not bind ${resource}`);
      // The optimised integration names errors "DynamoDB.X", the SDK integration "DynamoDb.X".
      const prefix = dynamo[1] ? 'DynamoDB' : 'DynamoDb';
      return async (input) => {
        try {
          const { $metadata: _metadata, ...output } = await deps.dynamoClient.send(new Command(input));
          return output;
        } catch (error) {
          const failure = error as Error;
          throw new TaskError(`${prefix}.${failure.name}`, failure.message);
        }
      };
    }
    if (resource === 'arn:aws:states:::states:startExecution') {
      return async (input) => {
        const { StateMachineArn, Name, Input } = input as { StateMachineArn: string; Name?: string; Input?: unknown };
        const started = await start(stateMachineNameOf(StateMachineArn), Name ?? String(Date.now()), Input ?? {});
        return { ExecutionArn: executionArn(started.stateMachine, started.name), StartDate: started.startedAt };
      };
    }
    throw new Error(`The local runner does not bind Task resource ${resource}`);
  }

  async function invoke(nameOrArn: string, payload: unknown): Promise<unknown> {
    const fn = deps.functions[functionNameOf(nameOrArn)];
    if (!fn) throw new TaskError('Lambda.ResourceNotFoundException', `No local function ${nameOrArn}`);
    return fn(payload);
  }

  function overridesFor(definition: Definition): Record<string, (input: unknown) => Promise<unknown>> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type === 'Task') handlers[name] = taskHandler(state);
    }
    return handlers;
  }

  async function changed(record: ExecutionRecord): Promise<void> {
    await executions.save(record);
    await deps.onExecutionChanged?.(record);
  }

  function openSegment(record: ExecutionRecord, stored: boolean): Segment {
    const segment: Segment = { record, stored, checkpointing: false, durable: Promise.withResolvers<void>(), writes: Promise.resolve() };
    // Nobody may be waiting (a start that wrote the item first): a failure is logged by track().
    segment.durable.promise.catch(() => undefined);
    if (stored) segment.durable.resolve();
    segments.set(record.executionId, segment);
    return segment;
  }

  /** Queues a write of this execution after its earlier ones; a failed write fails the segment's durability. */
  function write(segment: Segment, work: () => Promise<unknown>): Promise<void> {
    const done = segment.writes.then(async () => {
      await work();
    });
    segment.writes = done.catch((error: unknown) => segment.durable.reject(error));
    return done;
  }

  /**
   * The segment runs long (a slow Task, a retry's back-off): from now on the table knows where it
   * is, so a crash resumes it at its Task rather than replaying it from its start.
   */
  function startCheckpointing(segment: Segment): void {
    if (segment.checkpointing) return;
    segment.checkpointing = true;
    const snapshot = structuredClone(segment.record);
    void write(segment, async () => {
      await executions.save(snapshot);
      segment.stored = true;
      segment.durable.resolve();
    });
  }

  /** Runs from `startAt` until the execution ends or reaches a Wait. */
  async function runSegment(record: ExecutionRecord, startAt: string, input: unknown, stored = true): Promise<void> {
    const segment = openSegment(record, stored);
    const slow = setTimeout(() => startCheckpointing(segment), checkpointAfterMs);
    slow.unref();
    try {
      await runSegmentSteps(segment, startAt, input);
      segment.durable.resolve();
    } catch (error) {
      segment.durable.reject(error);
      throw error;
    } finally {
      clearTimeout(slow);
      if (segments.get(record.executionId) === segment) segments.delete(record.executionId);
    }
  }

  async function runSegmentSteps(segment: Segment, startAt: string, input: unknown): Promise<void> {
    const { record } = segment;
    const { machine, definition } = await machineFor(record.stateMachine, record.version, startAt);
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: overridesFor(definition) as never },
      context: {
        Execution: {
          Id: executionArn(record.stateMachine, record.name),
          Name: record.name,
          Input: record.input as never,
          StartTime: record.startedAt,
          RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local`,
        },
        LocalExecution: { StartTime: record.startedAt },
        StateMachine: { Id: stateMachineArn(record.stateMachine), Name: record.stateMachine },
        // The interpreter has no $$.State: read when a state's paths are evaluated, "now" is when it was entered.
        State: {
          get EnteredTime() {
            return deps.clock.now().toISOString();
          },
        },
      } as never,
    });
    let failure: { Error: string; Cause: unknown } | undefined;
    const open = new Map<string, ExecutionStep>();
    const logs = (async () => {
      for await (const event of execution.eventLogs) {
        const at = new Date(deps.clock.now().getTime()).toISOString();
        if (event.type === 'StateEntered') {
          const step: ExecutionStep = { name: event.state.name, type: event.state.type, status: 'RUNNING', startedAt: at };
          record.steps.push(step);
          open.set(event.state.name, step);
          if (event.state.type === 'Task') {
            // Kept on the record, which is saved whole when the segment ends or pauses. Only a
            // segment that runs long writes it at each Task: a short one that a crash interrupts
            // is replayed from its start (its Tasks are idempotent), by the stream record that
            // started it or by the checkpoint its resume wrote.
            record.checkpoint = { state: event.state.name, input: event.state.input };
            if (segment.checkpointing) {
              const { name, input: taskInput } = event.state;
              const steps = structuredClone(record.steps);
              void write(segment, () => executions.checkpoint(record.executionId, name, taskInput, steps));
            }
          }
        } else if (event.type === 'StateExited') {
          const step = open.get(event.state.name);
          if (step) Object.assign(step, { status: step.status === 'CAUGHT' ? 'CAUGHT' : 'SUCCEEDED', endedAt: at });
        } else if (event.type === 'StateRetried') {
          const step = open.get(event.state.name);
          if (step) step.retries = (step.retries ?? 0) + 1;
          // A back-off of a second or more follows.
          startCheckpointing(segment);
        } else if (event.type === 'StateFailed' || event.type === 'StateCaught') {
          const step = open.get(event.state.name);
          const info = event as unknown as { Error?: string; Cause?: unknown };
          if (step) {
            Object.assign(step, { status: event.type === 'StateFailed' ? 'FAILED' : 'CAUGHT', endedAt: at });
            if (info.Error) step.error = info.Error;
            if (info.Cause !== undefined) step.cause = String(info.Cause);
          }
        } else if (event.type === 'ExecutionFailed') {
          failure = { Error: event.Error, Cause: event.Cause };
        }
      }
    })();
    let output: unknown;
    try {
      output = await execution.result;
    } catch (error) {
      if (!(error instanceof ExecutionError)) throw error;
    }
    await logs;
    const now = deps.clock.now();
    const pause = (output as Record<string, unknown> | undefined)?.[PAUSE] as { state: string; next: string | null } | undefined;
    if (failure) {
      Object.assign(record, { status: 'FAILED', error: failure.Error, cause: String(failure.Cause ?? ''), stoppedAt: now.toISOString() });
    } else if (pause) {
      const waitInput = (output as { input: unknown }).input;
      const waitState = definition.States[pause.state] ?? {};
      const dueAt = dueAtOf(waitState, waitInput, now);
      const step = open.get(pause.state);
      if (step) Object.assign(step, { type: 'Wait', status: 'WAITING', dueAt: dueAt.toISOString(), endedAt: undefined });
      if (pause.next === null) {
        Object.assign(record, { status: 'SUCCEEDED', output: waitInput, stoppedAt: now.toISOString() });
      } else {
        record.status = 'WAITING';
        const wait = { executionId: record.executionId, nextState: pause.next, input: waitInput, dueAt: dueAt.toISOString() };
        await write(segment, () => executions.pause(record, wait));
        await deps.onExecutionChanged?.(record);
        return;
      }
    } else {
      Object.assign(record, { status: 'SUCCEEDED', output, stoppedAt: now.toISOString() });
    }
    await write(segment, () => executions.save(record));
    await deps.onExecutionChanged?.(record);
  }

  function track(work: Promise<void>, executionId: string): void {
    active.add(executionId);
    const tracked = work.catch((error: unknown) => {
      deps.logger.error('local execution failed in the runner', { executionId, error: String(error) });
    });
    inFlight.add(tracked);
    void tracked.finally(() => {
      inFlight.delete(tracked);
      active.delete(executionId);
      capacityWaiters.shift()?.();
    });
  }

  /**
   * Resolves once fewer than `maxRunning` runs are in progress: local mode's stream poller
   * waits here before each batch, so an overload holds the stream back instead of piling
   * runs up in memory.
   */
  async function whenCapacity(): Promise<void> {
    while (inFlight.size >= maxRunning) await new Promise<void>((resolve) => capacityWaiters.push(resolve));
  }

  /** Publishes a definition as the state machine's next version (unchanged definitions keep theirs). */
  async function publish(name: string, definition: unknown): Promise<number> {
    const version = await executions.publishVersion(name, definition);
    latestVersions.set(name, version);
    return version;
  }

  async function latestVersion(stateMachine: string): Promise<number | undefined> {
    const known = latestVersions.get(stateMachine);
    if (known !== undefined) return known;
    const stored = (await executions.latestVersion(stateMachine))?.version;
    if (stored !== undefined) latestVersions.set(stateMachine, stored);
    return stored;
  }

  /** A new execution of a published version (the latest unless named), RUNNING from now, and its definition. */
  async function newExecution(stateMachine: string, name: string, input: unknown, version?: number) {
    const published = version ?? (await latestVersion(stateMachine));
    if (!published) throw new Error(`State machine ${stateMachine} does not exist`);
    const definition = await definitionOf(stateMachine, published);
    const record: ExecutionRecord = {
      executionId: executionArn(stateMachine, name),
      stateMachine,
      version: published,
      name,
      status: 'RUNNING',
      input,
      startedAt: deps.clock.now().toISOString(),
      steps: [],
    };
    return { record, definition };
  }

  /**
   * StartExecution: returns at once and runs in the background. A name already used
   * returns that execution (Standard workflows are idempotent by name).
   */
  async function start(stateMachine: string, name: string, input: unknown, version?: number): Promise<ExecutionRecord> {
    const { record, definition } = await newExecution(stateMachine, name, input, version);
    const { record: stored, created } = await executions.create(record);
    if (created) track(runSegment(stored, definition.StartAt, input), stored.executionId);
    return stored;
  }

  /**
   * StartExecution as a rule target: starts the execution without writing it. It becomes durable
   * when it ends, pauses or outlives checkpointAfterMs; until then the stream record that started
   * it is what a crash replays, so the stream checkpoint waits for `durable()`. The event names
   * the execution: a replay finds the one it started before, in this process or in the table.
   */
  async function deliver(stateMachine: string, name: string, input: unknown): Promise<ExecutionRecord> {
    const executionId = executionArn(stateMachine, name);
    const running = segments.get(executionId);
    if (running) return running.record;
    if (eventsMayRepeat || delivered.has(executionId)) {
      const stored = await executions.get(executionId);
      if (stored) return stored;
    }
    delivered.add(executionId);
    if (delivered.size > RECENT_DELIVERIES) delivered.delete(delivered.values().next().value!);
    const { record, definition } = await newExecution(stateMachine, name, input);
    track(runSegment(record, definition.StartAt, input, false), executionId);
    const durable = segments.get(executionId)?.durable.promise;
    if (durable) {
      pendingDurable.add(durable);
      void durable.catch(() => undefined).finally(() => pendingDurable.delete(durable));
    }
    return record;
  }

  /**
   * The stream's backlog at start is read: events from now on are new, so `deliver` looks for an
   * execution of the same name in the table only for events it has seen in this process.
   */
  function eventsAreNew(): void {
    eventsMayRepeat = false;
  }

  /**
   * Settles once every execution `deliver` has started so far is durable (ended, paused or
   * written): what the stream checkpoint waits for before it moves past their records.
   * Rejects when one of them could not be written.
   */
  async function durable(): Promise<void> {
    await Promise.all([...pendingDurable]);
  }

  /** Fires a due timer: the run goes on from the state after its Wait. */
  async function resume(wait: WaitRecord): Promise<void> {
    const record = await executions.get(wait.executionId);
    if (record?.status !== 'WAITING') {
      // A timer whose run is gone or no longer waits fires nothing; without this it would be due forever.
      await executions.claimWait(wait.executionId);
      return;
    }
    const step = [...record.steps].reverse().find((candidate) => candidate.status === 'WAITING');
    if (step) Object.assign(step, { status: 'SUCCEEDED', endedAt: deps.clock.now().toISOString() });
    Object.assign(record, { status: 'RUNNING', checkpoint: { state: wait.nextState, input: wait.input } });
    // The timer is consumed only together with the record of where the run goes on.
    if (!(await executions.continueAfterWait(record))) return;
    await deps.onExecutionChanged?.(record);
    await runSegment(record, wait.nextState, wait.input);
  }

  /**
   * Resumes every execution recorded as RUNNING that no segment in this process is running:
   * what a crash interrupted. Each continues at the Task it had entered (steps are idempotent,
   * so doing the current one again is safe), or from the start when it entered none.
   */
  async function recover(): Promise<number> {
    let resumed = 0;
    for (const executionId of await executions.running()) {
      if (active.has(executionId)) continue;
      const record = await executions.get(executionId);
      if (record?.status !== 'RUNNING') continue;
      // The step that was under way is done again: drop its unfinished entry.
      record.steps = record.steps.filter((step) => step.status !== 'RUNNING');
      // One execution that cannot go on (its definition gone) must not keep the others from it.
      const continued = (async () => {
        const from = record.checkpoint ?? { state: (await definitionOf(record.stateMachine, record.version)).StartAt, input: record.input };
        await runSegment(record, from.state, from.input);
      })();
      track(continued, executionId);
      resumed += 1;
    }
    return resumed;
  }

  /** Resumes every run whose wait is due on the (possibly moved) clock. */
  async function tick(): Promise<number> {
    if (ticking) return 0;
    ticking = true;
    try {
      let resumed = 0;
      for (;;) {
        const due = await executions.dueWaits(deps.clock.now());
        if (due.length === 0) return resumed;
        for (const wait of due) {
          resumed += 1;
          track(resume(wait), wait.executionId);
        }
        await idle();
      }
    } finally {
      ticking = false;
    }
  }

  /**
   * tick for the timer and the clock's moves, which nobody awaits: a failure to read the due waits (the store
   * unreachable for a moment) is logged and the next tick tries again, instead of ending local mode.
   */
  async function tickInBackground(): Promise<void> {
    try {
      await tick();
    } catch (error) {
      deps.logger.error('could not read the due waits; the next tick tries again', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Runs a FAILED execution again from the Task it failed in, with that Task's input. */
  async function redrive(executionId: string): Promise<ExecutionRecord> {
    const record = await executions.get(executionId);
    if (!record) throw new Error(`No execution ${executionId}`);
    if (record.status !== 'FAILED' || !record.checkpoint) return record;
    Object.assign(record, { status: 'RUNNING', error: undefined, cause: undefined, stoppedAt: undefined });
    await changed(record);
    track(runSegment(record, record.checkpoint.state, record.checkpoint.input), executionId);
    return record;
  }

  /** StopExecution: a waiting run is taken off the timers; its record says ABORTED with the reason. */
  async function abort(executionId: string, reason: string): Promise<void> {
    await executions.claimWait(executionId);
    const record = await executions.get(executionId);
    if (!record || (record.status !== 'WAITING' && record.status !== 'RUNNING')) return;
    const now = deps.clock.now().toISOString();
    for (const step of record.steps) if (step.status === 'WAITING' || step.status === 'RUNNING') Object.assign(step, { status: 'FAILED', endedAt: now, error: 'Aborted' });
    Object.assign(record, { status: 'ABORTED', error: 'Stagecraft.RunCancelled', cause: reason, stoppedAt: now });
    await changed(record);
  }

  async function idle(): Promise<void> {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  }

  function startTimer(): void {
    timer ??= setInterval(() => void tickInBackground(), deps.tickMs ?? 1000);
    timer.unref();
  }

  async function stop(): Promise<void> {
    if (timer) clearInterval(timer);
    timer = undefined;
    await idle();
  }

  return {
    publish,
    start,
    deliver,
    durable,
    eventsAreNew,
    tick,
    tickInBackground,
    recover,
    redrive,
    abort,
    idle,
    startTimer,
    stop,
    whenCapacity,
    /** Runs in progress, and callers of whenCapacity waiting for one to end. */
    load: () => ({ running: inFlight.size, queued: capacityWaiters.length }),
    waitingCount: () => executions.waitingCount(),
    describe: (executionId: string) => executions.get(executionId),
  };
}

export type LocalWorkflows = ReturnType<typeof createLocalWorkflows>;
