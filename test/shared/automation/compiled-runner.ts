// Runs a compiled state machine with aws-local-stepfunctions, its Tasks bound by state name to small
// in-test stand-ins: a Map for the run records, run-action's pure steps, and a list for started executions.
import { StateMachine } from 'aws-local-stepfunctions';
import type { CompiledAutomation } from '#shared/automation/compile-asl.ts';
import {
  type CheckConditionsPayload,
  type PlanWaitPayload,
  type RunActionPayload,
  type RunFacts,
  type RunInput,
  type TaskPayload,
  answerPlanWait,
  decideRun,
  enforceDecision,
  plannedOf,
  runErrors,
} from '#shared/automation/run-steps.ts';
import { automationRunsByStatusKey, runKey } from '#shared/store/runs.ts';

type Json = Parameters<StateMachine['run']>[0];
type Item = Record<string, unknown>;

/** Run records by `pk|sk`, written the way the DynamoDB Tasks' Parameters say. */
export class RunTable {
  readonly items = new Map<string, Item>();

  get(pk: string, sk: string): Item | undefined {
    return this.items.get(`${pk}|${sk}`);
  }

  putItem(params: Record<string, any>) {
    const item = plain(params.Item);
    const key = `${String(item.pk)}|${String(item.sk)}`;
    const existing = this.items.get(key);
    if (params.ConditionExpression && !holds(params.ConditionExpression, existing, params)) throw conditionalCheckFailed();
    this.items.set(key, item);
    return {};
  }

  updateItem(params: Record<string, any>) {
    const key = plain(params.Key);
    const id = `${String(key.pk)}|${String(key.sk)}`;
    const existing = this.items.get(id);
    if (params.ConditionExpression && !holds(params.ConditionExpression, existing, params)) throw conditionalCheckFailed();
    const item = { ...key, ...existing };
    const match = /^SET (.+?)(?: REMOVE (.+))?$/.exec(String(params.UpdateExpression));
    if (!match) throw new Error(`stand-in understands SET … [REMOVE …] only: ${params.UpdateExpression}`);
    const values = plain(params.ExpressionAttributeValues);
    // `#a = :v`, or `#a = list_append(if_not_exists(#a, :none), :v)` (split on ", " apart from its inner one).
    const assignments = (match[1] as string).replace(/list_append\(if_not_exists\(#\w+, :\w+\), (:\w+)\)/g, 'append $1').split(', ');
    for (const assignment of assignments) {
      const [name, value] = assignment.split(' = ') as [string, string];
      const attribute = params.ExpressionAttributeNames[name];
      const appended = value.startsWith('append ') ? (values[value.slice('append '.length)] as unknown[]) : undefined;
      item[attribute] = appended ? [...((item[attribute] as unknown[] | undefined) ?? []), ...appended] : values[value];
    }
    for (const name of match[2]?.split(', ') ?? []) delete item[params.ExpressionAttributeNames[name]];
    this.items.set(id, item);
    return {};
  }
}

function conditionalCheckFailed() {
  const error = new Error('The conditional request failed');
  error.name = 'DynamoDB.ConditionalCheckFailedException';
  return error;
}

const toPlain = (value: any): unknown =>
  'N' in value ? Number(value.N) : 'S' in value ? value.S : 'L' in value ? (value.L as unknown[]).map(toPlain) : value;

/** DynamoDB JSON ({"S": …}, {"N": …}, {"L": […]}) to plain values. */
function plain(attributes: Record<string, any>): Item {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, toPlain(value)]),
  );
}

