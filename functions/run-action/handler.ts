// The run-action function: every Task of a compiled automation invokes it (plan a wait,
// check conditions, run one action as the Butler).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { awsLogger, awsTable, requiredEnv } from '#shared/aws/config.ts';
import { sesMailer } from '#shared/aws/mailer.ts';
import { awsRunMetrics } from '#shared/aws/metrics.ts';
import { snsSms } from '#shared/aws/sms.ts';
import { createDocumentLinkService } from '#shared/crm/document-links.ts';
import { createRecordService } from '#shared/crm/records.ts';
import { createActions } from '#shared/engine/actions.ts';
import { createRunAction } from '#shared/engine/run-action.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import { createGuardedMailer } from '#shared/mail/guarded-mailer.ts';
import { createGuardedSms } from '#shared/sms/guarded-sms.ts';
import { createStore } from '#shared/store/index.ts';
import { createWebhookSender } from '#shared/webhooks/outbound.ts';

const { powertools, logger } = awsLogger('run-action');
const { table } = awsTable();
const { metrics } = awsRunMetrics('run-action');
const store = createStore(table, systemClock, ulidIds());
const mailer = sesMailer(new SESv2Client({}), {
  from: requiredEnv('MAIL_FROM'),
  ...(process.env.SES_CONFIGURATION_SET ? { configurationSetName: process.env.SES_CONFIGURATION_SET } : {}),
});
const records = createRecordService(store, systemClock);
const links = createDocumentLinkService({ store, records, clock: systemClock, linkBase: () => process.env.DOCUMENT_LINK_BASE ?? '' });
const actions = createActions({
  store,
  records,
  sendMail: createGuardedMailer(mailer, store.exceptions),
  clock: systemClock,
  // No private, loopback or link-local targets from the function's network.
  sendWebhook: createWebhookSender({ allowLoopback: false }),
  documents: { links, sendSms: createGuardedSms(snsSms(new SNSClient({})), store.exceptions) },
});

export const handler = middy(createRunAction({ store, actions, clock: systemClock, logger, metrics })).use(injectLambdaContext(powertools));
