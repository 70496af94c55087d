// The provisioner as it runs on AWS: the real Step Functions and EventBridge adapters over SDK clients the test
// mocks (aws-sdk-client-mock; the control plane has no local engine), the store over a DynamoDB Local table.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { awsAutomationInfra } from '#shared/aws/automation-infra.ts';
import { sfnWorkflows } from '#shared/aws/workflows.ts';
import { createProvisioner } from '#shared/engine/provision.ts';
import type { Clock, Logger } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';

export const AUTOMATION_PREFIX = 'stagecraft-prod-auto-';
const aws = { partition: 'aws', region: 'eu-west-1', accountId: '111122223333' };

export function awsProvisioner({ store, clock, logger, tableName, stopConcurrency }: { store: Store; clock: Clock; logger: Logger; tableName: string; stopConcurrency?: number }) {
  return createProvisioner({
    store,
    infra: awsAutomationInfra(new SFNClient({ region: aws.region }), new EventBridgeClient({ region: aws.region }), {
      ...aws,
      namePrefix: AUTOMATION_PREFIX,
      eventBusName: 'stagecraft-prod',
      executionRoleArn: 'arn:aws:iam::111122223333:role/run',
      eventsRoleArn: 'arn:aws:iam::111122223333:role/start',
      deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:111122223333:rules-dlq',
    }),
    workflows: sfnWorkflows(new SFNClient({ region: aws.region }), { ...aws, stateMachinePrefix: AUTOMATION_PREFIX }),
    clock,
    logger,
    bindings: { runActionFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:run-action', tableName },
    ...(stopConcurrency ? { stopConcurrency } : {}),
  });
}
