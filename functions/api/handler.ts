// The HTTP API function: API Gateway v2 events in, JSON replies out.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createApp } from '#shared/app.ts';
import { cognitoTokens } from '#shared/aws/cognito-tokens.ts';
import { awsLogger, awsTable, awsWorkflows, requiredEnv } from '#shared/aws/config.ts';
import { ulidIds, systemClock } from '#shared/ids.ts';

const { powertools, logger } = awsLogger('api');
const { table, dynamoClient } = awsTable();
// People sign in with Cognito; their ID tokens name the Stagecraft user in `custom:userId`.
const externalTokens = cognitoTokens({ userPoolId: requiredEnv('USER_POOL_ID'), clientId: requiredEnv('USER_POOL_CLIENT_ID') });
const app = createApp({ table, dynamoClient, clock: systemClock, ids: ulidIds(), logger, externalTokens, workflows: awsWorkflows() });

export const handler = middy(app.api).use(injectLambdaContext(powertools));
