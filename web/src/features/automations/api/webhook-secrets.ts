// The secrets a webhook step may sign with (admins list them; their values are never served).
import { useQuery } from '@tanstack/react-query';
import type { WebhookSecret } from '#shared/crm/webhook-secrets.ts';
import { keys } from '../../../lib/query';
import { useApi } from '../../../lib/session';

export function useWebhookSecrets() {
  const api = useApi();
  return useQuery({
    queryKey: keys.webhookSecrets,
    queryFn: () => api.request<{ items: WebhookSecret[] }>('/webhook-secrets'),
    select: (page) => page.items,
    staleTime: 30_000,
  });
}
