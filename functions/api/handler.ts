// The HTTP API function: API Gateway v2 events in, JSON replies out.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createApp } from '#shared/app.ts';
import { awsLogger, awsTable } from '#shared/aws/config.ts';
import { ulidIds, systemClock } from '#shared/ids.ts';

const { powertools, logger } = awsLogger('api');
const { table, dynamoClient } = awsTable();
const app = createApp({ table, dynamoClient, clock: systemClock, ids: ulidIds(), logger });

export const handler = middy(app.api).use(injectLambdaContext(powertools));
