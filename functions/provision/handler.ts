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
import { ENV } from '#shared/aws/env.ts';

const { core, powertools } = awsCore('provision');
const { partition, region, accountId, namePrefix } = automationEnv();
const provisioner = provisionerOf(core, {
  infra: awsAutomationInfra(new SFNClient({}), new EventBridgeClient({}), {
    partition,
    region,
    accountId,
    namePrefix,
    eventBusName: requiredEnv(ENV.eventBusName),
    executionRoleArn: requiredEnv(ENV.executionRoleArn),
    eventsRoleArn: requiredEnv(ENV.eventsRoleArn),
    deadLetterQueueArn: requiredEnv(ENV.rulesDlqArn),
    tags: { 'stagecraft:stage': requiredEnv(ENV.stage) },
  }),
  workflows: awsWorkflows(),
  runActionFunctionArn: requiredEnv(ENV.runActionFunctionArn),
  maxPatternLength: Number(requiredEnv(ENV.eventPatternMaxLength)),
});

export const handler = middy(provisioner.onChange).use(injectLambdaContext(powertools));
