// Records written before an index existed get its keys (docs/ARCHITECTURE.md §3): 1, text search and the
// deals-of-a-contact/company indexes; 2, the contacts-of-a-company index (gsi5), which unlinking a deleted company
// reads. Run by local mode before it reads the stream at start, and on AWS by each deployment's reconcile resource
// (shared/aws/reconcile-resource.ts), a page at a time until a deadline: the position is kept in the table, so an
// upgrade that ran out of time continues where it stopped. It writes only index attributes (no new version, no
// event), conditional on the version it read: a record written meanwhile carries them already.
import { type SearchableType, searchableTypes } from '#shared/domain/search.ts';
import type { Store } from './index.ts';

export const INDEX_VERSION = 2;

/** The `searchIndex` setting: the version every record is indexed for, and while an upgrade runs, where it is. */
interface IndexState {
  version?: number;
  upgrading?: { type: SearchableType; cursor?: string };
}

export interface IndexUpgrade {
  /** Every record is indexed for INDEX_VERSION. */
  done: boolean;
  written: number;
}

export async function upgradeIndexes(
  store: Pick<Store, 'records' | 'settings'>,
  { deadlineAt = Number.POSITIVE_INFINITY, now = Date.now, pageSize = 100 }: { deadlineAt?: number; now?: () => number; pageSize?: number } = {},
): Promise<IndexUpgrade> {
  const state = (await store.settings.get<IndexState>('searchIndex', { fresh: true })) ?? {};
  if ((state.version ?? 0) >= INDEX_VERSION) return { done: true, written: 0 };
  const start = state.upgrading && searchableTypes.includes(state.upgrading.type) ? state.upgrading : { type: searchableTypes[0]! };
  let written = 0;
  for (const type of searchableTypes.slice(searchableTypes.indexOf(start.type))) {
    let cursor = type === start.type ? start.cursor : undefined;
    do {
      if (now() >= deadlineAt) {
        await store.settings.put<IndexState>('searchIndex', { ...state, upgrading: { type, ...(cursor ? { cursor } : {}) } });
        return { done: false, written };
      }
      const page = await store.records.reindexPage(type, { ...(cursor ? { cursor } : {}), limit: pageSize });
      written += page.written;
      cursor = page.cursor;
    } while (cursor);
  }
  await store.settings.put<IndexState>('searchIndex', { version: INDEX_VERSION });
  return { done: true, written };
}
