// The provisioner against DynamoDB Local, with the real AWS adapters over mocked SDK clients (the
// control-plane calls have no local engine): deployment failures recorded with their cause, waiting
// runs stopped several at a time and resumably, a deployment's pass that deploys only what changed.
import { InternalException, InvalidEventPatternException, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, StateMachineAlreadyExists, StopExecutionCommand, UpdateStateMachineCommand } from '@aws-sdk/client-sfn';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ulidIds } from '#shared/ids.ts';
import type { Logger } from '#shared/ports.ts';
import { type Store, createStore } from '#shared/store/index.ts';
import { RUN_ITEM_KIND, automationRunsByStatusKey, automationRunsKey, runKey, runSortKey } from '#shared/store/runs.ts';
import { aDefinitionInput } from '#test/shared/automation/factories.ts';
import { AUTOMATION_PREFIX, awsProvisioner, mockedControlPlane } from '#test/support/aws-provisioner.ts';
import { asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock } from '#test/support/table.ts';

const { sfn, events } = mockedControlPlane();
const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const clock = manualClock();
let store: Store;
let table: Awaited<ReturnType<typeof createTestTable>>;

const provisioner = (stopConcurrency?: number) =>
  awsProvisioner({ store, clock, logger: silent, tableName: table.tableName, ...(stopConcurrency ? { stopConcurrency } : {}) });

/** The provisioner of a release whose stack gives it other settings (roles, queue, run-action). */
const anotherRelease = (settings: Omit<Parameters<typeof awsProvisioner>[0], 'store' | 'clock' | 'logger' | 'tableName'>) =>
  awsProvisioner({ store, clock, logger: silent, tableName: table.tableName, ...settings });

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

/** Every stored automation deployed by a pass; from here on AWS answers as for state machines that exist. */
async function allDeployed() {
  await provisioner().reconcileEvery();
  sfn.resetHistory();
  events.resetHistory();
  sfn.on(CreateStateMachineCommand).rejects(new StateMachineAlreadyExists({ message: 'exists', $metadata: {} }));
}

const name = (automationId: string) => `${AUTOMATION_PREFIX}${automationId}`;
const rulesPut = () => events.commandCalls(PutRuleCommand).map((call) => call.args[0].input);
const targetsPut = () => events.commandCalls(PutTargetsCommand).map((call) => call.args[0].input);
const stateMachinesUpdated = () => sfn.commandCalls(UpdateStateMachineCommand).map((call) => call.args[0].input);

