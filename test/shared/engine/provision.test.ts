// The provisioner against DynamoDB Local, with the real AWS adapters over mocked SDK clients (the
// control-plane calls have no local engine): deployment failures recorded with their cause, waiting
// runs stopped several at a time and resumably.
import { InternalException, InvalidEventPatternException, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ulidIds } from '#shared/ids.ts';
import type { Logger } from '#shared/ports.ts';
import { type Store, createStore } from '#shared/store/index.ts';
import { RUN_ITEM_KIND, automationRunsByStatusKey, automationRunsKey, runKey, runSortKey } from '#shared/store/runs.ts';
import { aDefinitionInput } from '#test/shared/automation/factories.ts';
import { awsProvisioner, mockedControlPlane } from '#test/support/aws-provisioner.ts';
import { asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock } from '#test/support/table.ts';

const { sfn, events } = mockedControlPlane();
const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const clock = manualClock();
let store: Store;
let table: Awaited<ReturnType<typeof createTestTable>>;

const provisioner = (stopConcurrency?: number) =>
  awsProvisioner({ store, clock, logger: silent, tableName: table.tableName, ...(stopConcurrency ? { stopConcurrency } : {}) });

beforeAll(async () => {
  table = await createTestTable();
  store = createStore(table, clock, ulidIds());
});

async function anAutomation(overrides: Record<string, unknown> = {}) {
  return store.records.create('automation', aDefinitionInput(overrides) as never, asUser('admin'));
}

/** A run as Enroll records it, then as Plan wait leaves it: WAITING on its execution. */
async function aWaitingRun(automationId: string, index: number) {
  const runId = `event-${index}`;
  const startedAt = '2026-01-15T09:00:00.000Z';
  await table.client.send(
    new PutCommand({
      TableName: table.tableName,
      Item: {
        ...runKey(automationId, runId),
        itemKind: RUN_ITEM_KIND,
        automationId,
        runId,
        triggerEventId: runId,
        executionId: `arn:aws:states:eu-west-1:111122223333:execution:stagecraft-prod-auto-${automationId}:${runId}`,
        entityType: 'deal',
        entityId: `deal-${index}`,
        status: 'RUNNING',
        startedAt,
        actionsCompleted: 0,
        actionsTotal: 1,
        gsi1pk: automationRunsKey(automationId),
        gsi1sk: runSortKey(startedAt, runId),
        gsi3pk: automationRunsByStatusKey(automationId, 'RUNNING'),
        gsi3sk: runSortKey(startedAt, runId),
      },
    }),
  );
  await store.runLog.markWaiting(automationId, runId, '2026-07-15T09:00:00.000Z', `arn:aws:states:eu-west-1:111122223333:execution:stagecraft-prod-auto-${automationId}:${runId}`);
}

describe('a deployment AWS refuses', () => {
  it('is recorded on the automation with its cause, and not retried when no retry can change it', async () => {
    // Prepare
    const automation = await anAutomation();
    events.on(PutRuleCommand).rejects(new InvalidEventPatternException({ message: 'Event pattern is not valid.', $metadata: {} }));

    // Act
    await provisioner().reconcile(automation.id);

    // Assess
    expect(await store.provisioning.get(automation.id)).toMatchObject({
      status: 'error',
      automationVersion: automation.version,
      error: 'deployment failed: InvalidEventPatternException: Event pattern is not valid.',
    });
  });

  it('is recorded and thrown when a retry may succeed, so the delivery is retried', async () => {
    // Prepare
    const automation = await anAutomation();
    events.on(PutRuleCommand).rejects(new InternalException({ message: 'try later', $metadata: {} }));

    // Act
    const reconciling = provisioner().reconcile(automation.id);

    // Assess
    await expect(reconciling).rejects.toThrow('try later');
    expect(await store.provisioning.get(automation.id)).toMatchObject({ status: 'error', error: 'deployment failed: InternalException: try later' });
  });

  it('is recorded when EventBridge refuses the rule’s target', async () => {
    // Prepare
    const automation = await anAutomation();
    events.on(PutTargetsCommand).resolves({ FailedEntryCount: 1, FailedEntries: [{ TargetId: 'start-run', ErrorCode: 'InternalException', ErrorMessage: 'no' }] });

    // Act
    await expect(provisioner().reconcile(automation.id)).rejects.toThrow();

    // Assess
    expect(await store.provisioning.get(automation.id)).toMatchObject({
      status: 'error',
      error: 'deployment failed: TargetRefused: PutTargets refused 1 target(s): start-run: InternalException no',
    });
  });

  it('is replaced by ready once a later delivery succeeds', async () => {
    // Prepare
    const automation = await anAutomation();
    events.on(PutRuleCommand).rejectsOnce(new InternalException({ message: 'try later', $metadata: {} })).resolves({});
    await expect(provisioner().reconcile(automation.id)).rejects.toThrow();

    // Act
    await provisioner().reconcile(automation.id);

    // Assess
    expect(await store.provisioning.get(automation.id)).toMatchObject({ status: 'ready' });
  });
});

