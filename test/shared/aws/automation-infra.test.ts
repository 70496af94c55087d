// The provisioner's AWS calls, asserted on their inputs (no engine for them offline).
import {
  DeleteRuleCommand,
  DisableRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  ListStateMachineVersionsCommand,
  SFNClient,
  StateMachineAlreadyExists,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { awsAutomationInfra } from '#shared/aws/automation-infra.ts';

const sfn = mockClient(SFNClient);
const events = mockClient(EventBridgeClient);
const options = {
  partition: 'aws',
  region: 'eu-west-1',
  accountId: '111122223333',
  namePrefix: 'stagecraft-prod-auto-',
  eventBusName: 'stagecraft-prod',
  executionRoleArn: 'arn:aws:iam::111122223333:role/run',
  eventsRoleArn: 'arn:aws:iam::111122223333:role/start',
  deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:111122223333:rules-dlq',
};
const infra = awsAutomationInfra(new SFNClient({ region: 'eu-west-1' }), new EventBridgeClient({ region: 'eu-west-1' }), options);
const deployment = {
  automationId: '01AUTO',
  definition: { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'arn:aws:lambda:eu-west-1:111122223333:function:run-action' }, End: true } } },
  eventPattern: { source: ['stagecraft.crm'] },
  enabled: true,
};

// The mocks replace send on the clients' classes: put it back for the next file in this worker.
afterAll(() => {
  sfn.restore();
  events.restore();
});

beforeEach(() => {
  sfn.reset();
  events.reset();
  events.on(PutRuleCommand).resolves({});
  events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
  sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [] });
});

