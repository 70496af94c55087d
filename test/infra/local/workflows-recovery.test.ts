// The local runner after a crash: an execution recorded as running goes on from the Task it
// had entered, also when the crash came right after its timer fired; nothing runs twice.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LocalFunction, type LocalWorkflows, createLocalWorkflows } from '#infra/local/workflows.ts';
import { RUNNING_EXECUTIONS_INDEX_KEY, executionKey } from '#shared/store/keys.ts';
import { createTestTable, manualClock, silentLogger } from '#test/support/table.ts';

type Table = Awaited<ReturnType<typeof createTestTable>>;
let table: Table;

beforeAll(async () => {
  table = await createTestTable();
});

/** A Task that never answers: the process "dies" with the execution inside it. */
const hangs: LocalFunction = () => new Promise<never>(() => {});

/**
 * A runner left hanging in a Task stands for a process that died there: it must not write later,
 * so segments write where they are only past `checkpointAfterMs`, which is long unless a test says.
 */
function runner(functions: Record<string, LocalFunction>, clock = manualClock('2026-01-01T00:00:00.000Z'), checkpointAfterMs = 600_000): LocalWorkflows {
  return createLocalWorkflows({
    table,
    dynamoClient: table.dynamoClient,
    clock,
    logger: silentLogger,
    checkpointAfterMs,
    substitutions: {
      PrepareFunctionArn: 'arn:aws:lambda:local:000000000000:function:prepare',
      ActFunctionArn: 'arn:aws:lambda:local:000000000000:function:act',
    },
    functions,
  });
}

/** Prepare, wait until `$.wakeAt`, Act, record in the table that it acted. */
const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Task', Resource: '${PrepareFunctionArn}', ResultPath: '$.prepared', Next: 'Wait until due' },
    'Wait until due': { Type: 'Wait', TimestampPath: '$.wakeAt', Next: 'Act' },
    Act: { Type: 'Task', Resource: '${ActFunctionArn}', ResultPath: '$.acted', Next: 'Record' },
    Record: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Parameters: { TableName: '${TableName}', Item: { pk: { 'S.$': "States.Format('acted#{}', $.who)" }, sk: { S: 'acted' } } },
      ResultPath: null,
      End: true,
    },
  },
};

const works = (calls: string[], name: string): LocalFunction => async (payload) => {
  calls.push(`${name}:${(payload as { who: string }).who}`);
  return name;
};

async function acted(who: string) {
  const item = await table.dynamoClient.send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: `acted#${who}` }, sk: { S: 'acted' } }, ConsistentRead: true }));
  return item.Item !== undefined;
}

const flow = (record: { steps: Array<{ name: string; status: string }> } | undefined) => record?.steps.map((step) => `${step.name}:${step.status}`);

describe('an execution a crash left running', () => {
  it('goes on from the Task it had entered when a runner starts again', async () => {
    const calls: string[] = [];
    const crashed = runner({ prepare: hangs, act: works(calls, 'act') });
    await crashed.publish('recovering', definition);
    const started = await crashed.start('recovering', 'ada-1', { who: 'ada', wakeAt: '2025-01-01T00:00:00Z' });
    const stuck = await crashed.describe(started.executionId);
    const restarted = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') });

    const resumed = await restarted.recover();
    await restarted.idle();
    await restarted.tick();

    expect(stuck?.status).toBe('RUNNING');
    expect(resumed).toBe(1);
    expect((await restarted.describe(started.executionId))?.status).toBe('SUCCEEDED');
    expect(flow(await restarted.describe(started.executionId))).toEqual([
      'Prepare:SUCCEEDED',
      'Wait until due:SUCCEEDED',
      'Act:SUCCEEDED',
      'Record:SUCCEEDED',
    ]);
    expect(calls).toEqual(['prepare:ada', 'act:ada']);
    expect(await acted('ada')).toBe(true);
  });

  it('goes on after its wait when the crash came right after the timer fired', async () => {
    const calls: string[] = [];
    const before = runner({ prepare: works(calls, 'prepare'), act: hangs });
    await before.publish('recovering', definition);
    const started = await before.start('recovering', 'bob-1', { who: 'bob', wakeAt: '2026-07-01T00:00:00Z' });
    await before.idle();
    const waiting = await before.describe(started.executionId);
    const due = manualClock('2026-07-02T00:00:00.000Z');
    const firing = runner({ prepare: works(calls, 'prepare'), act: hangs }, due);
    void firing.tick();
    await expect.poll(async () => (await firing.describe(started.executionId))?.status, { timeout: 10_000 }).toBe('RUNNING');
    const restarted = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') }, due);

    const resumed = await restarted.recover();
    await restarted.idle();
    const fired = await restarted.tick();

    expect(waiting?.status).toBe('WAITING');
    expect(resumed).toBe(1);
    expect(fired).toBe(0);
    expect((await restarted.describe(started.executionId))?.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['prepare:bob', 'act:bob']);
    expect(await acted('bob')).toBe(true);
  });

  it('is left alone while a segment of this runner is running it', async () => {
    const calls: string[] = [];
    const workflows = runner({ prepare: hangs, act: works(calls, 'act') });
    await workflows.publish('recovering', definition);
    await workflows.start('recovering', 'cy-1', { who: 'cy', wakeAt: '2025-01-01T00:00:00Z' });

    const resumed = await workflows.recover();

    expect(resumed).toBe(0);
  });
});

