// Compiles an automation into its Step Functions state machine (ASL, JSONPath), with its rule's pattern from
// compile-pattern.ts (docs/ARCHITECTURE.md §6, §7). Pure and deterministic.
import type { EventPattern } from '#shared/events/pattern.ts';
import { type AslAttributeValue, type AslListValue, type AslRun, closeRunParameters, enrollRunParameters, runAttributes } from '#shared/store/runs.ts';
import type { AutomationDefinition, Step } from './definition.ts';
import { actionsOf, isBranch, onLeaveOf, subjectOf, waitOf } from './definition-model.ts';
import { type Delay, EXECUTION_WAIT_LIMIT_DAYS, longestDays } from './durations.ts';
import { compileEventPattern } from './compile-pattern.ts';
import { type BranchCheck, type CrmEventDetail, type RunInput, runErrors } from './run-steps.ts';
import { type NumberedStep, STATE, numberSteps, waitStateName } from './state-names.ts';

/** Values the provisioner (or CloudFormation's DefinitionSubstitutions) puts in place of these placeholders. */
export const PLACEHOLDERS = {
  // A DefinitionSubstitutions placeholder, meant literally.
  runActionFunctionArn: '${RunActionFunctionArn}',
  // A DefinitionSubstitutions placeholder, meant literally.
  tableName: '${TableName}',
} as const;

export interface CompileOptions {
  /** @default '${RunActionFunctionArn}' */
  runActionFunctionArn?: string;
  /** @default '${TableName}' */
  tableName?: string;
  /** Per attempt of a run-action Task; the function's own timeout must be shorter. @default 60 */
  actionTimeoutSeconds?: number;
  /** Per attempt of a DynamoDB or Step Functions Task. @default 10 */
  recordTimeoutSeconds?: number;
  /**
   * The longest rule pattern EventBridge accepts: its default quota, or a raised one (context
   * `eventPatternMaxLength`). Conditions that do not fit are checked in the run; a trigger that does not fit
   * is refused. @default 2048
   */
  maxPatternLength?: number;
}

export interface AutomationToCompile {
  id: string;
  version?: number;
  definition: AutomationDefinition;
}

/** How each Task is carried out: on AWS by its Resource; in local mode by the runner's binding of that name. */
export type TaskBinding = 'run-action' | 'dynamodb:putItem' | 'dynamodb:updateItem' | 'states:startExecution';

export interface StateNames {
  enroll: string;
  duplicate: string;
  /** Where Enroll sends an execution that finds its run recorded: a continuation or a redrive goes on, a
   *  repeated event ends. */
  resuming: string;
  planWait?: string;
  wait?: string;
  dueInThisRun?: string;
  continueInNewRun?: string;
  checkConditions: string;
  /** Every action's state, in run order across branches. */
  actions: string[];
  /** Every branch's Choice state, in run order. */
  branches: string[];
  recordSuccess: string;
  skip: string;
  /** Present when the run waits (only a waiting run can be cancelled). */
  cancel?: string;
  recordFailure: string;
  failed: string;
  /** Where an outcome state goes when its close is refused: the run was closed already (runs.ts runTransitions). */
  closedAlready: string;
  /** Where a caught error goes first: its Cause becomes a message (see causeStates), then its outcome's state. */
  failureCause: string;
  skipCause: string;
  cancelCause?: string;
  /** Where a continuation goes when the automation no longer waits (its delay was removed by an edit). */
  delayRemoved?: string;
}

export type AslState = Record<string, unknown> & { Type: string };
export interface StateMachineDefinition {
  Comment: string;
  QueryLanguage: 'JSONPath';
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, AslState>;
}

export interface CompiledAutomation {
  /** The rule's pattern; null for a manual trigger, which has no rule. */
  eventPattern: EventPattern | null;
  asl: StateMachineDefinition;
  stateNames: StateNames;
  taskBindings: Record<string, TaskBinding>;
}

/** The id goes into state data, key formats and the rule; only plain ids keep those unambiguous. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const DYNAMODB_PUT = 'arn:aws:states:::dynamodb:putItem';
const DYNAMODB_UPDATE = 'arn:aws:states:::dynamodb:updateItem';
const START_EXECUTION = 'arn:aws:states:::states:startExecution';

/** Transient failures of the Lambda service and of run-action itself; actions are idempotent, so a retry is safe. */
const lambdaRetry = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
      'Lambda.ClientExecutionTimeoutException',
      'Lambda.Unknown',
      'Sandbox.Timedout',
      'States.Timeout',
      runErrors.transient,
    ],
    IntervalSeconds: 2,
    MaxAttempts: 5,
    BackoffRate: 2,
    MaxDelaySeconds: 60,
    JitterStrategy: 'FULL',
  },
];

