// The HTTP API function: API Gateway v2 events in, JSON replies out.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createApp } from '#shared/app.ts';
import { cognitoTokens } from '#shared/aws/cognito-tokens.ts';
import { awsWorkflows, requiredEnv } from '#shared/aws/config.ts';
import { awsCore } from '#shared/aws/core.ts';
import { ENV } from '#shared/aws/env.ts';

const { core, powertools, dynamoClient } = awsCore('api');
// People sign in with Cognito; their ID tokens name the Stagecraft user in `custom:userId`.
const externalTokens = cognitoTokens({ userPoolId: requiredEnv(ENV.userPoolId), clientId: requiredEnv(ENV.userPoolClientId) });
const app = createApp({ ...core, core, dynamoClient, externalTokens, workflows: awsWorkflows() });

export const handler = middy(app.api).use(injectLambdaContext(powertools));