describe('a due timer', () => {
  it('fires once when a runner starts after it fell due', async () => {
    const calls: string[] = [];
    const before = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') });
    await before.publish('recovering', definition);
    const started = await before.start('recovering', 'dee-1', { who: 'dee', wakeAt: '2026-03-01T00:00:00Z' });
    await before.idle();
    const restarted = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') }, manualClock('2026-03-02T00:00:00.000Z'));

    const [first, second] = await Promise.all([restarted.tick(), restarted.tick()]);
    await restarted.idle();

    expect(first + second).toBe(1);
    expect((await restarted.describe(started.executionId))?.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['prepare:dee', 'act:dee']);
  });
});

/** Prepare, Act, record that it acted: one segment, no Wait. */
const direct = {
  StartAt: 'Prepare',
  States: {
    Prepare: { ...definition.States.Prepare, Next: 'Act' },
    Act: definition.States.Act,
    Record: definition.States.Record,
  },
};

describe('an execution an event starts (deliver)', () => {
  it('is written once it ends, and a replay of its event runs nothing again', async () => {
    const calls: string[] = [];
    const first = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') });
    await first.publish('delivered', direct);
    const delivered = await first.deliver('delivered', 'event-eve', { who: 'eve', wakeAt: '2025-01-01T00:00:00Z' });
    await first.durable();
    const afterRestart = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') });

    const replayed = await afterRestart.deliver('delivered', 'event-eve', { who: 'eve', wakeAt: '2025-01-01T00:00:00Z' });
    await afterRestart.idle();

    expect(delivered.status).toBe('SUCCEEDED');
    expect((await afterRestart.describe(delivered.executionId))?.status).toBe('SUCCEEDED');
    expect(replayed.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['prepare:eve', 'act:eve']);
  });

  it('leaves nothing in the table while it is short and unfinished: a crash replays its event, which runs it from the start', async () => {
    const calls: string[] = [];
    const crashed = runner({ prepare: hangs, act: works(calls, 'act') });
    await crashed.publish('delivered', direct);
    let settled = false;
    await crashed.deliver('delivered', 'event-fay', { who: 'fay', wakeAt: '2025-01-01T00:00:00Z' });
    void crashed.durable().then(() => (settled = true));
    await expect.poll(() => crashed.load().running).toBe(1);
    const left = await crashed.describe('arn:aws:states:local:000000000000:execution:delivered:event-fay');
    const afterRestart = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') });

    await afterRestart.deliver('delivered', 'event-fay', { who: 'fay', wakeAt: '2025-01-01T00:00:00Z' });
    await afterRestart.durable();
    const replayed = await afterRestart.describe('arn:aws:states:local:000000000000:execution:delivered:event-fay');

    expect(settled).toBe(false);
    expect(left).toBeUndefined();
    expect(replayed?.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['prepare:fay', 'act:fay']);
    expect(await acted('fay')).toBe(true);
  });

  it('is written at its Task once it runs longer than checkpointAfterMs, and a runner started afresh resumes it there', async () => {
    const calls: string[] = [];
    const crashed = runner({ prepare: hangs, act: works(calls, 'act') }, undefined, 50);
    await crashed.publish('delivered', direct);

    const delivered = await crashed.deliver('delivered', 'event-gus', { who: 'gus', wakeAt: '2025-01-01T00:00:00Z' });
    await crashed.durable();
    const left = await crashed.describe(delivered.executionId);
    const afterRestart = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') });
    await afterRestart.recover();
    await afterRestart.idle();

    expect(left).toMatchObject({ status: 'RUNNING', checkpoint: { state: 'Prepare' } });
    expect((await afterRestart.describe(delivered.executionId))?.status).toBe('SUCCEEDED');
    // Other tests' hung executions are recovered too: only this one's calls count.
    expect(calls.filter((call) => call.endsWith(':gus'))).toEqual(['prepare:gus', 'act:gus']);
  });

  it('once events are new, still runs an event redelivered in this process (a retried batch) only once', async () => {
    const calls: string[] = [];
    const workflows = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') });
    await workflows.publish('delivered', direct);
    workflows.eventsAreNew();

    await workflows.deliver('delivered', 'event-hal', { who: 'hal', wakeAt: '2025-01-01T00:00:00Z' });
    await workflows.durable();
    await workflows.deliver('delivered', 'event-hal', { who: 'hal', wakeAt: '2025-01-01T00:00:00Z' });
    await workflows.idle();

    expect(calls).toEqual(['prepare:hal', 'act:hal']);
    expect((await workflows.describe('arn:aws:states:local:000000000000:execution:delivered:event-hal'))?.status).toBe('SUCCEEDED');
  });
});

