// The signed-in person's notifications (from `notify` automation steps). The API keeps no
// read flag, so "unread" is what arrived after the person last opened the inbox, in this browser.
import { useQuery } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import { keys } from '../../../lib/query';
import type { Page } from '../../../lib/records';
import { useApi } from '../../../lib/session';

export interface Notification {
  id: string;
  userId: string;
  message: string;
  at: string;
  from: { automationId?: string; runId?: string };
}

export function useNotifications() {
  const api = useApi();
  return useQuery({
    queryKey: keys.notifications,
    queryFn: () => api.request<Page<Notification>>('/notifications', { query: { limit: 100 } }),
    refetchInterval: 30_000,
  });
}

const SEEN_KEY = 'stagecraft.notifications.seenAt';
const listeners = new Set<() => void>();

export function useSeenAt(): [string, () => void] {
  const seenAt = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => localStorage.getItem(SEEN_KEY) ?? '',
  );
  const markSeen = useCallback(() => {
    localStorage.setItem(SEEN_KEY, new Date().toISOString());
    for (const listener of listeners) listener();
  }, []);
  return [seenAt, markSeen];
}

export function unreadCount(items: Notification[], seenAt: string): number {
  return items.filter((item) => item.at > seenAt).length;
}
