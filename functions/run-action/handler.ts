// The run-action function: every Task of a compiled automation invokes it (plan a wait,
// check conditions, run one action as the Butler). Composed by shared/runtime/run-action.ts,
// as in local mode; only the channels are AWS's.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { requiredEnv } from '#shared/aws/config.ts';
import { awsCore } from '#shared/aws/core.ts';
import { loadedOnFirstSend } from '#shared/aws/lazy-sender.ts';
import { awsRunMetrics } from '#shared/aws/metrics.ts';
import { runActionOf } from '#shared/runtime/run-action.ts';
import { ENV } from '#shared/aws/env.ts';

const { core, powertools } = awsCore('run-action');
const mailFrom = requiredEnv(ENV.mailFrom);
const configurationSetName = process.env[ENV.sesConfigurationSet];
const runAction = runActionOf(core, {
  // SES and SNS are loaded by the first step that sends (docs/ARCHITECTURE.md §12).
  mailer: loadedOnFirstSend(async () => {
    const { SESv2Client, sesMailer } = await import('#shared/aws/mailer.ts');
    return sesMailer(new SESv2Client({}), { from: mailFrom, ...(configurationSetName ? { configurationSetName } : {}) });
  }),
  sms: loadedOnFirstSend(async () => {
    const { SNSClient, snsSms } = await import('#shared/aws/sms.ts');
    return snsSms(new SNSClient({}));
  }),
  linkBase: () => process.env[ENV.documentLinkBase] ?? '',
  // No private, loopback or link-local targets from the function's network.
  allowLoopback: false,
  metrics: awsRunMetrics('run-action').metrics,
});

export const handler = middy(runAction).use(injectLambdaContext(powertools));
