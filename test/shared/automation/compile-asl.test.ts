// The compiled state machine, walked state by state: valid ASL, Retry/Timeout/Catch on every Task, state
// names an admin reads, the payloads run-action receives, and the states a delay adds.
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import {
  type AslState,
  PLACEHOLDERS,
  type StateMachineDefinition,
  bindPlaceholders,
  compileAutomation,
  resumeRunInput,
} from '#shared/automation/compile-asl.ts';
import { actionExamples, anAutomation, anEvent, catalogue, triggerExamples } from './factories.ts';

const allActions = Object.values(actionExamples);

const compiled = catalogue.map(([name, automation]) => [name, compileAutomation(automation)] as const);

const tasksOf = (asl: StateMachineDefinition) =>
  Object.entries(asl.States).filter(([, state]) => state.Type === 'Task') as Array<[string, AslState & Record<string, any>]>;

describe.each(compiled)('%s', (_name, { asl }) => {
  it('is valid ASL', () => {
    // Act
    const validation = aslValidator(structuredClone(asl) as never);

    // Assess
    expect(validation.errors).toEqual([]);
  });

  it('gives every Task a Retry and a timeout', () => {
    // Act
    const missing = tasksOf(asl).filter(([, task]) => !(task.Retry?.length > 0 && Number.isInteger(task.TimeoutSeconds)));

    // Assess
    expect(missing.map(([name]) => name)).toEqual([]);
  });

  it('catches every failure but its record into Record failure, through reading its cause', () => {
    // Act
    const uncaught = tasksOf(asl)
      .filter(([name]) => name !== 'Enroll' && name !== 'Record failure')
      .filter(([, task]) => {
        const last = task.Catch?.at(-1);
        return !(last?.ErrorEquals.includes('States.ALL') && last.Next === 'Why it failed?' && last.ResultPath === '$.failure');
      });

    // Assess
    expect(uncaught.map(([name]) => name)).toEqual([]);
  });

  it('ends a second delivery of the event at Enroll', () => {
    // Act
    const catches = asl.States.Enroll?.Catch;

    // Assess
    expect(catches).toEqual([
      {
        ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
        ResultPath: '$.enrollment',
        Next: 'Resuming a run?',
      },
    ]);
  });

  it('fails the execution after recording the failure', () => {
    // Act
    const next = asl.States['Record failure']?.Next;

    // Assess
    expect(asl.States[String(next)]).toEqual({ Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' });
  });

  it('keeps every state name within 80 characters', () => {
    // Act
    const long = Object.keys(asl.States).filter((name) => name.length > 80);

    // Assess
    expect(long).toEqual([]);
  });
});

describe('state names', () => {
  it('a run without delay: Enroll, Check conditions, the actions, and the endings', () => {
    // Prepare
    const automation = anAutomation({ actions: [actionExamples.createLead, actionExamples.sendEmail] });

    // Act
    const { asl } = compileAutomation(automation);

    // Assess
    expect(Object.keys(asl.States)).toEqual([
      'Enroll',
      'Resuming a run?',
      'Check conditions',
      '1 · Create lead',
      '2 · Send e-mail',
      'Record success',
      'Skip',
      'Why it failed?',
      'Why it failed: none given',
      'Why it failed: Lambda error',
      'Why it failed: its message',
      'Why skipped?',
      'Why skipped: none given',
      'Why skipped: Lambda error',
      'Why skipped: its message',
      'Delay removed',
      'Record failure',
      'Failed',
      'Duplicate event',
      'Closed already',
    ]);
  });

  it.each(Object.keys(actionExamples).map((type, index) => [type, index]))('names a %s action', (type, index) => {
    // Prepare
    const automation = anAutomation({ actions: allActions });
    const expected = {
      createLead: '1 · Create lead',
      copyDeal: '2 · Copy deal',
      planActivity: '3 · Plan activity',
      addToExceptions: '4 · Add to exceptions',
      sendEmail: '5 · Send e-mail',
      notify: '6 · Notify',
      updateFields: '7 · Update fields',
      moveToStage: '8 · Move to stage',
    }[type as keyof typeof actionExamples];

    // Act
    const { stateNames } = compileAutomation(automation);

    // Assess
    expect(stateNames.actions[index as number]).toBe(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['after six months', { delay: { after: 'P6M' } }, 'Wait 6 months'],
    ['after a year and two months', { delay: { after: 'P1Y2M' } }, 'Wait 1 year 2 months'],
    ['after one day', { delay: { after: 'P1D' } }, 'Wait 1 day'],
    ['until a date field', { delay: { until: { field: 'closeDate' } } }, 'Wait until closeDate'],
    ['until before a date field', { delay: { until: { field: 'closeDate', offset: '-P3D' } } }, 'Wait until 3 days before closeDate'],
    [
      'until after a custom field at a time',
      { delay: { until: { field: 'fields.renewal_date', offset: 'PT2H', at: '08:00' } } },
      'Wait until 2 hours after fields.renewal_date at 08:00',
    ],
    ['a dateReached trigger', { trigger: triggerExamples.dateReached }, 'Wait until 3 days before closeDate'],
  ])('names the wait %s', (_case, overrides, expected) => {
    // Act
    const { stateNames } = compileAutomation(anAutomation(overrides));

    // Assess
    expect(stateNames.wait).toBe(expected);
  });

  it('a delayed run plans, waits, and may be cancelled', () => {
    // Act
    const { asl } = compileAutomation(anAutomation({ delay: { after: 'P6M' } }));

    // Assess
    expect(Object.keys(asl.States)).toEqual([
      'Enroll',
      'Resuming a run?',
      'Plan wait',
      'Wait 6 months',
      'Check conditions',
      '1 · Create lead',
      'Record success',
      'Skip',
      'Cancel',
      'Why it failed?',
      'Why it failed: none given',
      'Why it failed: Lambda error',
      'Why it failed: its message',
      'Why skipped?',
      'Why skipped: none given',
      'Why skipped: Lambda error',
      'Why skipped: its message',
      'Why cancelled?',
      'Why cancelled: none given',
      'Why cancelled: Lambda error',
      'Why cancelled: its message',
      'Record failure',
      'Failed',
      'Duplicate event',
      'Closed already',
    ]);
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ['six months', { delay: { after: 'P6M' } }, false],
    ['eleven months', { delay: { after: 'P11M' } }, false],
    ['a year', { delay: { after: 'P1Y' } }, true],
    ['until a date field', { delay: { until: { field: 'closeDate' } } }, true],
    ['a dateReached trigger', { trigger: triggerExamples.dateReached }, true],
  ])('a wait of %s may continue in a new run: %s', (_case, overrides, expected) => {
    // Act
    const { stateNames } = compileAutomation(anAutomation(overrides));

    // Assess
    expect(stateNames.continueInNewRun !== undefined).toBe(expected);
  });
});

describe('wiring', () => {
  it('waits until the time Plan wait computed', () => {
    // Act
    const { asl } = compileAutomation(anAutomation({ delay: { after: 'P6M' } }));

    // Assess
    expect(asl.States['Wait 6 months']).toEqual({ Type: 'Wait', TimestampPath: '$.run.wait.waitUntil', Next: 'Check conditions' });
  });

  it('invokes run-action for an action with everything the step needs', () => {
    // Prepare
    const automation = { ...anAutomation({ actions: [actionExamples.createLead, actionExamples.sendEmail], timeZone: 'Europe/Berlin' }), version: 3 };

    // Act
    const { asl } = compileAutomation(automation);

    // Assess
    expect(asl.States['2 · Send e-mail']).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: PLACEHOLDERS.runActionFunctionArn,
        Payload: {
          task: 'runAction',
          automationId: 'renewal-1',
          automationVersion: 3,
          automationName: 'Renewal reminder',
          'runId.$': '$.detail.eventId',
          'executionId.$': '$$.Execution.Id',
          actionIndex: 1,
          stepName: '2 · Send e-mail',
          action: actionExamples.sendEmail,
          'entityType.$': '$.detail.entityType',
          'entityId.$': '$.detail.entityId',
          'event.$': '$.detail',
          timeZone: 'Europe/Berlin',
          // The last action closes the run with its own write, and the execution ends with it.
          closesRun: true,
        },
      },
      ResultSelector: { step: 'Record success', actionsCompleted: '2' },
      ResultPath: '$.run',
      End: true,
    });
  });

  it('runs a document trigger on the record the document belongs to', () => {
    // Act
    const { asl } = compileAutomation(anAutomation({ trigger: triggerExamples.documentSigned, conditions: undefined }));

    // Assess
    expect(asl.States['1 · Create lead']?.Parameters).toMatchObject({
      Payload: { 'entityType.$': '$.detail.after.entityType', 'entityId.$': '$.detail.after.entityId' },
    });
  });

  it('hands Check conditions what it needs to decide', () => {
    // Act
    const { asl } = compileAutomation(anAutomation({ delay: { after: 'P6M' }, recheck: true }));

    // Assess
    expect(asl.States['Check conditions']?.Parameters).toMatchObject({
      Payload: {
        task: 'checkConditions',
        trigger: triggerExamples.stageEntered,
        conditions: JSON.stringify({ all: [{ field: 'amount', op: 'gte', value: 1000 }] }),
        recheck: true,
        onLeave: 'cancel',
        finishPending: false,
        waited: true,
      },
    });
  });

  it('limits an execution without delay to a day', () => {
    // Act
    const { asl } = compileAutomation(anAutomation());

    // Assess
    expect(asl.TimeoutSeconds).toBe(86_400);
  });

  it('takes the function, table and timeouts from the options', () => {
    // Prepare
    const options = { runActionFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:run-action', tableName: 'stagecraft', actionTimeoutSeconds: 30 };

    // Act
    const { asl } = compileAutomation(anAutomation(), options);

    // Assess
    expect(asl.States['1 · Create lead']).toMatchObject({ Parameters: { FunctionName: options.runActionFunctionArn }, TimeoutSeconds: 30 });
    expect(asl.States.Enroll).toMatchObject({ Parameters: { TableName: 'stagecraft' } });
  });

  it('lists how each Task is carried out', () => {
    // Act
    const { taskBindings } = compileAutomation(anAutomation({ delay: { after: 'P2Y' } }));

    // Assess
    expect(taskBindings).toEqual({
      Enroll: 'dynamodb:putItem',
      'Plan wait': 'run-action',
      'Continue in a new run': 'states:startExecution',
      'Check conditions': 'run-action',
      '1 · Create lead': 'run-action',
      'Record success': 'dynamodb:updateItem',
      Skip: 'dynamodb:updateItem',
      Cancel: 'dynamodb:updateItem',
      'Record failure': 'dynamodb:updateItem',
    });
  });

  it('compiles the same automation to the same output', () => {
    // Act
    const first = compileAutomation(anAutomation({ actions: allActions, delay: { until: { field: 'closeDate' } } }));
    const second = compileAutomation(anAutomation({ actions: allActions, delay: { until: { field: 'closeDate' } } }));

    // Assess
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it.each(['renewal 1', "x'), States.Format('", 'a'.repeat(65)])('refuses the automation id %s', (id) => {
    // Act
    const act = () => compileAutomation({ ...anAutomation(), id });

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('resumeRunInput', () => {
  it.each([
    ['the failed step', '2 · Send e-mail', '2 · Send e-mail'],
    ['Plan wait for a failed continuation, which it plans again', 'Continue in a new run', 'Plan wait'],
  ])('resumes at %s', (_case, failedStep, resumeAt) => {
    // Act
    const input = resumeRunInput(anEvent(), { failedStep, actionsCompleted: 1 });

    // Assess
    expect(input.run).toEqual({ step: resumeAt, actionsCompleted: '1', resumeAt, planned: {}, summaries: [], checked: {} });
  });

  it.each([
    ['its start', { startedAt: '2026-03-10T12:00:00.000Z' }, { plannedAt: '2026-03-10T12:00:00.000Z' }],
    ['its due time after a wait', { startedAt: '2026-03-10T12:00:00.000Z', dueAt: '2026-03-12T09:00:00.000Z' }, { plannedAt: '2026-03-12T09:00:00.000Z', dueAt: '2026-03-12T09:00:00.000Z' }],
  ])('carries the run’s planned time from its record (%s), not the redrive’s start', (_case, recorded, planned) => {
    // Act
    const input = resumeRunInput(anEvent(), { failedStep: '2 · Send e-mail', actionsCompleted: 1, ...recorded });

    // Assess
    expect(input.run?.planned).toEqual(planned);
  });

  it('lets Resuming a run? reach every step that does work', () => {
    // Act
    const { asl } = compileAutomation(anAutomation({ delay: { after: 'P2Y' }, actions: [actionExamples.notify] }));

    // Assess
    expect(asl.States['Resuming a run?']).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.run.continuation', IsPresent: true, Next: 'Plan wait' },
        { Not: { Variable: '$.run.resumeAt', IsPresent: true }, Next: 'Duplicate event' },
        { Variable: '$.run.resumeAt', StringEquals: 'Plan wait', Next: 'Plan wait' },
        { Variable: '$.run.resumeAt', StringEquals: 'Check conditions', Next: 'Check conditions' },
        { Variable: '$.run.resumeAt', StringEquals: '1 · Notify', Next: '1 · Notify' },
        { Variable: '$.run.resumeAt', StringEquals: 'Record success', Next: 'Record success' },
      ],
      Default: 'Duplicate event',
    });
  });
});

describe('bindPlaceholders', () => {
  const automation = anAutomation({ actions: [{ type: 'notify', to: 'responsible', message: PLACEHOLDERS.tableName }] });
  const values = { runActionFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:run-action', tableName: 'stagecraft' };

  it('puts the function and table in place', () => {
    // Act
    const { States } = bindPlaceholders(compileAutomation(automation).asl, values);

    // Assess
    expect([States.Enroll?.Parameters, States['1 · Notify']?.Parameters]).toMatchObject([
      { TableName: 'stagecraft' },
      { FunctionName: values.runActionFunctionArn },
    ]);
  });

  it('leaves an action text that reads like a placeholder alone', () => {
    // Act
    const { States } = bindPlaceholders(compileAutomation(automation).asl, values);

    // Assess
    expect(States['1 · Notify']?.Parameters).toMatchObject({ Payload: { action: { message: PLACEHOLDERS.tableName } } });
  });
});
