// The board's server state: a page of deals per stage (more on demand), the totals of
// every stage counted over the whole pipeline, and the stage move with If-Match.
import { type InfiniteData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../lib/api';
import { keys } from '../../../lib/query';
import type { Deal, Page } from '../../../lib/records';
import { useApi } from '../../../lib/session';

/** Cards a column shows before "Show more": keeps a 2,000-deal pipeline quick to open. */
export const COLUMN_PAGE = 25;

export const columnKey = (pipelineId: string, stageId: string) => [...keys.board(pipelineId), 'stage', stageId] as const;
export const totalsKey = (pipelineId: string) => [...keys.board(pipelineId), 'totals'] as const;

export function useStageDeals(pipelineId: string, stageId: string) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: columnKey(pipelineId, stageId),
    queryFn: ({ pageParam, signal }) =>
      api.request<Page<Deal>>('/deals', { query: { pipelineId, stageId, limit: COLUMN_PAGE, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.cursor,
  });
}

export interface StageTotal {
  count: number;
  /** Sums per currency; deals without a currency count under "". */
  amounts: Record<string, number>;
}

export function totalsOf(deals: Deal[]): Record<string, StageTotal> {
  const totals: Record<string, StageTotal> = {};
  for (const deal of deals) {
    const total = (totals[deal.stageId] ??= { count: 0, amounts: {} });
    total.count += 1;
    if (typeof deal.amount === 'number') total.amounts[deal.currency ?? ''] = (total.amounts[deal.currency ?? ''] ?? 0) + deal.amount;
  }
  return totals;
}

/** Totals per stage over every deal of the pipeline (pages of 100, after the columns show). */
export function useStageTotals(pipelineId: string) {
  const api = useApi();
  return useQuery({
    queryKey: totalsKey(pipelineId),
    queryFn: async ({ signal }) => {
      const deals: Deal[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.request<Page<Deal>>('/deals', { query: { pipelineId, limit: 100, cursor }, signal });
        deals.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
      return totalsOf(deals);
    },
  });
}

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

type Columns = InfiniteData<Page<Deal>, string | undefined>;

export function useMoveDeal(pipelineId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ deal, toStageId }: MoveInput) =>
      api.request<Deal>(`/deals/${encodeURIComponent(deal.id)}`, { method: 'PATCH', body: { stageId: toStageId }, ifMatch: deal.version }),
    // The card moves at once; a refusal puts it back (and the refetch shows the truth).
    onMutate: async ({ deal, toStageId }) => {
      const from = columnKey(pipelineId, deal.stageId);
      const to = columnKey(pipelineId, toStageId);
      await Promise.all([queryClient.cancelQueries({ queryKey: from }), queryClient.cancelQueries({ queryKey: to })]);
      const previous = { from: queryClient.getQueryData<Columns>(from), to: queryClient.getQueryData<Columns>(to) };
      queryClient.setQueryData<Columns>(from, (data) =>
        data && { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((item) => item.id !== deal.id) })) },
      );
      queryClient.setQueryData<Columns>(to, (data) => {
        if (!data) return data;
        const [first, ...rest] = data.pages;
        return { ...data, pages: [{ ...(first ?? { items: [] }), items: [{ ...deal, stageId: toStageId }, ...(first?.items ?? [])] }, ...rest] };
      });
      return previous;
    },
    onError: (_error, { deal, toStageId }, previous) => {
      queryClient.setQueryData(columnKey(pipelineId, deal.stageId), previous?.from);
      queryClient.setQueryData(columnKey(pipelineId, toStageId), previous?.to);
    },
    onSettled: (_data, _error, { deal }) => {
      void queryClient.invalidateQueries({ queryKey: keys.board(pipelineId) });
      void queryClient.invalidateQueries({ queryKey: keys.record('deals', deal.id) });
      void queryClient.invalidateQueries({ queryKey: keys.history('deals', deal.id) });
    },
  });
}