describe('the execution item', () => {
  const itemOf = async (executionId: string) =>
    (await table.client.send(new GetCommand({ TableName: table.tableName, Key: executionKey(executionId), ConsistentRead: true }))).Item;

  it('keeps its payloads as JSON text, and no checkpoint once it succeeded', async () => {
    const calls: string[] = [];
    const workflows = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') });
    await workflows.publish('items', direct);
    const input = { who: 'ida', wakeAt: '2025-01-01T00:00:00Z', nested: { list: [1, 'two', null, { three: true }] } };

    const delivered = await workflows.deliver('items', 'event-ida', input);
    await workflows.durable();
    const item = await itemOf(delivered.executionId);
    const record = await workflows.describe(delivered.executionId);

    expect(item).toMatchObject({ status: 'SUCCEEDED', inputJson: JSON.stringify(input) });
    expect(item).not.toHaveProperty('checkpointJson');
    expect(item).not.toHaveProperty('input');
    expect(record).toMatchObject({ status: 'SUCCEEDED', input, output: { ...input, prepared: 'prepare', acted: 'act' } });
    expect(record).not.toHaveProperty('checkpoint');
    expect(flow(record)).toEqual(['Prepare:SUCCEEDED', 'Act:SUCCEEDED', 'Record:SUCCEEDED']);
  });

  it('keeps the checkpoint of a failed run, which a redrive goes on from', async () => {
    const calls: string[] = [];
    const failing: LocalFunction = async () => {
      throw Object.assign(new Error('no'), { name: 'Broken' });
    };
    const first = runner({ prepare: works(calls, 'prepare'), act: failing });
    await first.publish('items', direct);
    const delivered = await first.deliver('items', 'event-jo', { who: 'jo', wakeAt: '2025-01-01T00:00:00Z' });
    await first.durable();
    const failed = await itemOf(delivered.executionId);
    const second = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') });

    await second.redrive(delivered.executionId);
    await second.idle();

    expect(failed).toMatchObject({ status: 'FAILED', checkpointJson: expect.stringContaining('"state":"Act"') });
    expect((await second.describe(delivered.executionId))?.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['prepare:jo', 'act:jo']);
  });

  it('written before its payloads were JSON text (maps), is still resumed from its checkpoint', async () => {
    const calls: string[] = [];
    const workflows = runner({ prepare: works(calls, 'prepare'), act: works(calls, 'act') });
    const version = await workflows.publish('items', direct);
    const executionId = 'arn:aws:states:local:000000000000:execution:items:old-kim';
    const input = { who: 'kim', wakeAt: '2025-01-01T00:00:00Z' };
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...executionKey(executionId),
          itemKind: 'execution',
          executionId,
          stateMachine: 'items',
          version,
          name: 'old-kim',
          status: 'RUNNING',
          input,
          startedAt: '2026-01-01T00:00:00.000Z',
          steps: [{ name: 'Prepare', type: 'Task', status: 'SUCCEEDED', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:00.001Z' }],
          checkpoint: { state: 'Act', input: { ...input, prepared: 'prepare' } },
          gsi1pk: RUNNING_EXECUTIONS_INDEX_KEY,
          gsi1sk: `2026-01-01T00:00:00.000Z#${executionId}`,
        },
      }),
    );

    const before = await workflows.describe(executionId);
    await workflows.recover();
    await workflows.idle();

    expect(before).toMatchObject({ status: 'RUNNING', input, checkpoint: { state: 'Act' } });
    expect(calls.filter((call) => call.endsWith(':kim'))).toEqual(['act:kim']);
    expect((await workflows.describe(executionId))?.status).toBe('SUCCEEDED');
    expect(await itemOf(executionId)).not.toHaveProperty('checkpoint');
  });
});
