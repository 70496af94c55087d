// The complete-activities function: the target of the system rule on Deal Stage Changed.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { awsLogger, awsTable } from '#shared/aws/config.ts';
import { createCompleteActivities } from '#shared/crm/complete-activities.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import { createStore } from '#shared/store/index.ts';

const { powertools, logger } = awsLogger('complete-activities');
const { table } = awsTable();
const store = createStore(table, systemClock, ulidIds());

export const handler = middy(createCompleteActivities({ store, logger })).use(injectLambdaContext(powertools));
