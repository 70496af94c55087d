// shared/aws/teardown.ts: what the teardown custom resource deletes on stack deletion, call by
// call (aws-sdk-client-mock), and what it answers CloudFormation.
import {
  DeleteRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { DeleteStateMachineCommand, ListStateMachinesCommand, SFNClient, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CustomResourceRequest,
  type CustomResourceResponse,
  createTeardownResource,
  tearDownAutomations,
} from '#shared/aws/teardown.ts';

const sfnMock = mockClient(SFNClient);
const eventsMock = mockClient(EventBridgeClient);
const target = { eventBusName: 'stagecraft-prod', namePrefix: 'stagecraft-prod-auto-' };
const machineArn = (name: string) => `arn:aws:states:eu-west-1:123456789012:stateMachine:${name}`;
const stateMachine = (name: string) => ({ name, stateMachineArn: machineArn(name), type: 'STANDARD' as const, creationDate: new Date(0) });

// The mocks replace send on the clients' classes: put it back for the next file in this worker.
afterAll(() => {
  sfnMock.restore();
  eventsMock.restore();
});

beforeEach(() => {
  sfnMock.reset();
  eventsMock.reset();
  eventsMock.on(ListRulesCommand).resolves({ Rules: [] });
  eventsMock.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'start-run', Arn: machineArn('x') }] });
  sfnMock.on(ListStateMachinesCommand).resolves({ stateMachines: [] });
});

const inputsOf = <T>(mock: { commandCalls: (command: never) => Array<{ args: [{ input: T }] }> }, command: unknown): T[] =>
  mock.commandCalls(command as never).map((call) => call.args[0].input);

describe('tearDownAutomations', () => {
  it('lists the rules of the prefix on the bus, page by page', async () => {
    eventsMock
      .on(ListRulesCommand)
      .resolvesOnce({ Rules: [{ Name: 'stagecraft-prod-auto-a' }], NextToken: 'page-2' })
      .resolvesOnce({ Rules: [{ Name: 'stagecraft-prod-auto-b' }] });

    const result = await tearDownAutomations(new SFNClient({}), new EventBridgeClient({}), target);

    expect(inputsOf(eventsMock, ListRulesCommand)).toEqual([
      { EventBusName: 'stagecraft-prod', NamePrefix: 'stagecraft-prod-auto-', NextToken: undefined },
      { EventBusName: 'stagecraft-prod', NamePrefix: 'stagecraft-prod-auto-', NextToken: 'page-2' },
    ]);
    expect(result.rules).toEqual(['stagecraft-prod-auto-a', 'stagecraft-prod-auto-b']);
  });

  it('removes every target of a rule, then deletes the rule', async () => {
    eventsMock.on(ListRulesCommand).resolves({ Rules: [{ Name: 'stagecraft-prod-auto-a' }] });
    eventsMock
      .on(ListTargetsByRuleCommand)
      .resolvesOnce({ Targets: [{ Id: 'start-run', Arn: 'x' }], NextToken: 't2' })
      .resolvesOnce({ Targets: [{ Id: 'other', Arn: 'y' }] });

    await tearDownAutomations(new SFNClient({}), new EventBridgeClient({}), target);

    expect(inputsOf(eventsMock, ListTargetsByRuleCommand)).toEqual([
      { Rule: 'stagecraft-prod-auto-a', EventBusName: 'stagecraft-prod', NextToken: undefined },
      { Rule: 'stagecraft-prod-auto-a', EventBusName: 'stagecraft-prod', NextToken: 't2' },
    ]);
    expect(inputsOf(eventsMock, RemoveTargetsCommand)).toEqual([
      { Rule: 'stagecraft-prod-auto-a', EventBusName: 'stagecraft-prod', Ids: ['start-run', 'other'] },
    ]);
    expect(inputsOf(eventsMock, DeleteRuleCommand)).toEqual([{ Name: 'stagecraft-prod-auto-a', EventBusName: 'stagecraft-prod' }]);
  });

  it('never touches a rule outside the prefix, whatever the listing returns', async () => {
    eventsMock.on(ListRulesCommand).resolves({ Rules: [{ Name: 'stagecraft-prod-EventsProvisionRule' }] });

    await tearDownAutomations(new SFNClient({}), new EventBridgeClient({}), target);

    expect(eventsMock.commandCalls(DeleteRuleCommand)).toEqual([]);
    expect(eventsMock.commandCalls(RemoveTargetsCommand)).toEqual([]);
  });

  it('takes a rule deleted meanwhile as deleted', async () => {
    eventsMock.on(ListRulesCommand).resolves({ Rules: [{ Name: 'stagecraft-prod-auto-a' }, { Name: 'stagecraft-prod-auto-b' }] });
    eventsMock
      .on(DeleteRuleCommand, { Name: 'stagecraft-prod-auto-a' })
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));

    const result = await tearDownAutomations(new SFNClient({}), new EventBridgeClient({}), target);

    expect(result.rules).toHaveLength(2);
    expect(inputsOf(eventsMock, DeleteRuleCommand)).toHaveLength(2);
  });

  it('deletes the state machines of the prefix found on every page, and only those', async () => {
    sfnMock
      .on(ListStateMachinesCommand)
      .resolvesOnce({ stateMachines: [stateMachine('stagecraft-prod-auto-a'), stateMachine('someone-else')], nextToken: 'n2' })
      .resolvesOnce({ stateMachines: [stateMachine('stagecraft-dev-auto-a'), stateMachine('stagecraft-prod-auto-b')] });

    const result = await tearDownAutomations(new SFNClient({}), new EventBridgeClient({}), target);

    expect(inputsOf(sfnMock, ListStateMachinesCommand)).toEqual([
      { nextToken: undefined, maxResults: 1000 },
      { nextToken: 'n2', maxResults: 1000 },
    ]);
    expect(inputsOf(sfnMock, DeleteStateMachineCommand)).toEqual([
      { stateMachineArn: machineArn('stagecraft-prod-auto-a') },
      { stateMachineArn: machineArn('stagecraft-prod-auto-b') },
    ]);
    expect(result.stateMachines).toEqual(['stagecraft-prod-auto-a', 'stagecraft-prod-auto-b']);
  });

  it('takes a state machine deleted meanwhile as deleted, and fails on any other error', async () => {
    sfnMock.on(ListStateMachinesCommand).resolves({ stateMachines: [stateMachine('stagecraft-prod-auto-a')] });
    sfnMock.on(DeleteStateMachineCommand).rejectsOnce(new StateMachineDoesNotExist({ message: 'gone', $metadata: {} })).rejects(new Error('AccessDenied'));

    await expect(tearDownAutomations(new SFNClient({}), new EventBridgeClient({}), target)).resolves.toMatchObject({
      stateMachines: ['stagecraft-prod-auto-a'],
    });
    await expect(tearDownAutomations(new SFNClient({}), new EventBridgeClient({}), target)).rejects.toThrow('AccessDenied');
  });
});

