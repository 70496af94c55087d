// One query client: keys per resource, invalidated by the mutation that changed them.
import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx will not heal by asking again; a network blip may.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

export const keys = {
  pipelines: ['pipelines'] as const,
  pipeline: (id: string) => ['pipelines', id] as const,
  users: ['users'] as const,
  records: (collection: string) => [collection] as const,
  recordList: (collection: string, query: Record<string, unknown>) => [collection, 'list', query] as const,
  record: (collection: string, id: string) => [collection, 'one', id] as const,
  history: (collection: string, id: string) => [collection, 'history', id] as const,
  board: (pipelineId: string) => ['deals', 'board', pipelineId] as const,
  automations: ['automations'] as const,
  documentTemplates: ['document-templates'] as const,
  webhookSecrets: ['webhook-secrets'] as const,
  settings: ['settings'] as const,
  exceptions: ['exceptions'] as const,
  integrations: ['integrations'] as const,
  notifications: ['notifications'] as const,
  stats: (from: string, to: string) => ['stats', from, to] as const,
};
