// The provision function: the target of the system rule on Automation Created/Updated/Deleted.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { awsAutomationInfra } from '#shared/aws/automation-infra.ts';
import { automationEnv, awsLogger, awsTable, awsWorkflows, requiredEnv } from '#shared/aws/config.ts';
import { createProvisioner } from '#shared/engine/provision.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import { createStore } from '#shared/store/index.ts';

const { powertools, logger } = awsLogger('provision');
const { table } = awsTable();
const store = createStore(table, systemClock, ulidIds());
const { partition, region, accountId, namePrefix } = automationEnv();
const infra = awsAutomationInfra(new SFNClient({}), new EventBridgeClient({}), {
  partition,
  region,
  accountId,
  namePrefix,
  eventBusName: requiredEnv('EVENT_BUS_NAME'),
  executionRoleArn: requiredEnv('EXECUTION_ROLE_ARN'),
  eventsRoleArn: requiredEnv('EVENTS_ROLE_ARN'),
  deadLetterQueueArn: requiredEnv('RULES_DLQ_ARN'),
  tags: { 'stagecraft:stage': requiredEnv('STAGE') },
});
const provisioner = createProvisioner({
  store,
  infra,
  workflows: awsWorkflows(),
  clock: systemClock,
  logger,
  bindings: { runActionFunctionArn: requiredEnv('RUN_ACTION_FUNCTION_ARN'), tableName: table.tableName },
  maxPatternLength: Number(requiredEnv('EVENT_PATTERN_MAX_LENGTH')),
});

export const handler = middy(provisioner.onChange).use(injectLambdaContext(powertools));
