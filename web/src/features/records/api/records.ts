// A record type's list, one record, its history, activities and documents, and the writes on them.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { keys } from '../../../lib/query';
import { type Activity, type DocumentRecord, type HistoryEntry, type Page, type RecordCollection, recordTypeOfCollection } from '../../../lib/records';
import { useApi } from '../../../lib/session';

export type AnyRecord = { id: string; version: number; createdAt: string; updatedAt: string; [field: string]: unknown };

export const PAGE_SIZE = 25;

export interface ListQuery {
  cursor?: string;
  email?: string;
  phone?: string;
  /** Text search, done by the server (name, title, e-mails, phones…). */
  q?: string;
}

export function useRecordList(collection: RecordCollection, query: ListQuery) {
  const api = useApi();
  return useQuery({
    queryKey: keys.recordList(collection, { ...query }),
    queryFn: ({ signal }) => api.request<Page<AnyRecord>>(`/${collection}`, { query: { limit: PAGE_SIZE, ...query }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useRecord(collection: RecordCollection, id: string) {
  const api = useApi();
  return useQuery({
    queryKey: keys.record(collection, id),
    queryFn: ({ signal }) => api.request<AnyRecord>(`/${collection}/${encodeURIComponent(id)}`, { signal }),
  });
}

export function useHistory(collection: RecordCollection, id: string) {
  const api = useApi();
  return useQuery({
    queryKey: keys.history(collection, id),
    queryFn: ({ signal }) => api.request<Page<HistoryEntry>>(`/${collection}/${encodeURIComponent(id)}/history`, { query: { limit: 50 }, signal }),
  });
}

export function useCreateRecord(collection: RecordCollection) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    // The key makes a double submit (or a retried request) create one record.
    mutationFn: ({ body, idempotencyKey }: { body: unknown; idempotencyKey: string }) =>
      api.request<AnyRecord>(`/${collection}`, { method: 'POST', body, idempotencyKey }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.records(collection) }),
  });
}

export function usePatchRecord(collection: RecordCollection, id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ patch, version }: { patch: Record<string, unknown>; version: number }) =>
      api.request<AnyRecord>(`/${collection}/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch, ifMatch: version }),
    onSuccess: (record) => queryClient.setQueryData(keys.record(collection, id), record),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.records(collection) });
      if (collection === 'deals') void queryClient.invalidateQueries({ queryKey: ['deals', 'board'] });
      // A change can start runs, from the event it writes: a moment after the answer, so the runs are read again then.
      setTimeout(() => void queryClient.invalidateQueries({ queryKey: ['runs'] }), RUNS_START_MS);
    },
  });
}

/** How long after a write its runs have usually started (stream, bus, runner). */
const RUNS_START_MS = 1_500;

export function useDeleteRecord(collection: RecordCollection, id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => api.request<void>(`/${collection}/${encodeURIComponent(id)}`, { method: 'DELETE', ifMatch: version }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.records(collection) }),
  });
}

export const ownerOf = (collection: RecordCollection, id: string) => ({ entityType: recordTypeOfCollection[collection], entityId: id });

export function useActivities(collection: RecordCollection, id: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['activities', 'owner', collection, id],
    queryFn: ({ signal }) => api.request<Page<Activity>>('/activities', { query: { ...ownerOf(collection, id), limit: 100 }, signal }),
  });
}

export function useDocuments(collection: RecordCollection, id: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['documents', 'owner', collection, id],
    queryFn: ({ signal }) => api.request<Page<DocumentRecord>>('/documents', { query: { ...ownerOf(collection, id), limit: 100 }, signal }),
  });
}

/** Writes on a record's activities and documents, refreshing its lists and history. */
export function useOwnedWrite(collection: RecordCollection, id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: { path: string; method: 'POST' | 'PATCH'; body?: unknown; ifMatch?: number; idempotencyKey?: string }) =>
      api.request<unknown>(request.path, {
        method: request.method,
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch }),
        ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
      }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['activities', 'owner', collection, id] });
      void queryClient.invalidateQueries({ queryKey: ['documents', 'owner', collection, id] });
    },
  });
}

/** The deals of a contact or a company, newest first, a page at a time (GET /deals?contactId= | companyId=). */
export function useLinkedDeals(collection: 'contacts' | 'companies', id: string) {
  const api = useApi();
  const filter = collection === 'contacts' ? { contactId: id } : { companyId: id };
  return useInfiniteQuery({
    queryKey: ['deals', 'linked', collection, id],
    queryFn: ({ pageParam, signal }) => api.request<Page<AnyRecord>>('/deals', { query: { ...filter, limit: 20, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.cursor,
  });
}

/** Most e-mails and phones of a record looked up for leads: one request each. */
const MATCHED_POINTS = 5;

/** Leads carrying one of these e-mails or phones (exact lookups, GET /leads?email= | phone=), each once. */
export function useMatchingLeads(emails: string[], phones: string[]) {
  const api = useApi();
  const points = [...emails.map((email) => ({ email })), ...phones.map((phone) => ({ phone }))].slice(0, MATCHED_POINTS);
  return useQuery({
    queryKey: ['leads', 'matching', points],
    queryFn: async ({ signal }) => {
      const pages = await Promise.all(points.map((query) => api.request<Page<AnyRecord>>('/leads', { query, signal })));
      const leads = new Map<string, AnyRecord>();
      for (const lead of pages.flatMap((page) => page.items)) leads.set(lead.id, lead);
      return [...leads.values()];
    },
    enabled: points.length > 0,
  });
}
