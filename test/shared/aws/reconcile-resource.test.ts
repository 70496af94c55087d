// Reconcile at deploy (shared/aws/reconcile-resource.ts): the custom resource compiles every stored automation
// again and deploys those that changed, against DynamoDB Local with the real AWS adapters over mocked SDK clients
// (the control-plane calls have no local engine), and always answers CloudFormation, a failed automation recorded
// on its own page.
import { InternalException, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, UpdateStateMachineCommand } from '@aws-sdk/client-sfn';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReconcileResource, isCustomResourceRequest } from '#shared/aws/reconcile-resource.ts';
import type { CustomResourceRequest, CustomResourceResponse } from '#shared/aws/teardown.ts';
import { ulidIds } from '#shared/ids.ts';
import type { Logger } from '#shared/ports.ts';
import { upgradeIndexes } from '#shared/store/index-upgrade.ts';
import { type Store, createStore } from '#shared/store/index.ts';
import { aDefinitionInput } from '#test/shared/automation/factories.ts';
import { AUTOMATION_PREFIX, awsProvisioner, mockedControlPlane } from '#test/support/aws-provisioner.ts';
import { asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock } from '#test/support/table.ts';

const { sfn, events } = mockedControlPlane();
const clock = manualClock();
const logged: Array<{ level: string; message: string }> = [];
const logger: Logger = {
  debug: () => {},
  info: (message) => logged.push({ level: 'info', message }),
  warn: (message) => logged.push({ level: 'warn', message }),
  error: (message) => logged.push({ level: 'error', message }),
};
let store: Store;
let table: Awaited<ReturnType<typeof createTestTable>>;

const prefix = AUTOMATION_PREFIX;

function resource(now = () => clock.now().getTime()) {
  const provisioner = awsProvisioner({ store, clock, logger, tableName: table.tableName });
  const answers: Array<{ url: string; response: CustomResourceResponse }> = [];
  const onRequest = createReconcileResource({
    upgradeIndexes: (options) => upgradeIndexes(store, { ...options, now }),
    reconcileEvery: provisioner.reconcileEvery,
    respond: async (url, response) => void answers.push({ url, response }),
    logger,
    now,
  });
  return { onRequest, answers };
}

const aRequest = (requestType: CustomResourceRequest['RequestType']): CustomResourceRequest => ({
  RequestType: requestType,
  ResponseURL: 'https://cloudformation-custom-resource-response.example/answer',
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/stagecraft-prod/1',
  RequestId: 'request-1',
  LogicalResourceId: 'AutomationsReconcileResource',
  ...(requestType === 'Create' ? {} : { PhysicalResourceId: `automations-reconcile:${prefix}` }),
  ResourceProperties: { NamePrefix: prefix, Code: 'fingerprint' },
});

const ruleNames = () => events.commandCalls(PutRuleCommand).map((call) => call.args[0].input.Name);

beforeAll(async () => {
  table = await createTestTable();
  store = createStore(table, clock, ulidIds());
});

beforeEach(() => {
  logged.length = 0;
});

