// The local Step Functions runner: Tasks bound by resource, durable waits, idempotent starts, redrive.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LocalWorkflows, createLocalWorkflows } from '#infra/local/workflows.ts';
import { createTestTable, manualClock, silentLogger } from '#test/support/table.ts';

type Table = Awaited<ReturnType<typeof createTestTable>>;
let table: Table;

beforeAll(async () => {
  table = await createTestTable();
});

const calls: unknown[] = [];
let failuresLeft = 0;

function runner(clock = manualClock('2026-01-01T00:00:00.000Z')): LocalWorkflows {
  return createLocalWorkflows({
    table,
    dynamoClient: table.dynamoClient,
    clock,
    logger: silentLogger,
    substitutions: { GreetFunctionArn: 'arn:aws:lambda:local:000000000000:function:greet' },
    functions: {
      greet: async (payload) => {
        calls.push(payload);
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw Object.assign(new Error('flaky'), { name: 'FlakyError' });
        }
        return { greeting: `hello ${(payload as { who: string }).who}` };
      },
    },
  });
}

/** Greet, wait until `$.wakeAt`, record the result in the table, succeed. */
const definition = {
  StartAt: 'Greet',
  States: {
    Greet: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: '${GreetFunctionArn}', 'Payload.$': '$' },
      ResultSelector: { 'greeting.$': '$.Payload.greeting' },
      ResultPath: '$.result',
      Next: 'Wait until wake-up',
    },
    'Wait until wake-up': { Type: 'Wait', TimestampPath: '$.wakeAt', Next: 'Record' },
    Record: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Parameters: {
        TableName: '${TableName}',
        Item: { pk: { 'S.$': "States.Format('greeting#{}', $.who)" }, sk: { S: 'greeting' }, text: { 'S.$': '$.result.greeting' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      ResultPath: null,
      Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'Already recorded' }],
      End: true,
    },
    'Already recorded': { Type: 'Succeed' },
  },
};

async function greetingOf(who: string) {
  const item = await table.dynamoClient.send(
    new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: `greeting#${who}` }, sk: { S: 'greeting' } } }),
  );
  return item.Item?.text?.S;
}

describe('a run with a wait', () => {
  it('pauses at the Wait with its due time and nothing after it done', async () => {
    const workflows = runner();
    await workflows.publish('greeter', definition);

    const started = await workflows.start('greeter', 'ada-1', { who: 'ada', wakeAt: '2026-07-01T00:00:00Z' });
    await workflows.idle();

    const record = await workflows.describe(started.executionId);
    expect(record?.status).toBe('WAITING');
    expect(record?.steps.map((step) => `${step.name}:${step.status}`)).toEqual(['Greet:SUCCEEDED', 'Wait until wake-up:WAITING']);
    expect(record?.steps[1]?.dueAt).toBe('2026-07-01T00:00:00.000Z');
    expect(await greetingOf('ada')).toBeUndefined();
  });

  it('resumes when the clock passes the due time, in a runner started afresh', async () => {
    const before = runner();
    await before.publish('greeter', definition);
    const started = await before.start('greeter', 'bob-1', { who: 'bob', wakeAt: '2026-07-01T00:00:00Z' });
    await before.idle();
    const clock = manualClock('2026-07-01T00:00:01.000Z');
    const after = runner(clock);

    await after.tick();

    const record = await after.describe(started.executionId);
    expect(record?.status).toBe('SUCCEEDED');
    expect(record?.steps.map((step) => `${step.name}:${step.status}`)).toEqual([
      'Greet:SUCCEEDED',
      'Wait until wake-up:SUCCEEDED',
      'Record:SUCCEEDED',
    ]);
    expect(await greetingOf('bob')).toBe('hello bob');
  });

  it('waits past the interpreter’s 24.8-day timer limit', async () => {
    const clock = manualClock('2026-01-01T00:00:00.000Z');
    const workflows = runner(clock);
    await workflows.publish('greeter', definition);
    const started = await workflows.start('greeter', 'cy-1', { who: 'cy', wakeAt: '2026-12-31T00:00:00Z' });
    await workflows.idle();

    clock.set('2026-06-01T00:00:00.000Z');
    await workflows.tick();
    const early = await workflows.describe(started.executionId);
    clock.set('2027-01-01T00:00:00.000Z');
    await workflows.tick();
    const late = await workflows.describe(started.executionId);

    expect(early?.status).toBe('WAITING');
    expect(late?.status).toBe('SUCCEEDED');
  });
});

