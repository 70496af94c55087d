// The teardown-automations function: the custom resource that, on stack deletion, deletes the
// state machines and rules the provisioner created under the name prefix (shared/aws/teardown.ts).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { awsLogger } from '#shared/aws/config.ts';
import { type CustomResourceRequest, createTeardownResource, respondWithFetch, tearDownAutomations } from '#shared/aws/teardown.ts';

const { powertools, logger } = awsLogger('teardown-automations');
const sfn = new SFNClient({});
const events = new EventBridgeClient({});
const onRequest = createTeardownResource({
  tearDown: (target) => tearDownAutomations(sfn, events, target),
  respond: respondWithFetch,
  logger,
});

export const handler = middy(async (request: CustomResourceRequest, context: Context) => {
  await onRequest(request, context.getRemainingTimeInMillis());
}).use(injectLambdaContext(powertools));