describe("a deployment's pass", () => {
  it('sends nothing to AWS for automations deployed already as they would be now, and counts them unchanged', async () => {
    // Prepare
    await anAutomation({ name: 'unchanged' });
    await anAutomation({ name: 'unchanged and manual', trigger: { type: 'manual', entity: 'deal' } });
    await allDeployed();
    const stored = (await store.records.list('automation', { limit: 100 })).items.length;

    // Act
    const result = await provisioner().reconcileEvery();

    // Assess
    expect(result).toEqual({ reconciled: 0, unchanged: stored, failed: [], unfinished: false });
    expect(stateMachinesUpdated()).toEqual([]);
    expect(sfn.commandCalls(CreateStateMachineCommand)).toEqual([]);
    expect(rulesPut()).toEqual([]);
    expect(targetsPut()).toEqual([]);
  });

  it('deploys an automation edited since its last deployment', async () => {
    // Prepare: the edit's change event is not provisioned yet.
    const automation = await anAutomation({ name: 'before' });
    await allDeployed();
    await store.records.update('automation', automation.id, (current) => ({ ...current, name: 'after', conditions: { all: [{ field: 'amount', op: 'gte', value: 5000 }] } }), asUser('admin'), {
      expectedVersion: automation.version,
    });

    // Act
    const result = await provisioner().reconcileEvery();

    // Assess
    expect(result).toMatchObject({ reconciled: 1, failed: [] });
    expect(rulesPut().map((rule) => rule.Name)).toEqual([name(automation.id)]);
    expect(JSON.stringify(JSON.parse(stateMachinesUpdated()[0]!.definition!))).toContain('5000');
    expect(await store.provisioning.get(automation.id)).toMatchObject({ status: 'ready', automationVersion: automation.version + 1 });
  });

  it('deploys an automation stopped since its last deployment, its rule disabled', async () => {
    // Prepare
    const automation = await anAutomation({ name: 'to stop' });
    await allDeployed();
    await store.records.update('automation', automation.id, (current) => ({ ...current, status: 'stopped' }), asUser('admin'), { expectedVersion: automation.version });

    // Act
    await provisioner().reconcileEvery();

    // Assess
    expect(rulesPut()).toEqual([expect.objectContaining({ Name: name(automation.id), State: 'DISABLED' })]);
  });

  it('deploys an automation activated since its last deployment, its rule enabled', async () => {
    // Prepare
    const automation = await anAutomation({ name: 'to activate', status: 'stopped' });
    await allDeployed();
    await store.records.update('automation', automation.id, (current) => ({ ...current, status: 'active' }), asUser('admin'), { expectedVersion: automation.version });

    // Act
    await provisioner().reconcileEvery();

    // Assess
    expect(rulesPut()).toEqual([expect.objectContaining({ Name: name(automation.id), State: 'ENABLED' })]);
  });

  it('still cancels the waiting runs of a stopped automation it leaves alone', async () => {
    // Prepare: a run reached its wait after the stop was deployed.
    const automation = await anAutomation({ name: 'stopped', status: 'stopped', delay: { after: 'P6M' } });
    await allDeployed();
    await aWaitingRun(automation.id, 1);

    // Act
    const result = await provisioner().reconcileEvery();

    // Assess
    expect(result.reconciled).toBe(0);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(1);
    expect((await store.runLog.list(automation.id, { status: 'WAITING' })).items).toEqual([]);
  });

  it('deploys every automation again when what the compiled states are bound to changes (another run-action function)', async () => {
    // Prepare
    const automation = await anAutomation({ name: 'bound' });
    await allDeployed();
    const runAction = 'arn:aws:lambda:eu-west-1:111122223333:function:run-action-v2';

    // Act
    const result = await anotherRelease({ runActionFunctionArn: runAction }).reconcileEvery();

    // Assess
    expect(result.unchanged).toBe(0);
    const updated = stateMachinesUpdated().find((input) => input.stateMachineArn?.endsWith(`:${name(automation.id)}`));
    expect(updated?.definition).toContain(runAction);
  });

  it.each([
    ['the role state machines run with', { executionRoleArn: 'arn:aws:iam::111122223333:role/run-v2' }],
    ['the role rules start executions with', { eventsRoleArn: 'arn:aws:iam::111122223333:role/start-v2' }],
    ['the dead-letter queue of the rules', { deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:111122223333:rules-dlq-v2' }],
    ['the tags', { tags: { 'stagecraft:stage': 'prod' } }],
  ])('deploys an automation again when %s changes', async (_setting, infra) => {
    // Prepare
    const automation = await anAutomation({ name: 'settings' });
    await allDeployed();

    // Act
    await anotherRelease({ infra }).reconcileEvery();

    // Assess
    expect(rulesPut().map((rule) => rule.Name)).toContain(name(automation.id));
    // The release's settings are the ones now deployed: a second pass leaves everything alone.
    expect(await anotherRelease({ infra }).reconcileEvery()).toMatchObject({ reconciled: 0, failed: [] });
  });

  it('puts the new settings on the target it deploys again', async () => {
    // Prepare
    const automation = await anAutomation({ name: 'target' });
    await allDeployed();
    const infra = { eventsRoleArn: 'arn:aws:iam::111122223333:role/start-v2', deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:111122223333:rules-dlq-v2' };

    // Act
    await anotherRelease({ infra }).reconcileEvery();

    // Assess
    const target = targetsPut().find((input) => input.Rule === name(automation.id))?.Targets?.[0];
    expect(target).toMatchObject({ RoleArn: infra.eventsRoleArn, DeadLetterConfig: { Arn: infra.deadLetterQueueArn } });
  });

  it('deploys once an automation an earlier release deployed (its record has no digest), then leaves it alone', async () => {
    // Prepare
    const automation = await anAutomation({ name: 'from an earlier release' });
    await allDeployed();
    await store.provisioning.record(automation.id, { status: 'ready', automationVersion: automation.version, stateMachine: `arn:aws:states:eu-west-1:111122223333:stateMachine:${name(automation.id)}` });

    // Act
    const first = await provisioner().reconcileEvery();
    const second = await provisioner().reconcileEvery();

    // Assess
    expect(first.reconciled).toBe(1);
    expect(rulesPut().map((rule) => rule.Name)).toEqual([name(automation.id)]);
    expect(second.reconciled).toBe(0);
    expect((await store.provisioning.get(automation.id))?.fingerprint).toEqual(expect.any(String));
  });

  it('deploys an automation whose last deployment failed', async () => {
    // Prepare
    const automation = await anAutomation({ name: 'failed before' });
    await allDeployed();
    await store.provisioning.record(automation.id, { status: 'error', automationVersion: automation.version, error: 'deployment failed: InternalException: try later' });

    // Act
    await provisioner().reconcileEvery();

    // Assess
    expect(rulesPut().map((rule) => rule.Name)).toEqual([name(automation.id)]);
    expect(await store.provisioning.get(automation.id)).toMatchObject({ status: 'ready' });
  });

  it('deploys again an automation whose deployment by another release was cut short (its record no longer vouches for it)', async () => {
    // Prepare: a newer release's provision replaces the state machine, then never finishes (the release rolled back).
    const automation = await anAutomation({ name: 'cut short' });
    await allDeployed();
    let cutShort = false;
    events.on(PutRuleCommand, { Name: name(automation.id) }).callsFake(() => {
      cutShort = true;
      return new Promise(() => {});
    });
    void anotherRelease({ runActionFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:run-action-v2' }).onChange({
      detail: { entityType: 'automation', entityId: automation.id },
    });
    await vi.waitFor(() => expect(cutShort).toBe(true));
    events.on(PutRuleCommand).resolves({});
    events.resetHistory();

    // Act: the release deployed before, as CloudFormation's rollback runs it.
    const result = await provisioner().reconcileEvery();

    // Assess
    expect(result.reconciled).toBe(1);
    expect(rulesPut().map((rule) => rule.Name)).toEqual([name(automation.id)]);
  });
});

describe('a change event', () => {
  it('deploys even when nothing the automation is made of changed (a redelivery, a save)', async () => {
    // Prepare
    const automation = await anAutomation({ name: 'redelivered' });
    await allDeployed();

    // Act
    await provisioner().onChange({ detail: { entityType: 'automation', entityId: automation.id } });

    // Assess
    expect(stateMachinesUpdated().map((input) => input.stateMachineArn)).toEqual([expect.stringMatching(`:${name(automation.id)}$`)]);
    expect(rulesPut().map((rule) => rule.Name)).toEqual([name(automation.id)]);
  });
});
