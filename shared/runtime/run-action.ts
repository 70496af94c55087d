// run-action composed from the core and the runtime's channels: the actions with the guarded mailer and
// SMS (never to an excepted address), tracked document links, and outbound webhooks. The Lambda handler and
// local mode (createRuntime) both build it here; it is a module of its own so the run-action bundle holds
// only what run-action uses.
import { createDocumentLinkService } from '#shared/crm/document-links.ts';
import { createRecordService } from '#shared/crm/records.ts';
import { createActions } from '#shared/engine/actions.ts';
import { createRunAction } from '#shared/engine/run-action.ts';
import { createGuardedMailer } from '#shared/mail/guarded-mailer.ts';
import type { Mailer, RunMetrics, SmsSender } from '#shared/ports.ts';
import { createGuardedSms } from '#shared/sms/guarded-sms.ts';
import { createWebhookSender } from '#shared/webhooks/outbound.ts';
import type { Core } from './core.ts';

export interface RunActionChannels {
  /** SES on AWS, the outbox folder locally. */
  mailer: Mailer;
  /** SNS on AWS, the SMS outbox folder locally. */
  sms: SmsSender;
  /** Where tracked document links point (`<base>/d/<token>`): the API's public address. */
  linkBase: () => string;
  /** Whether webhooks may call this machine: local mode only; no other private address either way. */
  allowLoopback: boolean;
  /** Trigger latency: CloudWatch (EMF) on AWS, a window in memory locally. */
  metrics: RunMetrics;
}

export function runActionOf(core: Core, channels: RunActionChannels) {
  const { store, clock, logger } = core;
  // A user an automation makes responsible was seen to exist at most 10 s ago (docs/local-performance.md).
  const records = createRecordService(store, clock, { userSeenForMs: 10_000 });
  const links = createDocumentLinkService({ store, records, clock, linkBase: channels.linkBase });
  const actions = createActions({
    store,
    records,
    sendMail: createGuardedMailer(channels.mailer, store.exceptions),
    clock,
    sendWebhook: createWebhookSender({ allowLoopback: channels.allowLoopback }),
    documents: { links, sendSms: createGuardedSms(channels.sms, store.exceptions) },
  });
  return createRunAction({ store, actions, clock, logger, metrics: channels.metrics });
}
