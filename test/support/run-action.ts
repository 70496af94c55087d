// run-action as the Lambda and local mode build it, over a test app's store: its actions mail into nothing (each
// mail "sent") and webhooks may call loopback receivers.
import { createActions } from '#shared/engine/actions.ts';
import { createRunAction } from '#shared/engine/run-action.ts';
import { createWebhookSender } from '#shared/webhooks/outbound.ts';
import type { TestApp } from './app.ts';
import { silentLogger } from './table.ts';

export function runActionOf(t: TestApp): ReturnType<typeof createRunAction> {
  const actions = createActions({
    store: t.app.store,
    records: t.app.records,
    sendMail: async (mail) => ({ sent: true, to: mail.to, messageId: 'm1' }),
    clock: t.clock,
    sendWebhook: createWebhookSender({ allowLoopback: true }),
  });
  return createRunAction({ store: t.app.store, actions, clock: t.clock, logger: silentLogger, metrics: { runEnrolled: () => {} } });
}
