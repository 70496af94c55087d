// The provision function: the target of the system rule on Automation Created/Updated/Deleted, and of the
// custom resource that compiles every automation again on a deployment that changes the compiler
// (shared/aws/reconcile-resource.ts). Composed by shared/runtime/provision.ts, as in local mode; only the
// infrastructure is AWS's.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { awsAutomationInfra } from '#shared/aws/automation-infra.ts';
import { automationEnv, awsWorkflows, requiredEnv } from '#shared/aws/config.ts';
import { createReconcileResource, isCustomResourceRequest } from '#shared/aws/reconcile-resource.ts';
import { respondWithFetch } from '#shared/aws/teardown.ts';
import { awsCore } from '#shared/aws/core.ts';
import { provisionerOf } from '#shared/runtime/provision.ts';
import { upgradeIndexes } from '#shared/store/index-upgrade.ts';
import { ENV } from '#shared/aws/env.ts';

const { core, powertools } = awsCore('provision');
const { partition, region, accountId, namePrefix } = automationEnv();
const provisioner = provisionerOf(core, {
  // Adaptive retries: a deployment's pass recompiles many automations, and the control plane throttles.
  infra: awsAutomationInfra(new SFNClient({ retryMode: 'adaptive', maxAttempts: 8 }), new EventBridgeClient({ retryMode: 'adaptive', maxAttempts: 8 }), {
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

const onDeploy = createReconcileResource({
  upgradeIndexes: (options) => upgradeIndexes(core.store, options),
  reconcileEvery: provisioner.reconcileEvery,
  respond: respondWithFetch,
  logger: core.logger,
});

export const handler = middy(async (event: unknown, context: Context) => {
  if (isCustomResourceRequest(event)) {
    await onDeploy(event, context.getRemainingTimeInMillis());
    return;
  }
  await provisioner.onChange(event as Parameters<typeof provisioner.onChange>[0]);
}).use(injectLambdaContext(powertools));