describe('a save while the automation deploys', () => {
  it('is deployed after, so the latest version is the one left deployed', async () => {
    // Prepare: the automation is saved (version 2) while version 1's rule is being put.
    const automation = await anAutomation({ name: 'first' });
    let saved = false;
    events.on(PutRuleCommand).callsFake(async () => {
      if (!saved) {
        saved = true;
        await store.records.update('automation', automation.id, (current) => ({ ...current, name: 'second' }), asUser('admin'), { expectedVersion: automation.version });
      }
      return {};
    });

    // Act
    await provisioner().reconcile(automation.id);

    // Assess
    expect(events.commandCalls(PutRuleCommand)).toHaveLength(2);
    expect(await store.provisioning.get(automation.id)).toMatchObject({ status: 'ready', automationVersion: automation.version + 1 });
  });
});

describe('stopping an automation with many waiting runs', () => {
  it('stops them several at a time and marks each cancelled', async () => {
    // Prepare
    const automation = await anAutomation({ status: 'stopped', delay: { after: 'P6M' } });
    await Promise.all(Array.from({ length: 30 }, (_, index) => aWaitingRun(automation.id, index)));
    let inFlight = 0;
    let mostInFlight = 0;
    sfn.on(StopExecutionCommand).callsFake(async () => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return {};
    });

    // Act
    const cancelled = await provisioner(8).cancelWaitingRuns(automation.id);

    // Assess
    expect(cancelled).toBe(30);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(30);
    expect(mostInFlight).toBe(8);
    expect((await store.runLog.list(automation.id, { status: 'WAITING' })).items).toEqual([]);
    expect((await store.runLog.list(automation.id, { status: 'CANCELLED', limit: 100 })).items).toHaveLength(30);
  });

  it('resumes after an interruption with the runs not yet stopped, and stops none twice', async () => {
    // Prepare
    const automation = await anAutomation({ status: 'stopped', delay: { after: 'P6M' } });
    await Promise.all(Array.from({ length: 10 }, (_, index) => aWaitingRun(automation.id, index)));
    let calls = 0;
    sfn.on(StopExecutionCommand).callsFake(async () => {
      calls += 1;
      if (calls === 4) throw new Error('Lambda ran out of time');
      return {};
    });
    await expect(provisioner(1).cancelWaitingRuns(automation.id)).rejects.toThrow('out of time');
    const stoppedBefore = sfn.commandCalls(StopExecutionCommand).map((call) => call.args[0].input.executionArn);

    // Act
    const cancelled = await provisioner(1).cancelWaitingRuns(automation.id);

    // Assess
    const stoppedAfter = sfn.commandCalls(StopExecutionCommand).map((call) => call.args[0].input.executionArn).slice(stoppedBefore.length);
    expect(cancelled).toBe(7);
    expect(stoppedAfter).toHaveLength(7);
    expect(stoppedAfter.filter((arn) => stoppedBefore.slice(0, 3).includes(arn))).toEqual([]);
    expect((await store.runLog.list(automation.id, { status: 'CANCELLED', limit: 100 })).items).toHaveLength(10);
  });
});
