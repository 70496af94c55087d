// The complete-activities function: the target of the system rule on Deal Stage Changed.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { awsCore } from '#shared/aws/core.ts';
import { createCompleteActivities } from '#shared/crm/complete-activities.ts';

const { core, powertools } = awsCore('complete-activities');

export const handler = middy(createCompleteActivities(core)).use(injectLambdaContext(powertools));
