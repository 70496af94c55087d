// The run log's filters and the address bar: /console/runs?automationId=…&status=FAILED&from=2026-11-01
// deep-links to the same view. Unknown or malformed parameters are dropped (and reported), never sent to the API.
import { runStatuses, type RunStatus } from '#shared/store/runs.ts';

/** LOOP_STOPPED came with the run outcomes of the API; the log knows it whichever API it reads. */
export const logStatuses = [...new Set([...runStatuses, 'LOOP_STOPPED'] as const)] as Array<RunStatus | 'LOOP_STOPPED'>;
export type LogStatus = RunStatus | 'LOOP_STOPPED';

export const recordTypes = ['contact', 'company', 'lead', 'deal', 'activity', 'document'] as const;
export type RecordType = (typeof recordTypes)[number];

export interface RunFilters {
  automationId?: string;
  status?: LogStatus;
  /** A day (2026-11-01) or an instant (2026-11-01T08:00:00Z): a day means its start for `from` and its end for `to`. */
  from?: string;
  to?: string;
  entityType?: RecordType;
  entityId?: string;
}

export const filterKeys = ['automationId', 'status', 'from', 'to', 'entityType', 'entityId'] as const;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function isMoment(text: string): boolean {
  if (DAY.test(text)) return !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
  return INSTANT.test(text) && !Number.isNaN(Date.parse(text));
}

/** The instant a filter bound stands for: a day's start (`from`) or the start of the next day (`to`, exclusive). */
export function boundInstant(value: string, side: 'from' | 'to'): string {
  if (!DAY.test(value)) return new Date(value).toISOString();
  const start = new Date(`${value}T00:00:00.000Z`);
  if (side === 'from') return start.toISOString();
  return new Date(start.getTime() + 86_400_000 - 1).toISOString();
}

export interface ParsedFilters {
  filters: RunFilters;
  /** Parameters that were present but not usable, with why: the screen says so instead of silently ignoring them. */
  dropped: Array<{ key: string; reason: string }>;
}

export function parseRunFilters(search: URLSearchParams | string): ParsedFilters {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const filters: RunFilters = {};
  const dropped: ParsedFilters['dropped'] = [];
  const read = (key: (typeof filterKeys)[number]) => {
    const value = params.get(key);
    return value === null || value.trim() === '' ? undefined : value.trim();
  };

  const automationId = read('automationId');
  if (automationId !== undefined) {
    if (ID.test(automationId)) filters.automationId = automationId;
    else dropped.push({ key: 'automationId', reason: 'not an automation id' });
  }
  const status = read('status');
  if (status !== undefined) {
    const upper = status.toUpperCase();
    if ((logStatuses as readonly string[]).includes(upper)) filters.status = upper as LogStatus;
    else dropped.push({ key: 'status', reason: `one of ${logStatuses.join(', ')}` });
  }
  for (const key of ['from', 'to'] as const) {
    const value = read(key);
    if (value === undefined) continue;
    if (isMoment(value)) filters[key] = value;
    else dropped.push({ key, reason: 'a day (2026-11-01) or an ISO-8601 date-time with its offset' });
  }
  if (filters.from && filters.to && boundInstant(filters.from, 'from') > boundInstant(filters.to, 'to')) {
    dropped.push({ key: 'to', reason: 'before from' });
    delete filters.to;
  }
  const entityType = read('entityType');
  const entityId = read('entityId');
  if (entityType !== undefined) {
    if ((recordTypes as readonly string[]).includes(entityType)) filters.entityType = entityType as RecordType;
    else dropped.push({ key: 'entityType', reason: `one of ${recordTypes.join(', ')}` });
  }
  if (entityId !== undefined) {
    if (ID.test(entityId)) filters.entityId = entityId;
    else dropped.push({ key: 'entityId', reason: 'not a record id' });
  }
  return { filters, dropped };
}

/** The query string for the address bar, keys in a stable order and empty ones left out. */
export function runFiltersToSearch(filters: RunFilters): string {
  const params = new URLSearchParams();
  for (const key of filterKeys) {
    const value = filters[key];
    if (value !== undefined && value !== '') params.set(key, value);
  }
  return params.toString();
}

/**
 * Across automations the API filters by a record only with its type and id together (a lone id is a 400):
 * true when the filters hold an id the log cannot apply until a type is chosen.
 */
export function recordTypeMissing(filters: RunFilters): boolean {
  return filters.entityId !== undefined && filters.entityType === undefined && filters.automationId === undefined;
}

/** The filters the log can ask the API for: without a record id that still lacks its type. */
export function applicableFilters(filters: RunFilters): RunFilters {
  if (!recordTypeMissing(filters)) return filters;
  const { entityId: _waitingForType, ...rest } = filters;
  return rest;
}

/**
 * The API query for these filters. Across automations it is `GET /runs`, which takes a record's
 * type and id together or neither; for one automation `GET /automations/{id}/runs` (which knows
 * no entityType: a record id is unique across types).
 */
export function runsRequest(filters: RunFilters, page: { cursor?: string; limit?: number } = {}): { path: string; query: URLSearchParams } {
  const query = new URLSearchParams();
  if (filters.status) query.set('status', filters.status);
  if (filters.from) query.set('from', boundInstant(filters.from, 'from'));
  if (filters.to) query.set('to', boundInstant(filters.to, 'to'));
  if (page.limit) query.set('limit', String(page.limit));
  if (page.cursor) query.set('cursor', page.cursor);
  if (filters.automationId) {
    if (filters.entityId) query.set('entityId', filters.entityId);
    return { path: `/automations/${encodeURIComponent(filters.automationId)}/runs`, query };
  }
  if (filters.entityType && filters.entityId) {
    query.set('entityType', filters.entityType);
    query.set('entityId', filters.entityId);
  }
  return { path: '/runs', query };
}

/** The default range of the log: the last 7 days up to now. */
export function lastDays(days: number, now: Date): { from: string; to: string } {
  return { from: new Date(now.getTime() - days * 86_400_000).toISOString(), to: now.toISOString() };
}
