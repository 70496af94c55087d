// Writes per person in a date range, the Butler counted apart.
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../lib/query';
import { useApi } from '../../../lib/session';

export interface Figures {
  created: number;
  updated: number;
  deleted: number;
  stageChanges: number;
}

export interface ActivityStats {
  from: string;
  to: string;
  humans: Array<Figures & { userId: string; name: string }>;
  butler: Figures;
}

export function useActivityStats(from: string, to: string) {
  const api = useApi();
  return useQuery({
    queryKey: keys.stats(from, to),
    queryFn: ({ signal }) => api.request<ActivityStats>('/stats/activity', { query: { from, to }, signal }),
    enabled: Boolean(from && to),
  });
}

export const totalOf = (figures: Figures) => figures.created + figures.updated + figures.deleted + figures.stageChanges;

/** A day range in the person's time zone → the API's [from, to) instants. */
export function rangeOf(fromDay: string, toDay: string): { from: string; to: string } {
  const from = new Date(`${fromDay}T00:00:00`);
  const to = new Date(`${toDay}T00:00:00`);
  to.setDate(to.getDate() + 1);
  return { from: from.toISOString(), to: to.toISOString() };
}
