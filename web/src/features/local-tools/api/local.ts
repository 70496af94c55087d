// Local mode's own routes: the movable clock, the outbox, the latest events on the bus with the rules each matched.
// On AWS these routes do not exist: `useLocalMode` says so from the 404.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../lib/api';
import { useApi } from '../../../lib/session';

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

export const localKeys = {
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
