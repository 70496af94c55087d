// Secrets that sign outgoing webhooks (callWebhook's `secretId`): admins make one, see its value once, and
// give it to the receiver; Stagecraft keeps the value to sign with and never shows it again.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { NotFound } from '#shared/errors.ts';
import type { Clock, Ids } from '#shared/ports.ts';
import type { Store } from '#shared/store/index.ts';
import { actorOf, type Caller, requireAdmin } from './context.ts';
import { parseWith } from '#shared/domain/validation.ts';

export const WebhookSecretInput = z.strictObject({ name: z.string().trim().min(1).max(200) });
/** A secret as listed: never its value. */
export const WebhookSecret = z.object({ secretId: z.string(), name: z.string(), createdAt: z.string(), createdBy: z.string() });
export type WebhookSecret = z.infer<typeof WebhookSecret>;

export function createWebhookSecretService(store: Store, clock: Clock, ids: Ids) {
  async function create(input: unknown, caller: Caller) {
    requireAdmin(caller);
    const { name } = parseWith(WebhookSecretInput, input);
    const secret = { secretId: ids.next(), name, createdAt: clock.now().toISOString(), createdBy: actorOf(caller).id };
    const value = `whsec_${randomBytes(32).toString('base64url')}`;
    await store.webhooks.addSecret({ ...secret, value });
    return { ...secret, secret: value };
  }

  async function list(caller: Caller) {
    requireAdmin(caller);
    return { items: await store.webhooks.listSecrets() };
  }

  async function remove(secretId: string, caller: Caller) {
    requireAdmin(caller);
    if (!(await store.webhooks.removeSecret(secretId))) throw new NotFound('webhook secret', secretId);
  }

  return { create, list, remove };
}

export type WebhookSecretService = ReturnType<typeof createWebhookSecretService>;
