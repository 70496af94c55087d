// The run log as the API serves it: pages of runs for the filters, counts per status, one run with
// its steps, redrive. Across automations the log reads `GET /runs`; where an API has no such route
// yet it falls back to asking each automation and merging, newest first.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, type ApiClient } from '../../../lib/api';
import type { Page } from '../../../lib/records';
import { useApi } from '../../../lib/session';
import { type LogStatus, type RunFilters, boundInstant, logStatuses, runsRequest } from '../model/run-filters';

export interface Run {
  automationId: string;
  automationVersion?: number;
  runId: string;
  executionId: string;
  trigger?: string;
  entityType: string;
  entityId: string;
  status: LogStatus;
  startedAt: string;
  endedAt?: string;
  dueAt?: string;
  actionsCompleted: number;
  actionsTotal: number;
  reason?: string;
  error?: string;
  errorCause?: string;
  failedStep?: string;
  /** One line on what the run did (API with step outcomes). */
  summary?: string;
}

/** A record a step created, changed or deleted, at the version it left. */
export interface RecordRef {
  type: string;
  id: string;
  version?: number;
  change?: 'created' | 'updated' | 'deleted';
  fields?: string[];
  /** What the step wrote, field → value (each text cut to its start; `truncated` when one was). */
  values?: Record<string, unknown>;
  truncated?: boolean;
}

/** A webhook step's request, without what may carry credentials (query values, header values, the signature). */
export interface WebhookRequest {
  method: string;
  url: string;
  query?: string[];
  headers?: string[];
  signed?: boolean;
  body: string;
  truncated?: boolean;
}

export interface StepOutcome {
  result?: 'changed' | 'noop' | 'suppressed' | string;
  done?: string;
  reason?: string;
  dueAt?: string;
  records?: RecordRef[];
  /** Each mail with its text body as rendered (its start; `truncated` when cut). */
  mails?: Array<{ to: string; subject?: string; status: 'sent' | 'suppressed' | string; reason?: string; body?: string; truncated?: boolean; html?: string; htmlTruncated?: boolean }>;
  texts?: Array<{ to: string; status: 'sent' | 'suppressed' | string; reason?: string; body?: string; truncated?: boolean }>;
  notifications?: Array<{ userId?: string; message?: string; truncated?: boolean }>;
  webhook?: { status: number; response?: string; request?: WebhookRequest };
  branch?: 'then' | 'else';
  excepted?: string[];
  [key: string]: unknown;
}

export interface RunStep {
  name: string;
  status: 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT' | string;
  startedAt: string;
  endedAt?: string;
  error?: string;
  cause?: string;
  dueAt?: string;
  automationVersion?: number;
  outcome?: StepOutcome;
  /** Who an action step acted as — the Butler, or the author while the Butler is off — named as now. */
  actor?: { kind: 'user' | 'butler'; id: string; name: string; icon?: string };
}

export interface RunDetail extends Run {
  steps: RunStep[];
  consoleUrl?: string;
}

export const PAGE_SIZE = 50;

export const runKeys = {
  all: ['runs'] as const,
  list: (filters: RunFilters) => ['runs', 'list', filters] as const,
  counts: (automationIds: string[], from?: string, to?: string) => ['runs', 'counts', automationIds, from, to] as const,
  one: (automationId: string, runId: string) => ['runs', 'one', automationId, runId] as const,
};

const isMissingRoute = (error: unknown) => error instanceof ApiError && error.status === 404 && error.message.startsWith('No route');

interface MergedCursor {
  /** Per automation: its next cursor, or null when it has no more runs. */
  cursors: Record<string, string | null>;
  /** Runs read but not shown yet, newest first. */
  buffered: Run[];
}

/**
 * One page across automations by asking each one: read the next page of every automation that may
 * still hold newer runs than those shown, then show the newest PAGE_SIZE. Correct newest-first paging
 * for an API without `GET /runs`.
 */
