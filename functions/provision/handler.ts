// The provision function: the target of the system rule on Automation Created/Updated/Deleted.
// Composed by shared/runtime/provision.ts, as in local mode; only the infrastructure is AWS's.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { awsAutomationInfra } from '#shared/aws/automation-infra.ts';
import { automationEnv, awsWorkflows, requiredEnv } from '#shared/aws/config.ts';
import { awsCore } from '#shared/aws/core.ts';
import { provisionerOf } from '#shared/runtime/provision.ts';

const { core, powertools } = awsCore('provision');
const { partition, region, accountId, namePrefix } = automationEnv();
const provisioner = provisionerOf(core, {
  infra: awsAutomationInfra(new SFNClient({}), new EventBridgeClient({}), {
    partition,
    region,
    accountId,
    namePrefix,
    eventBusName: requiredEnv('EVENT_BUS_NAME'),
    executionRoleArn: requiredEnv('EXECUTION_ROLE_ARN'),
    eventsRoleArn: requiredEnv('EVENTS_ROLE_ARN'),
    deadLetterQueueArn: requiredEnv('RULES_DLQ_ARN'),
    tags: { 'stagecraft:stage': requiredEnv('STAGE') },
  }),
  workflows: awsWorkflows(),
  runActionFunctionArn: requiredEnv('RUN_ACTION_FUNCTION_ARN'),
  maxPatternLength: Number(requiredEnv('EVENT_PATTERN_MAX_LENGTH')),
});

export const handler = middy(provisioner.onChange).use(injectLambdaContext(powertools));
