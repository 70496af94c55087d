// The publish-changes function: the table's stream in, CRM events on the bus out; the
// reply names the records Lambda must deliver again (ReportBatchItemFailures).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import { awsLogger, requiredEnv } from '#shared/aws/config.ts';
import { createEventBridgeBus } from '#shared/aws/event-bus.ts';
import { createPublishChanges } from '#shared/events/publish.ts';
import { ENV } from '#shared/aws/env.ts';

const { powertools, logger } = awsLogger('publish-changes');
const bus = createEventBridgeBus({ client: new EventBridgeClient({}), busName: requiredEnv(ENV.eventBusName) });

export const handler = middy(createPublishChanges({ bus, logger })).use(injectLambdaContext(powertools));
