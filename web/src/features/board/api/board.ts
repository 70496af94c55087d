// The board's server state: the board in one request (the pipeline, each stage's first page, its
// contacts' names), further pages per stage on demand, the totals of every stage counted by the
// server — all under the board's filters (responsible person, text) — and the stage move with If-Match.
import { type QueryKey, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../lib/api';
import { keys } from '../../../lib/query';
import { type BoardFilters, COLUMN_FRESH_MS, type ColumnPages, FIRST_COLUMN_PAGE, boardSnapshotOptions, columnPrefix, columnKey, filterQuery, totalsKey } from './snapshot';
import type { Deal, Page } from '../../../lib/records';
import { useApi } from '../../../lib/session';

/** "Show more" loads pages of this many. */
export const COLUMN_PAGE = 50;

export { type BoardFilters, type BoardSnapshot, FIRST_COLUMN_PAGE, columnKey, columnPrefix, filterQuery, totalsKey } from './snapshot';

export function useBoardSnapshot(pipelineId: string, filters: BoardFilters) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useQuery({ ...boardSnapshotOptions(api, queryClient, pipelineId, filters), placeholderData: (previous) => previous });
}

/** A stage's deals; `enabled` once the board request filled its first page (or failed). */
export function useStageDeals(pipelineId: string, stageId: string, filters: BoardFilters, enabled = true) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: columnKey(pipelineId, stageId, filters),
    enabled,
    staleTime: COLUMN_FRESH_MS,
    queryFn: ({ pageParam, signal }) =>
      api.request<Page<Deal>>('/deals', { query: { pipelineId, stageId, ...filterQuery(filters), limit: pageParam ? COLUMN_PAGE : FIRST_COLUMN_PAGE, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.cursor,
    // A new filter keeps the cards shown until its first page arrives, so the board does not flash.
    placeholderData: (previous) => previous,
  });
}

export interface StageTotal {
  count: number;
  /** Sums per currency; deals without a currency count under "". */
  amounts: Record<string, number>;
}

/** Totals per stage over every deal of the pipeline that passes the filters, counted by the server. */
export function useStageTotals(pipelineId: string, filters: BoardFilters, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: totalsKey(pipelineId, filters),
    enabled,
    queryFn: async ({ signal }) =>
      (
        await api.request<{ stages: Record<string, StageTotal> }>(`/pipelines/${encodeURIComponent(pipelineId)}/totals`, {
          query: filterQuery(filters),
          signal,
        })
      ).stages,
    placeholderData: (previous) => previous,
  });
}

/** How long after a move its runs have usually started or stopped waiting (stream, bus, runner). */
const WAITING_SETTLES_MS = 1_500;

export function useWaitingRuns(automationId: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...keys.automations, automationId, 'runs', 'WAITING'],
    queryFn: () => api.request<Page<unknown>>(`/automations/${encodeURIComponent(automationId)}/runs`, { query: { status: 'WAITING', limit: 100 } }),
    select: (page) => ({ count: page.items.length, more: Boolean(page.cursor) }),
    staleTime: 15_000,
  });
}

export interface MoveInput {
  deal: Deal;
  toStageId: string;
}

/** Why a move was refused, in words for the card. */
export function moveRefusal(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 412) return 'Someone changed this deal meanwhile: the card shows it as it is now. Move it again if you still want to.';
    if (error.code === 'CONTACT_EXCEPTED') return `Not moved: ${error.message}`;
    return `Not moved: ${error.message}`;
  }
  return `Not moved: ${error instanceof Error ? error.message : String(error)}`;
}


/** Stage totals with `deal` counted in `toStageId` instead of its stage: what the server will count after the move. */
export function shiftTotals(totals: Record<string, StageTotal>, deal: Deal, toStageId: string): Record<string, StageTotal> {
  const currency = deal.currency ?? '';
  const amount = typeof deal.amount === 'number' ? deal.amount : undefined;
  const change = (total: StageTotal | undefined, sign: 1 | -1): StageTotal => {
    const amounts = { ...(total?.amounts ?? {}) };
    if (amount !== undefined) amounts[currency] = (amounts[currency] ?? 0) + sign * amount;
    return { count: Math.max(0, (total?.count ?? 0) + sign), amounts };
  };
  return { ...totals, [deal.stageId]: change(totals[deal.stageId], -1), [toStageId]: change(totals[toStageId], 1) };
}

export function useMoveDeal(pipelineId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ deal, toStageId }: MoveInput) =>
      api.request<Deal>(`/deals/${encodeURIComponent(deal.id)}`, { method: 'PATCH', body: { stageId: toStageId }, ifMatch: deal.version }),
    // The card moves at once; a refusal puts it back (and the refetch shows the truth).
    onMutate: async ({ deal, toStageId }) => {
      const from = columnPrefix(pipelineId, deal.stageId);
      const to = columnPrefix(pipelineId, toStageId);
      await Promise.all([queryClient.cancelQueries({ queryKey: from }), queryClient.cancelQueries({ queryKey: to })]);
      const totals = [...keys.board(pipelineId), 'totals'];
      await queryClient.cancelQueries({ queryKey: totals });
      const previous: [QueryKey, unknown][] = [
        ...queryClient.getQueriesData<ColumnPages>({ queryKey: from }),
        ...queryClient.getQueriesData<ColumnPages>({ queryKey: to }),
        ...queryClient.getQueriesData<Record<string, StageTotal>>({ queryKey: totals }),
      ];
      // The counts move with the card, under each filter whose column shows it (the others are refetched).
      for (const [key, data] of queryClient.getQueriesData<Record<string, StageTotal>>({ queryKey: totals })) {
        const column = queryClient.getQueryData<ColumnPages>([...from, key.at(-1)]);
        if (data && column?.pages.some((page) => page.items.some((item) => item.id === deal.id))) queryClient.setQueryData(key, shiftTotals(data, deal, toStageId));
      }
      queryClient.setQueriesData<ColumnPages>({ queryKey: from }, (data) =>
        data && { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((item) => item.id !== deal.id) })) },
      );
      queryClient.setQueriesData<ColumnPages>({ queryKey: to }, (data) => {
        if (!data) return data;
        const [first, ...rest] = data.pages;
        return { ...data, pages: [{ ...(first ?? { items: [] }), items: [{ ...deal, stageId: toStageId }, ...(first?.items ?? [])] }, ...rest] };
      });
      return previous;
    },
    onError: (_error, _move, previous) => {
      for (const [key, data] of previous ?? []) queryClient.setQueryData(key, data);
    },
    onSettled: (_data, _error, { deal }) => {
      void queryClient.invalidateQueries({ queryKey: keys.board(pipelineId) });
      void queryClient.invalidateQueries({ queryKey: keys.record('deals', deal.id) });
      void queryClient.invalidateQueries({ queryKey: keys.history('deals', deal.id) });
      // A move can start or end a waiting run, from the event it writes: a moment after the answer, not with it.
      const waiting = { predicate: (query: { queryKey: readonly unknown[] }) => query.queryKey[0] === keys.automations[0] && query.queryKey.at(-1) === 'WAITING' };
      void queryClient.invalidateQueries(waiting);
      setTimeout(() => void queryClient.invalidateQueries(waiting), WAITING_SETTLES_MS);
    },
  });
}
