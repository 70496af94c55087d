// Integrations in the HTTP API (admins): each holds an API key, shown once when it is made.
import { z } from 'zod';
import type { WorkspaceService } from '#shared/crm/workspace.ts';
import type { Route } from '../router.ts';
import { ok } from './shapes.ts';

const IntegrationInput = z.strictObject({ name: z.string().trim().min(1).max(200) });

export function integrationRoutes(workspace: WorkspaceService): Route[] {
  const Integration = z.object({ integrationId: z.string(), name: z.string(), createdAt: z.string(), createdBy: z.string() });
  return [
    {
      method: 'GET',
      path: '/integrations',
      tag: 'integrations',
      summary: 'Integrations holding API keys (admins); keys are never shown again',
      response: z.object({ items: z.array(Integration) }),
      status: 200,
      handle: async (request) => ok({ items: await workspace.listIntegrations(request.caller) }),
    },
    {
      method: 'POST',
      path: '/integrations',
      tag: 'integrations',
      summary: 'Create an integration and its API key (admins); the key is in this response only',
      body: IntegrationInput,
      response: Integration.extend({ key: z.string() }),
      status: 201,
      handle: async (request) => ok(await workspace.createIntegration(request.body, request.caller), 201),
    },
    {
      method: 'DELETE',
      path: '/integrations/{id}',
      tag: 'integrations',
      summary: 'Revoke an integration’s API key (admins)',
      status: 204,
      handle: async (request) => {
        await workspace.removeIntegration(request.params.id!, request.caller);
        return { status: 204 };
      },
    },
  ];
}
