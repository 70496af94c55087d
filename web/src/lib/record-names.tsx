// Records by the name a person knows them by: a link with the record's title or name. Shown with a label the
// screen already has (a run's, an event's image), or read once per record, cached by TanStack Query under the
// record's own key (the record page shares it), so a list naming one deal ten times asks for it once.
import { Anchor, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiError } from './api';
import { paths } from './paths';
import { keys } from './query';
import type { RecordCollection } from './records';
import { useApi } from './session';

/** The record types that have a page to link to, by their collection. */
const linked: Record<string, RecordCollection> = { deal: 'deals', contact: 'contacts', company: 'companies', lead: 'leads' };

/** What names a record without its name: its type and the end of its id ("deal 3CMKR3"). */
export const shortRecordLabel = (type: string, id: string) => `${type} ${id.slice(-6)}`;

/** A record's title or name from an image of it (an event's after/before), if it has one. */
export function labelOfImage(image: unknown): string | undefined {
  if (!image || typeof image !== 'object') return undefined;
  const { title, name, subject } = image as Record<string, unknown>;
  const label = title ?? name ?? subject;
  return typeof label === 'string' && label.trim() !== '' ? label : undefined;
}

export type RecordName = { state: 'named'; label: string } | { state: 'deleted'; label?: string } | { state: 'loading' } | { state: 'unknown' };

interface HistoryPage {
  items: Array<{ action: string; changes?: Record<string, { from?: unknown; before?: unknown }> }>;
}

/**
 * The name a deleted record had: its history outlives it, and the deletion's entry holds what it was (read once,
 * only for a record found deleted).
 */
function useDeletedLabel(collection: RecordCollection | undefined, id: string | undefined, enabled: boolean): string | undefined {
  const api = useApi();
  const history = useQuery({
    queryKey: [...keys.history(collection ?? '', id ?? ''), 'deleted-name'],
    queryFn: ({ signal }) => api.request<HistoryPage>(`/${collection}/${encodeURIComponent(id ?? '')}/history`, { query: { limit: 5 }, signal }),
    enabled: enabled && collection !== undefined && Boolean(id),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const deletion = history.data?.items.find((entry) => entry.action === 'deleted');
  const was = Object.fromEntries(Object.entries(deletion?.changes ?? {}).map(([field, change]) => [field, change.from ?? change.before]));
  return labelOfImage(was);
}

/** Reads a record for its name (not for types without a page: activities, documents). */
export function useRecordName(type: string, id: string | undefined, { enabled = true }: { enabled?: boolean } = {}): RecordName {
  const api = useApi();
  const collection = linked[type];
  const record = useQuery({
    queryKey: keys.record(collection ?? type, id ?? ''),
    queryFn: ({ signal }) => api.request<Record<string, unknown>>(`/${collection}/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: enabled && collection !== undefined && Boolean(id),
    staleTime: 60_000,
    // A deleted record stays deleted: a 404 is an answer, not a blip to retry. Nor is it asked again when a name
    // mounts beside the page that got the 404 (the page of a deleted record shows its history, which names it):
    // that refetch put the page back to loading, which unmounted the history, and so on without end.
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
    retryOnMount: false,
  });
  const gone = record.isError && record.error instanceof ApiError && record.error.status === 404;
  const deletedLabel = useDeletedLabel(collection, id, enabled && gone);
  if (!collection || !id || !enabled) return { state: 'unknown' };
  if (record.isPending) return { state: 'loading' };
  if (record.isError) return gone ? { state: 'deleted', ...(deletedLabel ? { label: deletedLabel } : {}) } : { state: 'unknown' };
  if (record.data.deletedAt) return { state: 'deleted' };
  const label = labelOfImage(record.data);
  return label ? { state: 'named', label } : { state: 'unknown' };
}

/** The link (or, for types without a page, the text) that names a record. */
function NamedRecord({ type, id, label, size }: { type: string; id: string; label: string; size?: string | undefined }) {
  const collection = linked[type];
  const sized = size ? { size } : {};
  if (!collection)
    return (
      <Text span {...sized} title={`${type} ${id}`}>
        {label}
      </Text>
    );
  return (
    <Anchor component={Link} to={paths.record(collection, id)} {...sized} title={`${type} ${id}`}>
      {label}
    </Anchor>
  );
}

/**
 * A record named for a person. With `label` (what the screen knows already) nothing is read; without it the
 * record is read, once per record however often it is shown; a deleted one says so.
 */
export function RecordName({ type, id, label, size }: { type: string; id: string; label?: string | undefined; size?: string }) {
  const read = useRecordName(type, id, { enabled: label === undefined });
  if (label !== undefined) return <NamedRecord type={type} id={id} label={label} size={size} />;
  if (read.state === 'deleted') {
    // Its page still shows its history (who deleted it, and what it was).
    const collection = linked[type];
    const text = `${read.label ?? type} (deleted)`;
    return collection ? (
      <Anchor component={Link} to={paths.record(collection, id)} {...(size ? { size } : {})} c="dimmed" title={`${type} ${id}`}>
        {text}
      </Anchor>
    ) : (
      <Text span {...(size ? { size } : {})} c="dimmed" title={`${type} ${id}`}>
        {text}
      </Text>
    );
  }
  return <NamedRecord type={type} id={id} label={read.state === 'named' ? read.label : read.state === 'loading' ? '…' : shortRecordLabel(type, id)} size={size} />;
}
