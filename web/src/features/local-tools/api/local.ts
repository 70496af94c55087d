// Local mode's own routes: the movable clock, the outbox, the latest events on the bus with the rules each matched.
// On AWS these routes do not exist: `useLocalMode` says so from the 404.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../lib/api';
import { useApi } from '../../../lib/session';
import { workspaceNowKey } from '../../../lib/workspace-clock';

export interface LocalClock {
  now: string;
  offsetMs: number;
}

export interface OutboxMail {
  file: string;
  to?: string;
  subject?: string;
  date?: string;
  text: string;
  /** The HTML part, when the mail has one (multipart/alternative). */
  html?: string;
}

export interface BusEvent {
  id: string;
  'detail-type': string;
  time: string;
  detail: {
    entityType?: string;
    entityId?: string;
    actor?: { kind: string; id: string; via?: Record<string, string> };
    cause?: { automationId: string; depth: number };
    changedFields?: string[];
    [key: string]: unknown;
  };
  receivedAt: string;
  matchedRules: string[];
  deliveries: Array<{ rule: string; status: string; attempts: number; error?: string }>;
}

/** GET /local/status: how far local mode is behind its writes, and whether it refuses writes for now. */
export interface LocalStatus {
  stream: { lagMs: number; parkedBatches: number };
  executions: { running: number; queued: number; waiting: number };
  triggerLatency: { count: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null };
  backpressure: { maxLagMs: number | null; shedding: boolean; rejectedWrites: number };
}

export const localKeys = {
  status: ['local', 'status'] as const,
  clock: ['local', 'clock'] as const,
  outbox: ['local', 'outbox'] as const,
  events: ['local', 'events'] as const,
};

export function useLocalClock() {
  const api = useApi();
  return useQuery({
    queryKey: localKeys.clock,
    queryFn: async (): Promise<LocalClock | null> => {
      try {
        return await api.request<LocalClock>('/local/clock');
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

export function useAdvanceClock() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (advance: string) => api.request<LocalClock>('/local/clock', { method: 'POST', body: { advance } }),
    onSuccess: (clock) => {
      client.setQueryData(localKeys.clock, clock);
      // Due waits fire at once: runs, records and the bus change.
      void client.invalidateQueries({ queryKey: ['runs'] });
      void client.invalidateQueries({ queryKey: workspaceNowKey });
      void client.invalidateQueries({ queryKey: localKeys.events });
      void client.invalidateQueries({ queryKey: localKeys.outbox });
    },
  });
}

export function useOutbox() {
  const api = useApi();
  return useQuery({ queryKey: localKeys.outbox, queryFn: () => api.request<{ items: OutboxMail[] }>('/local/outbox', { query: { limit: 50 } }), refetchInterval: 5_000 });
}

export function useBusEvents(limit = 50) {
  const api = useApi();
  return useQuery({
    queryKey: [...localKeys.events, limit],
    queryFn: () => api.request<{ items: BusEvent[] }>('/local/events', { query: { limit } }),
    refetchInterval: 3_000,
  });
}

/** Refreshed every 2 s while shown: the backlog moves by the second under load. */
export function useLocalStatus() {
  const api = useApi();
  return useQuery({ queryKey: localKeys.status, queryFn: () => api.request<LocalStatus>('/local/status'), refetchInterval: 2_000 });
}
