// Automations as the API serves them: list, one, history, save (create or patch), stop/activate,
// delete, dry run on a record, run now. Keys live under ['automations'] so a save refreshes them all.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AutomationDefinitionInput } from '#shared/automation/definition.ts';
import { ApiError } from '../../../lib/api';
import { keys } from '../../../lib/query';
import type { HistoryEntry, Page } from '../../../lib/records';
import { useApi } from '../../../lib/session';

export interface Automation extends AutomationDefinitionInput {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
  provisioning: 'pending' | 'ready' | 'error';
  provisioningError?: string;
}

/** One step of a dry run, in run order across every branch (shared/engine/runs.ts `dryRun`). */
export interface DryRunAction {
  /** Its state name: `1 · Create lead`, `2 · If big deal`. */
  step: string;
  /** Given when the automation has branches: false for a step on an arm this record would not take. */
  onPath?: boolean;
  /** A branch step: the arm this record takes, and why (`its conditions hold: "then" runs`). */
  branch?: 'then' | 'else';
  why?: string;
  action?: Record<string, unknown>;
  error?: string;
}

export interface DryRun {
  triggerMatches: boolean;
  conditionsHold: boolean;
  reason?: string;
  /** What a dry run cannot check on a stored record and takes as so (an update trigger's field change). */
  assumed?: string[];
  wouldRun: boolean;
  actions: DryRunAction[];
}

export interface StartedRun {
  automationId: string;
  runId: string;
  status: string;
}

export const automationKeys = {
  all: keys.automations,
  list: [...keys.automations, 'list'] as const,
  one: (id: string) => [...keys.automations, 'one', id] as const,
  history: (id: string) => [...keys.automations, 'history', id] as const,
};

/** Every automation (an admin has tens, not thousands): pages followed to the end. */
export function useAutomations() {
  const api = useApi();
  return useQuery({
    queryKey: automationKeys.list,
    queryFn: async () => {
      const all: Automation[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.request<Page<Automation>>('/automations', { query: { limit: 100, cursor } });
        all.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
      return all;
    },
    // Provisioning goes pending → ready within seconds of a save: look again while any is pending.
    refetchInterval: (query) => (query.state.data?.some((automation) => automation.provisioning === 'pending') ? 2_000 : false),
  });
}

export function useAutomation(id: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: automationKeys.one(id ?? ''),
    queryFn: () => api.request<Automation>(`/automations/${encodeURIComponent(id ?? '')}`),
    enabled: id !== undefined,
    refetchInterval: (query) => (query.state.data?.provisioning === 'pending' ? 2_000 : false),
  });
}

/** The automation's history; `available: false` where the API has no history route for automations yet. */
export function useAutomationHistory(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: automationKeys.history(id),
    queryFn: async () => {
      try {
        const page = await api.request<Page<HistoryEntry>>(`/automations/${encodeURIComponent(id)}/history`, { query: { limit: 100 } });
        return { available: true as const, items: page.items };
      } catch (error) {
        if (error instanceof ApiError && error.status === 404 && error.message.startsWith('No route')) return { available: false as const, items: [] };
        throw error;
      }
    },
  });
}

export function useSaveAutomation() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id?: string; version?: number; body: Record<string, unknown> }) =>
      input.id
        ? api.request<Automation>(`/automations/${encodeURIComponent(input.id)}`, {
            method: 'PATCH',
            body: input.body,
            ...(input.version === undefined ? {} : { ifMatch: input.version }),
          })
        : api.request<Automation>('/automations', { method: 'POST', body: input.body }),
    onSuccess: (saved) => {
      client.setQueryData(automationKeys.one(saved.id), saved);
      void client.invalidateQueries({ queryKey: automationKeys.all });
    },
  });
}

/**
 * Active ↔ stopped. Stopping says what happens to waiting runs (`finishPending`), so it is one PATCH
 * of both fields: the same write the stop route makes, with the admin's choice.
 */
export function useSetStatus() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; status: 'active' | 'stopped'; finishPending?: boolean }) =>
      input.status === 'active'
        ? api.request<Automation>(`/automations/${encodeURIComponent(input.id)}/activate`, { method: 'POST' })
        : api.request<Automation>(`/automations/${encodeURIComponent(input.id)}`, {
            method: 'PATCH',
            body: { status: 'stopped', finishPending: input.finishPending ?? false },
          }),
    onSuccess: (saved) => {
      client.setQueryData(automationKeys.one(saved.id), saved);
      void client.invalidateQueries({ queryKey: automationKeys.all });
      void client.invalidateQueries({ queryKey: ['runs'] });
    },
  });
}

export function useDeleteAutomation() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; version?: number }) =>
      api.request<void>(`/automations/${encodeURIComponent(input.id)}`, { method: 'DELETE', ...(input.version === undefined ? {} : { ifMatch: input.version }) }),
    onSuccess: (_, input) => {
      // Gone: not read again (a refetch would only answer 404), the lists are.
      client.removeQueries({ queryKey: automationKeys.one(input.id) });
      void client.invalidateQueries({ queryKey: automationKeys.all });
    },
  });
}

export function useDryRun(automationId: string) {
  const api = useApi();
  return useMutation({
    mutationFn: (target: { entityType: string; entityId: string }) =>
      api.request<DryRun>(`/automations/${encodeURIComponent(automationId)}/test`, { method: 'POST', body: target }),
  });
}

export function useRunNow() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { automationId: string; entityType: string; entityId: string }) =>
      api.request<StartedRun>(`/automations/${encodeURIComponent(input.automationId)}/runs`, {
        method: 'POST',
        body: { entityType: input.entityType, entityId: input.entityId },
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['runs'] }),
  });
}
