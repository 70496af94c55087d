// The secrets a webhook step may sign with (admins list them; their values are never served), and which
// automations sign with each.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { Step } from '#shared/automation/definition.ts';
import { actionsOf } from '#shared/automation/definition-model.ts';
import type { WebhookSecret } from '#shared/crm/webhook-secrets.ts';
import { keys } from '../../../lib/query';
import { useApi } from '../../../lib/session';
import { type Automation, useAutomations } from './automations';

export function useWebhookSecrets() {
  const api = useApi();
  return useQuery({
    queryKey: keys.webhookSecrets,
    queryFn: () => api.request<{ items: WebhookSecret[] }>('/webhook-secrets'),
    select: (page) => page.items,
    staleTime: 30_000,
  });
}

/** The automations with a webhook step signing with each secret, by secret id (each automation once). */
export function signersBySecret(automations: readonly Automation[]): Map<string, Automation[]> {
  const signers = new Map<string, Automation[]>();
  for (const automation of automations) {
    // The API serves definitions as validated when saved: their steps have the schema's shape.
    const secretIds = new Set(actionsOf(automation.actions as Step[]).flatMap(({ action }) => (action.type === 'callWebhook' && action.secretId ? [action.secretId] : [])));
    for (const secretId of secretIds) signers.set(secretId, [...(signers.get(secretId) ?? []), automation]);
  }
  return signers;
}

/** Which automations sign with each secret; undefined until the automations are read (or when they cannot be). */
export function useWebhookSecretSigners(): Map<string, Automation[]> | undefined {
  const automations = useAutomations();
  return useMemo(() => (automations.data ? signersBySecret(automations.data) : undefined), [automations.data]);
}