/** A webhook target that answered 5xx or 429, or could not be reached: a few attempts with backoff. */
const webhookRetry = {
  ErrorEquals: [runErrors.webhookUnavailable],
  IntervalSeconds: 1,
  MaxAttempts: 3,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

const dynamoRetry = [
  {
    ErrorEquals: [
      'DynamoDB.ProvisionedThroughputExceededException',
      'DynamoDB.RequestLimitExceeded',
      'DynamoDB.ThrottlingException',
      'DynamoDB.InternalServerErrorException',
      'DynamoDB.AmazonDynamoDBException',
      'States.Timeout',
    ],
    IntervalSeconds: 1,
    MaxAttempts: 6,
    BackoffRate: 2,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
];

const startExecutionRetry = [
  { ErrorEquals: ['States.TaskFailed', 'States.Timeout'], IntervalSeconds: 5, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 300, JitterStrategy: 'FULL' },
];

/** A run with no delay finishes in seconds; a stuck one ends within a day and track-runs records it. */
const NO_DELAY_TIMEOUT_SECONDS = 24 * 3600;

/** `$.run.planned` (run-steps.ts PlannedRun): run-action answers it in `carry` and every Task after Check conditions gets it. */
const PLANNED = 'planned';

/** `$.run.checked`: Check conditions' line (run-steps.ts CheckedLine), for the first action to write with its own. */
const CHECKED = 'checked';

/**
 * `$.run.summaries`: summary lines (DynamoDB list elements, `{S}`) Record success appends to the run record's:
 * the last action's, which leaves them to it; empty after every other state.
 */
const SUMMARIES = 'summaries';

/** Paths into the state data. The input is the CRM event (or a continuation of a run); `$.run` is added. */
const PATH = {
  runId: '$.detail.eventId',
  event: '$.detail',
  progress: '$.run',
  step: '$.run.step',
  actionsCompleted: '$.run.actionsCompleted',
  planned: '$.run.planned',
  checked: '$.run.checked',
  summaries: '$.run.summaries',
  waitUntil: '$.run.wait.waitUntil',
  continues: '$.run.wait.continues',
  continuation: '$.run.wait.continuation',
  resumedContinuation: '$.run.continuation',
  resumeAt: '$.run.resumeAt',
  failure: '$.failure',
  outcome: '$.outcome',
  enrollment: '$.enrollment',
} as const;

interface Build {
  id: string;
  version?: number;
  definition: AutomationDefinition;
  wait?: Delay;
  continuable: boolean;
  functionArn: string;
  tableName: string;
  actionTimeout: number;
  recordTimeout: number;
  subject: { type: string; id: string };
  names: StateNames;
  /** Every step numbered in run order; a step object maps to its number and state name. */
  numbered: Map<Step, NumberedStep>;
  /** Whether the actions hold branches: progress then travels through run-action (see actionStates). */
  branchy: boolean;
  /**
   * Whether Check conditions leaves its line to the first action (`$.run.checked`), which writes it with its
   * own: when an action always follows it (no branch first, at least one action).
   */
  checkedByFirstAction: boolean;
}

/** A wait can outlast one execution when its due time comes from a date field, or its duration may reach the limit. */
function mayContinue(wait: Delay | undefined): boolean {
  if (!wait) return false;
  // A date field, or working time (holidays and short weeks stretch it), has no bound known at compile time.
  if ('until' in wait || wait.workingTime) return true;
  if (!('after' in wait)) return false;
  return longestDays(wait.after) > EXECUTION_WAIT_LIMIT_DAYS;
}

function basePayload(b: Build): Record<string, unknown> {
  return {
    automationId: b.id,
    ...(b.version === undefined ? {} : { automationVersion: b.version }),
    'runId.$': PATH.runId,
    'executionId.$': '$$.Execution.Id',
    'entityType.$': b.subject.type,
    'entityId.$': b.subject.id,
    'event.$': PATH.event,
  };
}

function invoke(b: Build, payload: Record<string, unknown>, timeout: number) {
  return {
    Type: 'Task',
    Resource: LAMBDA_INVOKE,
    Parameters: { FunctionName: b.functionArn, Payload: { ...basePayload(b), ...payload } },
    TimeoutSeconds: timeout,
    Retry: lambdaRetry,
  };
}

const toFailure = (b: Build) => ({ ErrorEquals: ['States.ALL'], ResultPath: PATH.failure, Next: b.names.failureCause });

/** The last action found its run closed (cancelled meanwhile): it did nothing, the execution ends at `next`. */
const runClosedAlready = (next: string) => ({ ErrorEquals: [runErrors.runClosed], ResultPath: null, Next: next });

/** An outcome state's close refused (the run ended already): nothing is written, the execution ends at `next`. */
const closedAlready = (next: string) => ({ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: null, Next: next });

/**
 * States that leave the message of a caught error at `<path>.Cause`, then go to `next`. On AWS a Lambda's Cause
 * is JSON (errorType, errorMessage, its stack trace); in local mode it is the message; a Cause may be missing
 * (a Task timeout has none), which would fail a path that reads it. Only outcomes other than success pass here.
 */
function causeStates(entry: string, path: string, next: string): Record<string, AslState> {
  const label = entry.replace(/\?$/, '');
  const noCause = `${label}: none given`;
  const lambdaError = `${label}: Lambda error`;
  const message = `${label}: its message`;
  const cause = `${path}.Cause`;
  return {
    [entry]: {
      Type: 'Choice',
      Choices: [
        { Not: { Variable: cause, IsPresent: true }, Next: noCause },
        {
          And: [
            { Variable: cause, StringMatches: '{"error*' },
            { Variable: cause, StringMatches: '*"errorMessage":*' },
          ],
          Next: lambdaError,
        },
      ],
      Default: next,
    },
    [noCause]: {
      Type: 'Pass',
      Parameters: { 'Error.$': `${path}.Error`, 'Cause.$': `States.Format('{} (no cause given)', ${path}.Error)` },
      ResultPath: path,
      Next: next,
    },
    [lambdaError]: {
      Type: 'Pass',
      Parameters: { 'Error.$': `${path}.Error`, 'Cause.$': `States.StringToJson(${cause})` },
      ResultPath: path,
      Next: message,
    },
    [message]: {
      Type: 'Pass',
      Parameters: { 'Error.$': `${path}.Error`, 'Cause.$': `${cause}.errorMessage` },
      ResultPath: path,
      Next: next,
    },
  };
}

/** `$.run` after a state succeeds: the step that comes next (named if it fails) and the actions done so far. */
const progress = (nextStep: string, actionsCompleted: number) => ({ step: nextStep, actionsCompleted: String(actionsCompleted), [SUMMARIES]: [] });

/** Which run the fragments of shared/store/runs.ts write: this automation's, the trigger event's id. */
const aslRun = (b: Build): AslRun => ({ automationId: b.id, tableName: b.tableName, runIdPath: PATH.runId });

/** An outcome state: the run record closed (runs.ts closeRunParameters), retried like every DynamoDB Task. */
function recordUpdate(
  b: Build,
  status: Parameters<typeof closeRunParameters>[1],
  attributes: Array<[string, AslAttributeValue]>,
  removed: string[] = [],
  appended: Array<[string, AslListValue]> = [],
) {
  return {
    Type: 'Task',
    Resource: DYNAMODB_UPDATE,
    Parameters: closeRunParameters(aslRun(b), status, attributes, removed, appended),
    ResultPath: null,
    TimeoutSeconds: b.recordTimeout,
    Retry: dynamoRetry,
  };
}

function enrollState(b: Build, next: string): AslState {
  return {
    Type: 'Task',
    Comment: 'Records the run, once per automation and trigger event: a second delivery of the event ends here.',
    Resource: DYNAMODB_PUT,
    Parameters: enrollRunParameters({
      ...aslRun(b),
      ...(b.version === undefined ? {} : { automationVersion: b.version }),
      trigger: b.definition.trigger.type,
      subject: b.subject,
      actionsTotal: longestPath(b.definition.actions),
    }),
    ResultSelector: progress(next, 0),
    ResultPath: PATH.progress,
    TimeoutSeconds: b.recordTimeout,
    Retry: dynamoRetry,
    Catch: [
      {
        ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
        ResultPath: PATH.enrollment,
        Next: b.names.resuming,
      },
    ],
    Next: next,
  };
}

function waitStates(b: Build, wait: Delay): Record<string, AslState> {
  const names = b.names;
  const planWait = names.planWait as string;
  const waitName = names.wait as string;
  const states: Record<string, AslState> = {};
  states[planWait] = {
    ...invoke(
      b,
      {
        task: 'planWait',
        ...enrolmentPolicy(b.definition),
        trigger: b.definition.trigger,
        'startedAt.$': '$$.Execution.StartTime',
        wait,
        timeZone: b.definition.timeZone,
        'run.$': PATH.progress,
        steps: { due: names.checkConditions, wait: waitName, ...(b.continuable ? { continues: names.continueInNewRun } : {}) },
        // Checked at the trigger before waiting too: a run its conditions already refuse holds no execution
        // open for months. (Check conditions tests them again after the wait.)
        conditions: b.definition.conditions ? JSON.stringify(b.definition.conditions) : null,
      },
      b.actionTimeout,
    ),
    ResultSelector: { 'step.$': '$.Payload.nextStep', actionsCompleted: '0', 'wait.$': '$.Payload', [SUMMARIES]: [] },
    ResultPath: PATH.progress,
    Catch: [{ ErrorEquals: [runErrors.conditionsNotMet], ResultPath: PATH.outcome, Next: names.skipCause }, toFailure(b)],
    Next: waitName,
  };
  states[waitName] = { Type: 'Wait', TimestampPath: PATH.waitUntil, Next: names.dueInThisRun ?? names.checkConditions };
  if (b.continuable) {
    const continueName = names.continueInNewRun as string;
    states[names.dueInThisRun as string] = {
      Type: 'Choice',
      Choices: [{ Variable: PATH.continues, BooleanEquals: true, Next: continueName }],
      Default: names.checkConditions,
    };
    states[continueName] = {
      Type: 'Task',
      Comment: `An execution lasts at most a year: the wait goes on in a new execution of this state machine.`,
      Resource: START_EXECUTION,
      Parameters: {
        'StateMachineArn.$': '$$.StateMachine.Id',
        'Name.$': `${PATH.continuation}.executionName`,
        Input: {
          'detail.$': PATH.event,
          run: { ...progress(planWait, 0), 'continuation.$': PATH.continuation },
          'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id',
        },
      },
      ResultPath: null,
      TimeoutSeconds: b.recordTimeout,
      Retry: startExecutionRetry,
      Catch: [toFailure(b)],
      End: true,
    };
  }
  return states;
}

/** Steps a redrive may resume at: every step after Enroll that does work, in the order they run. A failed
 *  Continue in a new run resumes at Plan wait, which plans the continuation again. */
function resumableSteps(names: StateNames): string[] {
  return [names.planWait, names.checkConditions, ...names.actions, names.recordSuccess].filter((name): name is string => name !== undefined);
}

/**
 * Enroll found the run recorded. The input tells why: a continuation of a long wait (`run.continuation`, from
 * Continue in a new run), a redrive from a failed step (`run.resumeAt`, from the API; see resumeRunInput), or
 * else a second delivery of the event. Only on this path, so it costs a run nothing.
 */
function resumingState(b: Build): AslState {
  const { names } = b;
  const choices: unknown[] = [];
  // A continuation starts the state machine's latest revision: if an edit shortened the delay it plans the rest
  // of it again; if an edit removed the delay, the run is closed rather than left waiting for ever.
  const continuation = names.planWait ?? names.delayRemoved;
  if (continuation) choices.push({ Variable: PATH.resumedContinuation, IsPresent: true, Next: continuation });
  // A missing variable fails a comparison, so its absence is ruled out first (Choice rules apply in order).
  choices.push({ Not: { Variable: PATH.resumeAt, IsPresent: true }, Next: names.duplicate });
  for (const step of resumableSteps(names)) choices.push({ Variable: PATH.resumeAt, StringEquals: step, Next: step });
  return { Type: 'Choice', Choices: choices, Default: names.duplicate };
}

/** The re-enrolment policy the first Task after Enroll enforces; "always" (the default) needs nothing. */
function enrolmentPolicy(definition: AutomationDefinition): { reenroll?: 'never' | 'afterFinish' } {
  const policy = definition.reenroll;
  return policy === 'never' || policy === 'afterFinish' ? { reenroll: policy } : {};
}

function checkConditionsState(b: Build): AslState {
  const { definition, names } = b;
  const waited = b.wait !== undefined;
  const catches: unknown[] = [{ ErrorEquals: [runErrors.conditionsNotMet], ResultPath: PATH.outcome, Next: names.skipCause }];
  if (names.cancelCause) catches.push({ ErrorEquals: [runErrors.runCancelled], ResultPath: PATH.outcome, Next: names.cancelCause });
  catches.push(toFailure(b));
  const first = firstStateOf(b, definition.actions, names.recordSuccess);
  const branches = b.branchy ? branchConditions(b) : undefined;
  return {
    ...invoke(
      b,
      {
        task: 'checkConditions',
        // With a wait, Plan wait enrolled the record before waiting.
        ...(waited ? {} : enrolmentPolicy(definition)),
        trigger: definition.trigger,
        // As JSON text: asl-validator refuses null and "" inside a payload template's arrays ("in" lists).
        conditions: definition.conditions ? JSON.stringify(definition.conditions) : null,
        ...(branches ? { branches: JSON.stringify(branches) } : {}),
        recheck: definition.recheck,
        onLeave: onLeaveOf(definition),
        finishPending: definition.finishPending,
        waited,
        // What the actions would read the run for (its start or due time) is worked out here and carried on.
        'run.$': PATH.progress,
        'startedAt.$': '$$.Execution.StartTime',
        ...(b.checkedByFirstAction ? { defersStep: true } : {}),
      },
      b.actionTimeout,
    ),
    ResultSelector: {
      ...progress(first, 0),
      [`${PLANNED}.$`]: `$.Payload.carry.${PLANNED}`,
      ...(b.branchy ? { 'branches.$': '$.Payload.carry.branches' } : {}),
      ...(b.checkedByFirstAction ? { [`${CHECKED}.$`]: `$.Payload.carry.${CHECKED}` } : {}),
    },
    ResultPath: PATH.progress,
    Catch: catches,
    Next: first,
  };
}

/** Whether templates may read named steps' answers: only automations with a named webhook pay for the read. */
function readsSteps(definition: AutomationDefinition): boolean {
  return actionsOf(definition.actions).some(({ action }) => action.type === 'callWebhook' && action.name !== undefined);
}

/** The key under `$.run.branches` that holds a branch's decision. */
const branchKey = (numbered: NumberedStep) => `b${numbered.index + 1}`;

/** Every branch's conditions, decided together by Check conditions on the record it checks; with its state name,
 *  its place in the run's order, and the branch arm it sits in, so the run log can show the path taken. */
function branchConditions(b: Build): BranchCheck[] {
  const checks: BranchCheck[] = [];
  const visit = (steps: readonly Step[], parent: BranchCheck['parent']) => {
    for (const step of steps) {
      if (!isBranch(step)) continue;
      const numbered = b.numbered.get(step) as NumberedStep;
      const key = branchKey(numbered);
      checks.push({ key, if: step.if, name: numbered.name, index: numbered.index, parent });
      visit(step.then, { key, arm: 'then' });
      visit(step.else, { key, arm: 'else' });
    }
  };
  visit(b.definition.actions, null);
  return checks;
}

/** The most actions one run can do: the longest path through the branches. */
function longestPath(steps: readonly Step[]): number {
  let count = 0;
  for (const step of steps) count += isBranch(step) ? Math.max(longestPath(step.then), longestPath(step.else)) : 1;
  return count;
}

/** The state a list of steps starts at, or `next` for an empty list. */
function firstStateOf(b: Build, steps: readonly Step[], next: string): string {
  const [first] = steps;
  return first ? (b.numbered.get(first) as NumberedStep).name : next;
}

/**
 * One Task per action and one Choice per branch, each list running into what follows it. Without branches an
 * action's progress is static (its index + 1 actions done). With branches the count depends on the path, so it
 * travels through run-action with the branch decisions (`$.run.actionsCompleted`, `$.run.branches`).
 */
function actionStates(b: Build): Record<string, AslState> {
  const { definition } = b;
  const states: Record<string, AslState> = {};
  const build = (steps: readonly Step[], next: string) => {
    steps.forEach((step, position) => {
      const numbered = b.numbered.get(step) as NumberedStep;
      const following = firstStateOf(b, steps.slice(position + 1), next);
      if (isBranch(step)) {
        const variable = `${PATH.progress}.branches.${branchKey(numbered)}`;
        states[numbered.name] = {
          Type: 'Choice',
          Comment: `Decided by Check conditions: ${JSON.stringify(step.if)}`,
          // A missing decision cannot happen (Check conditions sets every one); if it did, "else" runs, not a crash.
          Choices: [{ And: [{ Variable: variable, IsPresent: true }, { Variable: variable, BooleanEquals: true }], Next: firstStateOf(b, step.then, following) }],
          Default: firstStateOf(b, step.else, following),
        };
        build(step.then, following);
        build(step.else, following);
        return;
      }
      // With branches, the step after an action may be a branch, so the run's failed step is set on the way out.
      const failedAt = b.branchy ? `Failed at ${numbered.name}` : undefined;
      const failure = failedAt ? { ...toFailure(b), Next: failedAt } : toFailure(b);
      states[numbered.name] = {
        ...invoke(
          b,
          {
            task: 'runAction',
            automationName: definition.name,
            actionIndex: numbered.index,
            stepName: numbered.name,
            action: step,
            timeZone: definition.timeZone,
            ...(b.branchy ? { 'actionsCompleted.$': PATH.actionsCompleted, 'branches.$': `${PATH.progress}.branches` } : {}),
            ...(readsSteps(definition) ? { readsSteps: true } : {}),
            [`${PLANNED}.$`]: PATH.planned,
            // The first action writes Check conditions' line with its own.
            ...(b.checkedByFirstAction && numbered.index === 0 ? { [`${CHECKED}.$`]: PATH.checked } : {}),
            // The last action on its path closes the run itself, with its own write: the execution ends there,
            // without a Record success state (one write and one transition fewer).
            ...(following === b.names.recordSuccess ? { closesRun: true } : {}),
          },
          b.actionTimeout,
        ),
        ...(step.type === 'callWebhook' ? { Retry: [webhookRetry, ...lambdaRetry] } : {}),
        ResultSelector: {
          ...(b.branchy
            ? { step: following, 'actionsCompleted.$': '$.Payload.carry.actionsCompleted', 'branches.$': '$.Payload.carry.branches' }
            : { step: following, actionsCompleted: String(numbered.index + 1) }),
          [`${PLANNED}.$`]: `$.Payload.carry.${PLANNED}`,
          [`${SUMMARIES}.$`]: `$.Payload.carry.${SUMMARIES}`,
        },
        ResultPath: PATH.progress,
        ...(following === b.names.recordSuccess
          ? { Catch: [runClosedAlready(b.names.closedAlready), failure], End: true }
          : { Catch: [failure], Next: following }),
      };
      if (failedAt) {
        states[failedAt] = {
          Type: 'Pass',
          Comment: 'Names the step that failed: after a branch, $.run.step still names the branch (a Choice writes nothing).',
          Result: numbered.name,
          ResultPath: PATH.step,
          Next: b.names.failureCause,
        };
      }
    });
  };
  build(definition.actions, b.names.recordSuccess);
  return states;
}

function stateNamesOf(numbered: NumberedStep[], wait: Delay | undefined, continuable: boolean): StateNames {
  const names: StateNames = {
    enroll: STATE.enroll,
    resuming: STATE.resuming,
    duplicate: STATE.duplicate,
    checkConditions: STATE.checkConditions,
    actions: numbered.filter((entry) => !isBranch(entry.step)).map((entry) => entry.name),
    branches: numbered.filter((entry) => isBranch(entry.step)).map((entry) => entry.name),
    recordSuccess: STATE.recordSuccess,
    skip: STATE.skip,
    recordFailure: STATE.recordFailure,
    failed: STATE.failed,
    closedAlready: STATE.closedAlready,
    failureCause: 'Why it failed?',
    skipCause: 'Why skipped?',
  };
  if (wait) {
    names.planWait = STATE.planWait;
    names.wait = waitStateName(wait);
    names.cancel = STATE.cancel;
    names.cancelCause = 'Why cancelled?';
  } else {
    names.delayRemoved = 'Delay removed';
  }
  if (continuable) {
    names.dueInThisRun = STATE.dueInThisRun;
    names.continueInNewRun = STATE.continueInNewRun;
  }
  return names;
}

/**
 * Compiles an automation. Without a delay a run of N actions takes N + 2 state transitions (Enroll, Check
 * conditions, the actions; the last action closes the run and ends the execution, and Record success is left
 * for a path that ends without an action): outcomes other than success leave through Catch, which costs no
 * state, instead of a Choice after every check.
 */
export function compileAutomation(automation: AutomationToCompile, options: CompileOptions = {}): CompiledAutomation {
  const { id, version, definition } = automation;
  // First: a trigger too long for a pattern must refuse the automation before anything else is built.
  const eventPattern = compileEventPattern(automation, options.maxPatternLength);
  // The id goes into state data, key formats and the rule; only plain ids keep those unambiguous.
  if (!SAFE_ID.test(id)) throw new RangeError(`automation id must be 1-64 letters, digits, "_" or "-": ${id}`);
  const wait = waitOf(definition);
  const continuable = mayContinue(wait);
  const documentOwner = subjectOf(definition.trigger) === 'documentOwner';
  const numbered = numberSteps(definition.actions);
  const names = stateNamesOf(numbered, wait, continuable);
  const branchy = names.branches.length > 0;
  const b: Build = {
    id,
    version,
    definition,
    wait,
    continuable,
    functionArn: options.runActionFunctionArn ?? PLACEHOLDERS.runActionFunctionArn,
    tableName: options.tableName ?? PLACEHOLDERS.tableName,
    actionTimeout: options.actionTimeoutSeconds ?? 60,
    recordTimeout: options.recordTimeoutSeconds ?? 10,
    subject: documentOwner
      ? { type: '$.detail.after.entityType', id: '$.detail.after.entityId' }
      : { type: '$.detail.entityType', id: '$.detail.entityId' },
    names,
    numbered: new Map(numbered.map((entry) => [entry.step, entry])),
    branchy,
    checkedByFirstAction: !branchy && definition.actions.length > 0,
  };

  const afterEnroll = names.planWait ?? names.checkConditions;
  const states: Record<string, AslState> = {
    [names.enroll]: enrollState(b, afterEnroll),
    [names.resuming]: resumingState(b),
    ...(wait ? waitStates(b, wait) : {}),
    [names.checkConditions]: checkConditionsState(b),
    ...actionStates(b),
    [names.recordSuccess]: {
      // A redriven run that succeeds no longer shows the failure it recovered from.
      ...recordUpdate(
        b,
        'SUCCEEDED',
        branchy
          ? [
              [runAttributes.actionsCompleted, { 'N.$': PATH.actionsCompleted }],
              [runAttributes.actionsTotal, { 'N.$': PATH.actionsCompleted }],
            ]
          : [[runAttributes.actionsCompleted, { N: String(definition.actions.length) }]],
        [runAttributes.error, runAttributes.errorCause, runAttributes.failedStep],
        // The last action's summary line, which it left to this write (none when it wrote it itself).
        [[runAttributes.summaries, { 'L.$': PATH.summaries }]],
      ),
      Catch: [closedAlready(names.closedAlready), toFailure(b)],
      End: true,
    },
    [names.skip]: {
      ...recordUpdate(b, 'SKIPPED', [[runAttributes.reason, { 'S.$': `${PATH.outcome}.Cause` }]]),
      Catch: [closedAlready(names.closedAlready), toFailure(b)],
      End: true,
    },
    ...(names.cancel
      ? {
          [names.cancel]: {
            ...recordUpdate(b, 'CANCELLED', [[runAttributes.reason, { 'S.$': `${PATH.outcome}.Cause` }]]),
            Catch: [closedAlready(names.closedAlready), toFailure(b)],
            End: true,
          },
        }
      : {}),
    ...causeStates(names.failureCause, PATH.failure, names.recordFailure),
    ...causeStates(names.skipCause, PATH.outcome, names.skip),
    ...(names.cancelCause && names.cancel ? causeStates(names.cancelCause, PATH.outcome, names.cancel) : {}),
    ...(names.delayRemoved
      ? {
          [names.delayRemoved]: {
            Type: 'Pass',
            Comment: 'A continuation of a wait this revision no longer has: the run is closed as skipped.',
            Result: { Error: runErrors.conditionsNotMet, Cause: 'the automation no longer waits: an edit removed its delay while the run waited' },
            ResultPath: PATH.outcome,
            Next: names.skip,
          },
        }
      : {}),
    [names.recordFailure]: {
      ...recordUpdate(b, 'FAILED', [
        [runAttributes.error, { 'S.$': `${PATH.failure}.Error` }],
        [runAttributes.errorCause, { 'S.$': `${PATH.failure}.Cause` }],
        [runAttributes.failedStep, { 'S.$': PATH.step }],
        [runAttributes.actionsCompleted, { 'N.$': PATH.actionsCompleted }],
      ]),
      // Closed already: the execution still fails with its error, writing nothing.
      Catch: [closedAlready(names.failed)],
      Next: names.failed,
    },
    // The execution fails too, so the console, alarms and track-runs see a failed run.
    [names.failed]: { Type: 'Fail', ErrorPath: `${PATH.failure}.Error`, CausePath: `${PATH.failure}.Cause` },
    [names.duplicate]: { Type: 'Succeed', Comment: 'This automation already has a run for this event.' },
    [names.closedAlready]: { Type: 'Succeed', Comment: 'The run was closed already (cancelled meanwhile, or this close was retried): nothing changed.' },
  };

  // A round trip through JSON drops keys a parse left as undefined: the definition is stored and sent as JSON.
  const asl: StateMachineDefinition = JSON.parse(JSON.stringify({
    Comment: `${definition.name} (automation ${id}${version === undefined ? '' : `, version ${version}`})`,
    QueryLanguage: 'JSONPath',
    StartAt: names.enroll,
    ...(wait ? {} : { TimeoutSeconds: NO_DELAY_TIMEOUT_SECONDS }),
    States: states,
  }));
  return { eventPattern, asl, stateNames: names, taskBindings: taskBindingsOf(asl) };
}

const bindingOfResource: Record<string, TaskBinding> = {
  [LAMBDA_INVOKE]: 'run-action',
  [DYNAMODB_PUT]: 'dynamodb:putItem',
  [DYNAMODB_UPDATE]: 'dynamodb:updateItem',
  [START_EXECUTION]: 'states:startExecution',
};

function taskBindingsOf(asl: StateMachineDefinition): Record<string, TaskBinding> {
  const bindings: Record<string, TaskBinding> = {};
  for (const [name, state] of Object.entries(asl.States)) {
    if (state.Type !== 'Task') continue;
    const binding = bindingOfResource[String(state.Resource)];
    if (binding) bindings[name] = binding;
  }
  return bindings;
}

/**
 * The input that redrives a FAILED run from its failed step in a new execution of the same state machine
 * (version): Enroll finds the run recorded and Resuming a run? goes to that step; the steps before it are not
 * run again. A Catch into Record failure makes Step Functions' own redrive rerun only the Fail state.
 */
export function resumeRunInput(
  detail: CrmEventDetail,
  failed: { failedStep: string; actionsCompleted: number; startedAt?: string; dueAt?: string },
  options: { branchy?: boolean } = {},
): RunInput {
  // The run's planned time, from its record (the redrive's own start is not the run's); always present, as the
  // action steps read `$.run.planned`.
  const plannedAt = failed.dueAt ?? failed.startedAt;
  const planned = plannedAt ? { plannedAt, ...(failed.dueAt ? { dueAt: failed.dueAt } : {}) } : {};
  // With branches, the path is decided by Check conditions: a step after it resumes there, and the steps done
  // before on the path run again (each is idempotent, so what they made is not made twice).
  const afterChecks = ![STATE.enroll, STATE.planWait, STATE.continueInNewRun, STATE.checkConditions].includes(failed.failedStep as never);
  const step =
    failed.failedStep === STATE.continueInNewRun ? STATE.planWait : options.branchy && afterChecks ? STATE.checkConditions : failed.failedStep;
  // `checked` is read by the first action: a redrive that starts there has no Check conditions line to write.
  return { detail, run: { step, actionsCompleted: String(failed.actionsCompleted), resumeAt: step, planned, summaries: [], checked: {} } };
}

/**
 * Puts real values in place of the placeholders, only where the compiler wrote them (a Task's FunctionName and
 * TableName), so an action's text that happens to read "${TableName}" stays as written.
 */
export function bindPlaceholders(
  asl: StateMachineDefinition,
  values: { runActionFunctionArn: string; tableName: string },
): StateMachineDefinition {
  const bound = structuredClone(asl);
  for (const state of Object.values(bound.States)) {
    const parameters = state.Parameters as Record<string, unknown> | undefined;
    if (!parameters) continue;
    if (parameters.FunctionName === PLACEHOLDERS.runActionFunctionArn) parameters.FunctionName = values.runActionFunctionArn;
    if (parameters.TableName === PLACEHOLDERS.tableName) parameters.TableName = values.tableName;
  }
  return bound;
}

/** CloudFormation's DefinitionSubstitutions for the same placeholders (state machines deployed by the stack). */
export function definitionSubstitutions(values: { runActionFunctionArn: string; tableName: string }): Record<string, string> {
  return { RunActionFunctionArn: values.runActionFunctionArn, TableName: values.tableName };
}

