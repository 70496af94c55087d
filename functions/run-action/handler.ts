// The run-action function: every Task of a compiled automation invokes it (plan a wait,
// check conditions, run one action as the Butler). Composed by shared/runtime/run-action.ts,
// as in local mode; only the channels are AWS's.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { requiredEnv } from '#shared/aws/config.ts';
import { awsCore } from '#shared/aws/core.ts';
import { sesMailer } from '#shared/aws/mailer.ts';
import { awsRunMetrics } from '#shared/aws/metrics.ts';
import { snsSms } from '#shared/aws/sms.ts';
import { runActionOf } from '#shared/runtime/run-action.ts';
import { ENV } from '#shared/aws/env.ts';

const { core, powertools } = awsCore('run-action');
const runAction = runActionOf(core, {
  mailer: sesMailer(new SESv2Client({}), {
    from: requiredEnv(ENV.mailFrom),
    ...(process.env[ENV.sesConfigurationSet] ? { configurationSetName: process.env[ENV.sesConfigurationSet] } : {}),
  }),
  sms: snsSms(new SNSClient({})),
  linkBase: () => process.env[ENV.documentLinkBase] ?? '',
  // No private, loopback or link-local targets from the function's network.
  allowLoopback: false,
  metrics: awsRunMetrics('run-action').metrics,
});

export const handler = middy(runAction).use(injectLambdaContext(powertools));