async function mergedPage(api: ApiClient, automationIds: string[], filters: RunFilters, state: MergedCursor | undefined): Promise<Page<Run> & { merged: MergedCursor }> {
  const cursors: Record<string, string | null> = state ? { ...state.cursors } : Object.fromEntries(automationIds.map((id) => [id, '']));
  let buffered = state ? [...state.buffered] : [];
  const fetchFrom = async (id: string) => {
    const cursor = cursors[id];
    if (cursor === null || cursor === undefined) return;
    const { path, query } = runsRequest({ ...filters, automationId: id }, { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    const page = await api.request<Page<Run>>(path, { query: Object.fromEntries(query) });
    buffered.push(...page.items);
    cursors[id] = page.cursor ?? null;
  };
  // An automation must be read further while the buffer cannot prove the next PAGE_SIZE are the newest.
  const needsMore = () => {
    const sorted = [...buffered].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    const cut = sorted[PAGE_SIZE - 1]?.startedAt;
    return Object.keys(cursors).filter((id) => {
      if (cursors[id] === null) return false;
      if (cut === undefined) return true;
      const oldestRead = buffered.filter((run) => run.automationId === id).at(-1)?.startedAt;
      return oldestRead === undefined || oldestRead >= cut;
    });
  };
  let pending = state ? needsMore() : Object.keys(cursors);
  while (pending.length > 0) {
    await Promise.all(pending.map(fetchFrom));
    pending = needsMore();
  }
  buffered = buffered.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const items = buffered.slice(0, PAGE_SIZE);
  const rest = buffered.slice(PAGE_SIZE);
  const more = rest.length > 0 || Object.values(cursors).some((cursor) => cursor !== null);
  return { items, merged: { cursors, buffered: rest }, ...(more ? { cursor: 'merged' } : {}) };
}

type LogPage = Page<Run> & { merged?: MergedCursor };

/** Pages of runs for the filters, newest first. `automationIds` is needed only for the fallback. */
/** `everyMs`: read again this often even when no run is running (a record page, where runs start from elsewhere). */
export function useRunLog(filters: RunFilters, automationIds: string[] | undefined, { everyMs }: { everyMs?: number } = {}) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: runKeys.list(filters),
    initialPageParam: undefined as string | MergedCursor | undefined,
    queryFn: async ({ pageParam }): Promise<LogPage> => {
      if (typeof pageParam === 'object') return mergedPage(api, automationIds ?? [], filters, pageParam);
      const { path, query } = runsRequest(filters, { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) });
      try {
        return await api.request<Page<Run>>(path, { query: Object.fromEntries(query) });
      } catch (error) {
        if (!isMissingRoute(error) || path !== '/runs') throw error;
        return mergedPage(api, automationIds ?? [], filters, undefined);
      }
    },
    getNextPageParam: (last) => (last.merged ? (last.cursor ? last.merged : undefined) : last.cursor),
    enabled: filters.automationId !== undefined || automationIds !== undefined,
    // A run started from here (Run now) ends in a moment: read again while one listed is running.
    refetchInterval: (query) => (query.state.data?.pages.some((page) => page.items.some((run) => run.status === 'RUNNING')) ? 2_000 : (everyMs ?? false)),
  });
}

export type RunCounts = Partial<Record<LogStatus, number>>;

/** Runs per status in the range, summed over the automations asked (the API counts per automation). */
export function useRunCounts(automationIds: string[] | undefined, range: { from?: string; to?: string }, options: { enabled?: boolean } = {}) {
  const api = useApi();
  const from = range.from ? boundInstant(range.from, 'from') : undefined;
  const to = range.to ? boundInstant(range.to, 'to') : undefined;
  return useQuery({
    queryKey: runKeys.counts(automationIds ?? [], from, to),
    enabled: automationIds !== undefined && (options.enabled ?? true),
    queryFn: async (): Promise<RunCounts | null> => {
      try {
        const answers = await Promise.all(
          (automationIds ?? []).map((id) =>
            api.request<{ counts: RunCounts }>(`/automations/${encodeURIComponent(id)}/runs/counts`, { query: { from, to } }),
          ),
        );
        const total: RunCounts = {};
        for (const answer of answers)
          for (const status of logStatuses) total[status] = (total[status] ?? 0) + (answer.counts[status] ?? 0);
        return total;
      } catch (error) {
        // An API without the counts route: the log shows no counts rather than failing.
        if (isMissingRoute(error)) return null;
        throw error;
      }
    },
  });
}

export function useRun(automationId: string, runId: string) {
  const api = useApi();
  return useQuery({
    queryKey: runKeys.one(automationId, runId),
    queryFn: () => api.request<RunDetail>(`/automations/${encodeURIComponent(automationId)}/runs/${encodeURIComponent(runId)}`),
    // A run under way changes by the second; a finished one does not.
    refetchInterval: (query) => (['RUNNING'].includes(query.state.data?.status ?? '') ? 1_000 : false),
  });
}

/** Redrives the FAILED runs of a window (one run: a window around its start). */
export function useRedrive() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { automationId: string; from: string; to: string }) =>
      api.request<{ redriven: string[] }>(`/automations/${encodeURIComponent(input.automationId)}/runs/redrive`, {
        method: 'POST',
        body: { from: input.from, to: input.to },
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: runKeys.all }),
  });
}