describe('the teardown custom resource', () => {
  const request = (type: CustomResourceRequest['RequestType']): CustomResourceRequest => ({
    RequestType: type,
    ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/signed',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/stagecraft-prod/1',
    RequestId: 'request-1',
    LogicalResourceId: 'AutomationsTeardownResource',
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'automations-teardown:stagecraft-prod:stagecraft-prod-auto-' }),
    ResourceProperties: { ServiceToken: 'arn:fn', EventBusName: 'stagecraft-prod', NamePrefix: 'stagecraft-prod-auto-' },
  });
  const setUp = (tearDown = vi.fn(async () => ({ rules: ['r'], stateMachines: ['a', 'b'] }))) => {
    const responses: Array<{ url: string; response: CustomResourceResponse }> = [];
    const onRequest = createTeardownResource({ tearDown, respond: async (url, response) => void responses.push({ url, response }) });
    return { onRequest, tearDown, responses };
  };

  it.each(['Create', 'Update'] as const)('answers SUCCESS to %s and deletes nothing', async (type) => {
    const { onRequest, tearDown, responses } = setUp();

    await onRequest(request(type));

    expect(tearDown).not.toHaveBeenCalled();
    expect(responses).toEqual([
      {
        url: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/signed',
        response: {
          Status: 'SUCCESS',
          PhysicalResourceId: 'automations-teardown:stagecraft-prod:stagecraft-prod-auto-',
          StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/stagecraft-prod/1',
          RequestId: 'request-1',
          LogicalResourceId: 'AutomationsTeardownResource',
        },
      },
    ]);
  });

  it('tears down the bus and prefix of its properties on Delete, and says how much it deleted', async () => {
    const { onRequest, tearDown, responses } = setUp();

    await onRequest(request('Delete'));

    expect(tearDown).toHaveBeenCalledWith({ eventBusName: 'stagecraft-prod', namePrefix: 'stagecraft-prod-auto-' });
    expect(responses[0]?.response).toMatchObject({ Status: 'SUCCESS', Data: { Rules: '1', StateMachines: '2' } });
  });

  it('answers FAILED with the reason when the teardown fails', async () => {
    const { onRequest, responses } = setUp(vi.fn(async () => Promise.reject(new Error('AccessDenied on DeleteRule'))));

    await onRequest(request('Delete'));

    expect(responses[0]?.response).toMatchObject({ Status: 'FAILED', Reason: 'AccessDenied on DeleteRule' });
  });

  it('answers FAILED before the invocation runs out of time', async () => {
    const { onRequest, responses } = setUp(vi.fn(() => new Promise<never>(() => {})));

    await onRequest(request('Delete'), 15_050);

    expect(responses[0]?.response).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('ran out of time') });
  });
});