/** The condition forms the compiler writes: terms joined by OR, each attribute_not_exists(#a) or #a = :v. */
function holds(expression: string, existing: Item | undefined, params: Record<string, any>): boolean {
  const values = plain(params.ExpressionAttributeValues ?? {});
  return expression.split(' OR ').some((term) => {
    const absent = /^attribute_not_exists\((#\w+)\)$/.exec(term);
    if (absent) return existing?.[params.ExpressionAttributeNames[absent[1] as string]] === undefined;
    const equal = /^(#\w+) = (:\w+)$/.exec(term);
    if (equal) return existing?.[params.ExpressionAttributeNames[equal[1] as string]] === values[equal[2] as string];
    throw new Error(`stand-in does not understand condition ${term}`);
  });
}

/** run-action's close of a run by its last action (store/runs.ts runCloseUpdate), on the stand-in table. */
function closeRun(table: RunTable, payload: RunActionPayload, summary: string): void {
  const { pk, sk } = runKey(payload.automationId, payload.runId);
  const run = table.get(pk, sk);
  if (!run || !['RUNNING', 'WAITING'].includes(String(run.status))) {
    const error = new Error(`run ${payload.runId} is closed already`);
    error.name = runErrors.runClosed;
    throw error;
  }
  const completed = payload.actionsCompleted === undefined ? payload.actionIndex + 1 : Number(payload.actionsCompleted) + 1;
  const { error: _error, errorCause: _cause, failedStep: _step, ...open } = run;
  table.items.set(`${pk}|${sk}`, {
    ...open,
    status: 'SUCCEEDED',
    gsi3pk: automationRunsByStatusKey(payload.automationId, 'SUCCEEDED'),
    endedAt: '2026-03-10T12:00:05.000Z',
    actionsCompleted: completed,
    ...(payload.actionsCompleted === undefined ? {} : { actionsTotal: completed }),
    summaries: [...((run.summaries as string[] | undefined) ?? []), summary],
  });
}

export interface StandIns {
  table?: RunTable;
  /** run-action for each action; its answer is ignored by the ASL, a throw fails the step. */
  runAction?: (payload: RunActionPayload) => unknown;
  /** What Check conditions would read (the record now, the automation's status). */
  facts?: (payload: CheckConditionsPayload) => RunFacts;
  planWait?: (payload: PlanWaitPayload) => unknown;
  executionId?: string;
}

export interface RunOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  output?: RunInput & Record<string, unknown>;
  error?: { name: string; cause: string };
  /** States entered, in order. */
  entered: string[];
  /** States retried, in order. */
  retried: string[];
  /** Billed state transitions: every state entered, and every retry of one. */
  transitions: number;
  payloads: Map<string, TaskPayload>;
  table: RunTable;
  startedExecutions: Array<Record<string, any>>;
}

const machines = new Map<string, StateMachine>();
function machineOf(compiled: CompiledAutomation): StateMachine {
  const key = JSON.stringify(compiled.asl);
  let machine = machines.get(key);
  if (!machine) {
    machine = new StateMachine(compiled.asl as never);
    machines.set(key, machine);
  }
  return machine;
}

export async function runCompiled(compiled: CompiledAutomation, input: RunInput, standIns: StandIns = {}): Promise<RunOutcome> {
  const table = standIns.table ?? new RunTable();
  const payloads = new Map<string, TaskPayload>();
  const startedExecutions: Array<Record<string, any>> = [];

  const runAction = (state: string, params: Record<string, any>) => {
    const payload = params.Payload as TaskPayload;
    payloads.set(state, payload);
    let answer: unknown = {};
    if (payload.task === 'planWait') answer = standIns.planWait ? standIns.planWait(payload) : answerPlanWait(payload);
    // Answered as run-action answers: the run's planned time carried on to the actions.
    if (payload.task === 'checkConditions') {
      enforceDecision(decideRun(payload, standIns.facts?.(payload) ?? {}));
      // …and, when its first action writes it, its line.
      const checked = { name: 'Check conditions', startedAt: 'then', endedAt: 'then', executionId: payload.executionId, outcome: { done: 'checked' } };
      answer = { proceed: true, carry: { planned: plannedOf(payload), ...(payload.defersStep ? { checked } : {}) } };
    }
    if (payload.task === 'runAction') {
      const given = (standIns.runAction?.(payload) ?? { done: true }) as Record<string, any>;
      // The last action closes its run, as run-action does with its write (refused when the run is closed already).
      if (payload.closesRun) closeRun(table, payload, `${payload.stepName}: ${String(given.done ?? 'done')}`);
      const summaries = payload.closes ? [{ S: `${payload.stepName}: ${String(given.done ?? 'done')}` }] : [];
      answer = { ...given, carry: { planned: payload.planned, summaries, ...given.carry } };
    }
    return { StatusCode: 200, Payload: answer };
  };

  const handlers: Record<string, (input: any) => any> = {};
  for (const [state, binding] of Object.entries(compiled.taskBindings)) {
    handlers[state] = (params: Record<string, any>) => {
      switch (binding) {
        case 'run-action':
          return runAction(state, params);
        case 'dynamodb:putItem':
          return table.putItem(params);
        case 'dynamodb:updateItem':
          return table.updateItem(params);
        case 'states:startExecution':
          startedExecutions.push(params);
          return { ExecutionArn: `arn:aws:states:eu-west-1:000000000000:execution:automation:${params.Name}`, StartDate: 'now' };
      }
    };
  }
  const waits = Object.fromEntries(Object.entries(compiled.asl.States).filter(([, s]) => s.Type === 'Wait').map(([name]) => [name, 0]));
  const retries = Object.fromEntries(Object.keys(compiled.asl.States).map((name) => [name, 0]));
  const executionId = standIns.executionId ?? 'arn:aws:states:eu-west-1:000000000000:execution:automation:first';

  const execution = machineOf(compiled).run(input as unknown as Json, {
    overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: waits, retryIntervalOverrides: retries },
    context: {
      Execution: { Id: executionId, Name: executionId.split(':').pop() },
      StateMachine: { Id: 'arn:aws:states:eu-west-1:000000000000:stateMachine:automation' },
      State: { EnteredTime: '2026-03-10T12:00:05.000Z' },
    } as never,
  });
  let output: RunOutcome['output'];
  let status: RunOutcome['status'] = 'SUCCEEDED';
  try {
    output = (await execution.result) as unknown as RunOutcome['output'];
  } catch {
    status = 'FAILED';
  }
  const entered: string[] = [];
  const retried: string[] = [];
  let error: RunOutcome['error'];
  for await (const event of execution.eventLogs) {
    if (event.type === 'StateEntered') entered.push(event.state.name);
    if (event.type === 'StateRetried') retried.push(event.state.name);
    if (event.type === 'ExecutionFailed') error = { name: String(event.Error), cause: String(event.Cause) };
  }
  return { status, output, error, entered, retried, transitions: entered.length + retried.length, payloads, table, startedExecutions };
}
