// Webhook signing secrets in the HTTP API (admins): the value is in the creation reply only.
import { z } from 'zod';
import { WebhookSecret, WebhookSecretInput, type WebhookSecretService } from '#shared/crm/webhook-secrets.ts';
import type { Route } from '../router.ts';

export function webhookRoutes(secrets: WebhookSecretService): Route[] {
  const tag = 'webhooks';
  return [
    {
      method: 'POST',
      path: '/webhook-secrets',
      tag,
      summary: 'Make a secret that signs outgoing webhooks (admins); its value is shown in this reply only',
      body: WebhookSecretInput,
      response: WebhookSecret.extend({ secret: z.string() }),
      status: 201,
      handle: async (request) => ({ status: 201, body: await secrets.create(request.body, request.caller) }),
    },
    {
      method: 'GET',
      path: '/webhook-secrets',
      tag,
      summary: 'List webhook secrets (admins), without their values',
      response: z.object({ items: z.array(WebhookSecret) }),
      status: 200,
      handle: async (request) => ({ status: 200, body: await secrets.list(request.caller) }),
    },
    {
      method: 'DELETE',
      path: '/webhook-secrets/{id}',
      tag,
      summary: 'Delete a webhook secret (admins); steps that sign with it fail until changed',
      status: 204,
      handle: async (request) => {
        await secrets.remove(request.params.id!, request.caller);
        return { status: 204 };
      },
    },
  ];
}
