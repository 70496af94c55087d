// The board request (GET /pipelines/{id}/board) and the keys of the columns it fills: light, so the app's
// main chunk can start the request while the board's own chunk is still loading (prefetch.ts).
import { type InfiniteData, type QueryClient, queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api';
import { keys } from '../../../lib/query';
import type { Deal, Page, Pipeline } from '../../../lib/records';

/**
 * Cards a column shows first: a screen shows fewer, and every card rendered costs the first paint of
 * a 2,000-deal board (bench: `npm run bench`). "Show more" then loads further pages.
 */
export const FIRST_COLUMN_PAGE = 20;

export type ColumnPages = InfiniteData<Page<Deal>, string | undefined>;

/** What the board is narrowed to; the server filters (GET /deals and /pipelines/{id}/totals). */
export interface BoardFilters {
  /** Text in the title or the contact's name; "" for none. */
  q: string;
  /** A user id; "" for anyone. */
  responsibleId: string;
}

/** The query parameters of the filters that are set. */
export function filterQuery(filters: BoardFilters): Record<string, string> {
  const q = filters.q.trim();
  return { ...(q ? { q } : {}), ...(filters.responsibleId ? { responsibleId: filters.responsibleId } : {}) };
}

/** A column's cache entries start with this, whatever the filters (a move updates them all). */
export const columnPrefix = (pipelineId: string, stageId: string) => [...keys.board(pipelineId), 'stage', stageId] as const;
export const columnKey = (pipelineId: string, stageId: string, filters: BoardFilters) => [...columnPrefix(pipelineId, stageId), filterQuery(filters)] as const;
export const totalsKey = (pipelineId: string, filters: BoardFilters) => [...keys.board(pipelineId), 'totals', filterQuery(filters)] as const;

/** What GET /pipelines/{id}/board answers. */
export interface BoardSnapshot {
  pipeline: Pipeline;
  columns: Record<string, Page<Deal>>;
  /** Names of the contacts of the deals in `columns`. */
  contacts: Record<string, { name: string }>;
}

/** Outside keys.board: a move invalidates the columns it touched, never this (it would fold "Show more" back). */
const snapshotKey = (pipelineId: string, filters: BoardFilters) => ['boardSnapshot', pipelineId, filterQuery(filters)] as const;

/** Columns' first pages stay fresh this long after the board request filled them (no second request on mount). */
export const COLUMN_FRESH_MS = 30_000;

/** No filters: what a board opens with. */
export const noFilters: BoardFilters = { q: '', responsibleId: '' };

/**
 * The board in one request, which needs nothing but the pipeline's id, so it leaves as soon as the board's
 * route renders (prefetch.ts), before the board's chunk has loaded. It fills each column's cache with its first page; the columns then load further pages
 * themselves (GET /deals with the cursor).
 */
export function boardSnapshotOptions(api: ApiClient, queryClient: QueryClient, pipelineId: string, filters: BoardFilters) {
  return queryOptions({
    queryKey: snapshotKey(pipelineId, filters),
    queryFn: async ({ signal }) => {
      const board = await api.request<BoardSnapshot>(`/pipelines/${encodeURIComponent(pipelineId)}/board`, {
        query: { ...filterQuery(filters), limit: FIRST_COLUMN_PAGE },
        signal,
      });
      for (const [stageId, page] of Object.entries(board.columns)) {
        queryClient.setQueryData<ColumnPages>(columnKey(pipelineId, stageId, filters), { pages: [page], pageParams: [undefined] });
      }
      return board;
    },
    staleTime: COLUMN_FRESH_MS,
  });
}

