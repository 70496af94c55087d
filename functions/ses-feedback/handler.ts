// The ses-feedback function: SES bounces and complaints (via SNS) onto the exceptions list.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { awsLogger, awsTable } from '#shared/aws/config.ts';
import { createSesFeedback } from '#shared/mail/feedback.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import { createExceptions } from '#shared/store/exceptions.ts';

const { powertools, logger } = awsLogger('ses-feedback');
const { table } = awsTable();

export const handler = middy(createSesFeedback({ exceptions: createExceptions(table, systemClock, ulidIds(systemClock)), logger })).use(injectLambdaContext(powertools));