describe('starting by name', () => {
  it('runs an execution name once, however often it is started', async () => {
    const workflows = runner();
    await workflows.publish('greeter', definition);
    const before = calls.length;

    await Promise.all([
      workflows.start('greeter', 'dup-1', { who: 'dup', wakeAt: '2026-01-01T00:00:00Z' }),
      workflows.start('greeter', 'dup-1', { who: 'dup', wakeAt: '2026-01-01T00:00:00Z' }),
    ]);
    await workflows.idle();

    expect(calls.length - before).toBe(1);
  });
});

describe('versions', () => {
  it('keeps a waiting run on the version it started with', async () => {
    const clock = manualClock('2026-01-01T00:00:00.000Z');
    const workflows = runner(clock);
    const first = await workflows.publish('versioned', definition);
    const started = await workflows.start('versioned', 'v-1', { who: 'dee', wakeAt: '2026-02-01T00:00:00Z' });
    await workflows.idle();
    const changed = structuredClone(definition);
    changed.States.Record.Parameters.Item.text = { 'S.$': "States.Format('changed {}', $.who)" } as never;
    const second = await workflows.publish('versioned', changed);

    clock.set('2026-02-02T00:00:00.000Z');
    await workflows.tick();

    expect(second).toBe(first + 1);
    expect(await greetingOf('dee')).toBe('hello dee');
    expect((await workflows.describe(started.executionId))?.version).toBe(first);
  });
});

describe('failures', () => {
  it('fails the execution with the Task’s error name and step, then redrives from that step', async () => {
    const workflows = runner();
    await workflows.publish('greeter', definition);
    failuresLeft = 1;

    const started = await workflows.start('greeter', 'fail-1', { who: 'eve', wakeAt: '2025-01-01T00:00:00Z' });
    await workflows.idle();
    const failed = await workflows.describe(started.executionId);
    await workflows.redrive(started.executionId);
    await workflows.idle();
    await workflows.tick();
    const redriven = await workflows.describe(started.executionId);

    expect(failed).toMatchObject({ status: 'FAILED', error: 'FlakyError' });
    expect(failed?.steps.at(-1)).toMatchObject({ name: 'Greet', status: 'FAILED', error: 'FlakyError' });
    expect(redriven?.status).toBe('SUCCEEDED');
    expect(await greetingOf('eve')).toBe('hello eve');
  });

  it('maps a DynamoDB condition failure to the error name Step Functions uses, so Catch matches', async () => {
    const workflows = runner();
    await workflows.publish('greeter', definition);
    const first = await workflows.start('greeter', 'cond-1', { who: 'fay', wakeAt: '2025-01-01T00:00:00Z' });
    await workflows.idle();
    await workflows.tick();

    const second = await workflows.start('greeter', 'cond-2', { who: 'fay', wakeAt: '2025-01-01T00:00:00Z' });
    await workflows.idle();
    await workflows.tick();

    const record = await workflows.describe(second.executionId);
    expect((await workflows.describe(first.executionId))?.status).toBe('SUCCEEDED');
    expect(record?.status).toBe('SUCCEEDED');
    expect(record?.steps.map((step) => `${step.name}:${step.status}`)).toContain('Record:CAUGHT');
    expect(record?.steps.at(-1)?.name).toBe('Already recorded');
  });
});

describe('the timer\'s tick', () => {
  it('logs a failure to read the due waits and resolves, so local mode goes on and the next tick tries again', async () => {
    // Prepare: a store that cannot answer (its table does not exist).
    const errors: string[] = [];
    const broken = createLocalWorkflows({
      table: { ...table, tableName: `no-such-table-${Date.now()}` },
      dynamoClient: table.dynamoClient,
      clock: manualClock('2026-01-01T00:00:00.000Z'),
      logger: { ...silentLogger, error: (message: string) => void errors.push(message) },
      functions: {},
    });

    // Act
    const ticked = broken.tickInBackground();

    // Assess
    await expect(ticked).resolves.toBeUndefined();
    expect(errors).toEqual(['could not read the due waits; the next tick tries again']);
  });
});
