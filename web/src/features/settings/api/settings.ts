// Settings' server state: the Butler and its activation, users, integrations, the exceptions list, pipelines,
// document templates and their previews.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { SettingsView } from '#shared/crm/settings.ts';
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

/** GET /settings (admins): the Butler's activation with its switches, the default country. */
export type WorkspaceSettings = z.output<typeof SettingsView>;

export function useWorkspaceSettings() {
  const api = useApi();
  return useQuery({ queryKey: keys.settings, queryFn: () => api.request<WorkspaceSettings>('/settings') });
}

/** Records a template can be previewed on, newest first. */
export function usePreviewRecords(collection: 'deals' | 'leads' | 'contacts' | 'companies') {
  const api = useApi();
  return useQuery({
    queryKey: keys.recordList(collection, { limit: 50 }),
    queryFn: () => api.request<Page<{ id: string; title?: string; name?: string }>>(`/${collection}`, { query: { limit: 50 } }),
  });
}

/** What a template renders to for one record, escaped as the link's page shows it; `body` previews an unsaved edit. */
export function useTemplatePreview() {
  const api = useApi();
  return useMutation({
    mutationFn: ({ templateId, ...input }: { templateId: string; entityType: string; entityId: string; body?: string }) =>
      api.request<{ title: string; body: string }>(`/document-templates/${encodeURIComponent(templateId)}/preview`, { method: 'POST', body: input }),
  });
}
