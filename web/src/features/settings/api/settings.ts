// Settings' server state: the Butler and users, integrations, the exceptions list, pipelines.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { keys } from '../../../lib/query';
import type { Actor, Page, Pipeline, User } from '../../../lib/records';
import { useApi } from '../../../lib/session';

export interface Integration {
  integrationId: string;
  name: string;
  createdAt: string;
  createdBy: string;
}

export interface ExceptionEntry {
  value: string;
  kind: 'email' | 'phone';
  reason?: string;
  addedAt: string;
  addedBy: Actor;
}

/** Any write from settings: refreshes what it names. */
export function useSettingsWrite(invalidate: ReadonlyArray<readonly unknown[]>) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: { path: string; method: 'POST' | 'PATCH' | 'DELETE'; body?: unknown; ifMatch?: number; idempotencyKey?: string }) =>
      api.request<unknown>(request.path, {
        method: request.method,
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch }),
        ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
      }),
    onSettled: () => {
      for (const key of invalidate) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
}

export function useButler() {
  const api = useApi();
  return useQuery({ queryKey: [...keys.users, 'butler'], queryFn: () => api.request<User>('/users/butler') });
}

export function useIntegrations() {
  const api = useApi();
  return useQuery({ queryKey: keys.integrations, queryFn: () => api.request<{ items: Integration[] }>('/integrations') });
}

export function useExceptions(cursor: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: [...keys.exceptions, cursor ?? ''],
    queryFn: () => api.request<Page<ExceptionEntry>>('/exceptions', { query: { limit: 50, cursor } }),
  });
}

export function usePipelineList() {
  const api = useApi();
  return useQuery({ queryKey: keys.pipelines, queryFn: () => api.request<Page<Pipeline>>('/pipelines') });
}