describe('reconcile at deploy', () => {
  it('compiles every stored automation again, with the patterns this release compiles, and answers SUCCESS with the count', async () => {
    // Prepare
    const first = await store.records.create('automation', aDefinitionInput({ name: 'first' }) as never, asUser('admin'));
    const second = await store.records.create('automation', aDefinitionInput({ name: 'second' }) as never, asUser('admin'));
    const { onRequest, answers } = resource();

    // Act
    const response = await onRequest(aRequest('Update'), 300_000);

    // Assess
    expect(ruleNames().sort()).toEqual([`${prefix}${first.id}`, `${prefix}${second.id}`].sort());
    const pattern = JSON.parse(events.commandCalls(PutRuleCommand)[0]!.args[0].input.EventPattern!);
    expect(pattern.detail.cause.depth).toEqual([{ numeric: ['<', 6] }]);
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `automations-reconcile:${prefix}`,
      Data: { Reconciled: '2', Unchanged: '0', Failed: '0', Unfinished: 'false', IndexesUpgraded: 'true' },
    });
    expect(answers).toEqual([{ url: 'https://cloudformation-custom-resource-response.example/answer', response }]);
    expect(await store.provisioning.get(first.id)).toMatchObject({ status: 'ready', automationVersion: first.version });
  });

  it('goes on past an automation AWS will not deploy, which says so on its page, and still lets the deployment succeed', async () => {
    // Prepare
    const broken = await store.records.create('automation', aDefinitionInput({ name: 'throttled' }) as never, asUser('admin'));
    events.on(PutRuleCommand, { Name: `${prefix}${broken.id}` }).rejects(new InternalException({ message: 'try later', $metadata: {} }));
    const { onRequest } = resource();

    // Act
    const response = await onRequest(aRequest('Update'), 300_000);

    // Assess
    expect(response.Status).toBe('SUCCESS');
    expect(response.Data).toMatchObject({ Failed: '1', Unfinished: 'false' });
    // The automations of the test before are deployed already: the pass goes past them too.
    expect(Number(response.Data?.Reconciled) + Number(response.Data?.Unchanged)).toBeGreaterThanOrEqual(2);
    expect(await store.provisioning.get(broken.id)).toMatchObject({ status: 'error', error: 'deployment failed: InternalException: try later' });
    expect(logged).toContainEqual({ level: 'error', message: 'automation not reconciled at deploy' });
  });

  it('deploys nothing again at a deployment that changes nothing the automations are made of, and counts them unchanged', async () => {
    // Prepare: a first deployment deployed every automation.
    await store.records.create('automation', aDefinitionInput({ name: 'deployed already' }) as never, asUser('admin'));
    const first = await resource().onRequest(aRequest('Update'), 300_000);
    const stored = Number(first.Data?.Reconciled) + Number(first.Data?.Unchanged) + Number(first.Data?.Failed);
    sfn.resetHistory();
    events.resetHistory();
    logged.length = 0;

    // Act: a release whose code changed elsewhere in shared/.
    const response = await resource().onRequest({ ...aRequest('Update'), ResourceProperties: { NamePrefix: prefix, Code: 'another fingerprint' } }, 300_000);

    // Assess
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { Reconciled: '0', Unchanged: String(stored), Failed: '0', Unfinished: 'false' } });
    expect(sfn.commandCalls(UpdateStateMachineCommand)).toEqual([]);
    expect(sfn.commandCalls(CreateStateMachineCommand)).toEqual([]);
    expect(events.commandCalls(PutRuleCommand)).toEqual([]);
    expect(events.commandCalls(PutTargetsCommand)).toEqual([]);
    expect(logged).toContainEqual({ level: 'info', message: 'automation unchanged, not deployed again' });
  });

  it('stops at its deadline, in time to answer, and says it did not finish', async () => {
    // Prepare: the invocation has less time left than the margin kept to answer.
    await store.records.create('automation', aDefinitionInput({ name: 'late' }) as never, asUser('admin'));
    const { onRequest, answers } = resource();

    // Act
    const response = await onRequest(aRequest('Create'), 5_000);

    // Assess
    expect(ruleNames()).toEqual([]);
    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { Reconciled: '0', Unfinished: 'true' } });
    expect(answers).toHaveLength(1);
    expect(logged.some((line) => line.level === 'warn' && line.message.startsWith('reconcile at deploy ran out of time'))).toBe(true);
  });

  it('touches nothing when the stack is deleted (the teardown resource removes the automations)', async () => {
    // Prepare
    const { onRequest } = resource();

    // Act
    const response = await onRequest(aRequest('Delete'), 300_000);

    // Assess
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `automations-reconcile:${prefix}` });
    expect(ruleNames()).toEqual([]);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('is told apart from the automation change events the same function receives', () => {
    expect(isCustomResourceRequest(aRequest('Update'))).toBe(true);
    expect(isCustomResourceRequest({ 'detail-type': 'Automation Updated', detail: { entityType: 'automation', entityId: 'a1' } })).toBe(false);
  });
});