describe('deploying an automation', () => {
  it('creates a Standard state machine with the compiled definition, tagged, publishing no version', async () => {
    sfn.on(CreateStateMachineCommand).resolves({ stateMachineArn: 'arn:sm', creationDate: new Date() });

    const result = await infra.deploy(deployment);

    const input = sfn.commandCalls(CreateStateMachineCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ name: 'stagecraft-prod-auto-01AUTO', type: 'STANDARD', roleArn: 'arn:aws:iam::111122223333:role/run' });
    expect(input).not.toHaveProperty('publish');
    expect(JSON.parse(input?.definition ?? '{}').States.A.Parameters.FunctionName).toBe('arn:aws:lambda:eu-west-1:111122223333:function:run-action');
    expect(input?.tags).toContainEqual({ key: 'stagecraft:automation', value: '01AUTO' });
    expect(result.version).toBe('arn:sm');
  });

  it('updates the state machine in place when it exists, publishing no version', async () => {
    sfn.on(CreateStateMachineCommand).rejects(new StateMachineAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(UpdateStateMachineCommand).resolves({ revisionId: 'rev-2', updateDate: new Date() });

    const result = await infra.deploy(deployment);

    const input = sfn.commandCalls(UpdateStateMachineCommand)[0]?.args[0].input;
    expect(input).toEqual({
      stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:stagecraft-prod-auto-01AUTO',
      definition: JSON.stringify(deployment.definition),
      roleArn: 'arn:aws:iam::111122223333:role/run',
    });
    expect(result.version).toBe('arn:aws:states:eu-west-1:111122223333:stateMachine:stagecraft-prod-auto-01AUTO@rev-2');
  });

  it('deletes the versions earlier releases published, so the version quota never blocks an update', async () => {
    sfn.on(CreateStateMachineCommand).rejects(new StateMachineAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(UpdateStateMachineCommand).resolves({ updateDate: new Date() });
    const version = (n: number) => ({ stateMachineVersionArn: `arn:aws:states:eu-west-1:111122223333:stateMachine:stagecraft-prod-auto-01AUTO:${n}`, creationDate: new Date() });
    sfn.on(ListStateMachineVersionsCommand).resolvesOnce({ stateMachineVersions: [version(3), version(2)], nextToken: 'more' }).resolvesOnce({ stateMachineVersions: [version(1)] });
    sfn.on(DeleteStateMachineVersionCommand).resolves({});

    await infra.deploy(deployment);

    expect(sfn.commandCalls(ListStateMachineVersionsCommand).map((call) => call.args[0].input)).toEqual([
      { stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:stagecraft-prod-auto-01AUTO', maxResults: 1000 },
      { stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:stagecraft-prod-auto-01AUTO', maxResults: 1000, nextToken: 'more' },
    ]);
    expect(sfn.commandCalls(DeleteStateMachineVersionCommand).map((call) => call.args[0].input.stateMachineVersionArn)).toEqual([
      version(3).stateMachineVersionArn,
      version(2).stateMachineVersionArn,
      version(1).stateMachineVersionArn,
    ]);
  });

  it('fails the deployment when EventBridge refuses the target', async () => {
    sfn.on(CreateStateMachineCommand).resolves({ stateMachineArn: 'arn:sm', creationDate: new Date() });
    events.on(PutTargetsCommand).resolves({
      FailedEntryCount: 1,
      FailedEntries: [{ TargetId: 'start-run', ErrorCode: 'ConcurrentModificationException', ErrorMessage: 'try again' }],
    });

    await expect(infra.deploy(deployment)).rejects.toThrow('PutTargets refused 1 target(s): start-run: ConcurrentModificationException try again');
  });

  it('builds ARNs in the partition it is given', async () => {
    const china = awsAutomationInfra(new SFNClient({ region: 'cn-north-1' }), new EventBridgeClient({ region: 'cn-north-1' }), {
      ...options,
      partition: 'aws-cn',
      region: 'cn-north-1',
    });
    sfn.on(CreateStateMachineCommand).resolves({ creationDate: new Date() });

    const result = await china.deploy(deployment);

    expect(result.stateMachine).toBe('arn:aws-cn:states:cn-north-1:111122223333:stateMachine:stagecraft-prod-auto-01AUTO');
    expect(events.commandCalls(PutTargetsCommand)[0]?.args[0].input.Targets?.[0]?.Arn).toBe(result.stateMachine);
  });

  it('puts the rule with the compiled pattern and a target with role, retries and a dead-letter queue', async () => {
    sfn.on(CreateStateMachineCommand).resolves({ stateMachineArn: 'arn:sm', creationDate: new Date() });

    await infra.deploy({ ...deployment, enabled: false });

    expect(events.commandCalls(PutRuleCommand)[0]?.args[0].input).toMatchObject({
      Name: 'stagecraft-prod-auto-01AUTO',
      EventBusName: 'stagecraft-prod',
      EventPattern: '{"source":["stagecraft.crm"]}',
      State: 'DISABLED',
    });
    expect(events.commandCalls(PutTargetsCommand)[0]?.args[0].input.Targets).toEqual([
      {
        Id: 'start-run',
        Arn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:stagecraft-prod-auto-01AUTO',
        RoleArn: 'arn:aws:iam::111122223333:role/start',
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:111122223333:rules-dlq' },
      },
    ]);
  });
});

describe('stopping and deleting', () => {
  it('disables the rule of a stopped automation', async () => {
    events.on(DisableRuleCommand).resolves({});

    await infra.setEnabled('01AUTO', false);

    expect(events.commandCalls(DisableRuleCommand)[0]?.args[0].input).toEqual({ Name: 'stagecraft-prod-auto-01AUTO', EventBusName: 'stagecraft-prod' });
  });

  it('does not delete the rule when EventBridge refuses to remove its target', async () => {
    events.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 1, FailedEntries: [{ TargetId: 'start-run', ErrorCode: 'InternalException' }] });
    events.on(DeleteRuleCommand).resolves({});

    await expect(infra.remove('01AUTO')).rejects.toThrow(/RemoveTargets refused 1 target/);
    expect(events.commandCalls(DeleteRuleCommand)).toHaveLength(0);
  });

  it('deletes targets, rule and state machine, and a second delete finds nothing to do', async () => {
    events.on(RemoveTargetsCommand).resolvesOnce({}).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    events.on(DeleteRuleCommand).resolves({});
    sfn.on(DeleteStateMachineCommand).resolves({});

    await infra.remove('01AUTO');
    await infra.remove('01AUTO');

    expect(events.commandCalls(DeleteRuleCommand)).toHaveLength(1);
    expect(sfn.commandCalls(DeleteStateMachineCommand)[0]?.args[0].input.stateMachineArn).toBe(
      'arn:aws:states:eu-west-1:111122223333:stateMachine:stagecraft-prod-auto-01AUTO',
    );
  });
});

describe('the fingerprint of a deployment', () => {
  const withOptions = (overrides: Partial<typeof options> & { tags?: Record<string, string> }) =>
    awsAutomationInfra(new SFNClient({ region: 'eu-west-1' }), new EventBridgeClient({ region: 'eu-west-1' }), { ...options, ...overrides });

  it('is the same for the same deployment with the same settings', () => {
    expect(withOptions({}).fingerprint(structuredClone(deployment))).toBe(infra.fingerprint(deployment));
  });

  it.each([
    ['the compiled definition', { ...deployment, definition: { ...deployment.definition, Comment: 'another release' } }],
    ['the pattern', { ...deployment, eventPattern: { source: ['stagecraft.crm'], 'detail-type': ['Deal Updated'] } }],
    ['a manual trigger', { ...deployment, eventPattern: null }],
    ['the rule switched off', { ...deployment, enabled: false }],
  ])('changes with %s', (_change, changed) => {
    expect(infra.fingerprint(changed)).not.toBe(infra.fingerprint(deployment));
  });

  it.each([
    ['the state machines’ role', { executionRoleArn: 'arn:aws:iam::111122223333:role/run-v2' }],
    ['the rules’ role', { eventsRoleArn: 'arn:aws:iam::111122223333:role/start-v2' }],
    ['the dead-letter queue', { deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:111122223333:rules-dlq-v2' }],
    ['the bus', { eventBusName: 'stagecraft-prod-v2' }],
    ['the names’ prefix', { namePrefix: 'stagecraft-prod-v2-auto-' }],
    ['the tags', { tags: { 'stagecraft:stage': 'prod' } }],
  ])('changes with %s', (_setting, overrides) => {
    expect(withOptions(overrides).fingerprint(deployment)).not.toBe(infra.fingerprint(deployment));
  });
});
