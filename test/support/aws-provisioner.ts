// The provisioner as it runs on AWS: the real Step Functions and EventBridge adapters over SDK clients the test
// mocks (aws-sdk-client-mock; the control plane has no local engine), the store over a DynamoDB Local table.
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, ListStateMachineVersionsCommand, SFNClient, UpdateStateMachineCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach } from 'vitest';
import { type AwsAutomationInfraOptions, awsAutomationInfra } from '#shared/aws/automation-infra.ts';
import { sfnWorkflows } from '#shared/aws/workflows.ts';
import { createProvisioner } from '#shared/engine/provision.ts';
import type { Clock, Logger } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';

export const AUTOMATION_PREFIX = 'stagecraft-prod-auto-';
const aws = { partition: 'aws', region: 'eu-west-1', accountId: '111122223333' };

export interface AwsProvisionerOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  tableName: string;
  stopConcurrency?: number;
  /** Another release's settings: what the stack gives the provision function (roles, queue, run-action). */
  infra?: Partial<AwsAutomationInfraOptions>;
  runActionFunctionArn?: string;
}

export function awsProvisioner({ store, clock, logger, tableName, stopConcurrency, infra, runActionFunctionArn }: AwsProvisionerOptions) {
  return createProvisioner({
    store,
    infra: awsAutomationInfra(new SFNClient({ region: aws.region }), new EventBridgeClient({ region: aws.region }), {
      ...aws,
      namePrefix: AUTOMATION_PREFIX,
      eventBusName: 'stagecraft-prod',
      executionRoleArn: 'arn:aws:iam::111122223333:role/run',
      eventsRoleArn: 'arn:aws:iam::111122223333:role/start',
      deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:111122223333:rules-dlq',
      ...infra,
    }),
    workflows: sfnWorkflows(new SFNClient({ region: aws.region }), { ...aws, stateMachinePrefix: AUTOMATION_PREFIX }),
    clock,
    logger,
    bindings: { runActionFunctionArn: runActionFunctionArn ?? 'arn:aws:lambda:eu-west-1:111122223333:function:run-action', tableName },
    ...(stopConcurrency ? { stopConcurrency } : {}),
  });
}

/**
 * Step Functions and EventBridge mocked for a test file (aws-sdk-client-mock): before each test every call succeeds
 * as AWS answers a new automation; a test overrides what it is about. The mocks replace `send` on the clients'
 * classes, so they are put back after the file, for the next file in the worker.
 */
export function mockedControlPlane() {
  const sfn = mockClient(SFNClient);
  const events = mockClient(EventBridgeClient);
  afterAll(() => {
    sfn.restore();
    events.restore();
  });
  beforeEach(() => {
    sfn.reset();
    events.reset();
    sfn.on(CreateStateMachineCommand).resolves({ stateMachineArn: 'arn:sm', creationDate: new Date() });
    sfn.on(UpdateStateMachineCommand).resolves({ updateDate: new Date() });
    sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [] });
    events.on(PutRuleCommand).resolves({});
    events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
    // A manual automation's deployment removes the rule an earlier trigger may have left.
    events.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
  });
  return { sfn, events };
}
