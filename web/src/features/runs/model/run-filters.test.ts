import { describe, expect, it } from 'vitest';
import { applicableFilters, boundInstant, parseRunFilters, recordTypeMissing, runFiltersToSearch, runsRequest } from './run-filters.ts';

describe('run log filters ↔ address bar', () => {
  it('reads every filter from a deep link and writes the same link back', () => {
    const search = 'automationId=01JAUTO&status=FAILED&from=2026-11-01&to=2026-11-30T12%3A00%3A00Z&entityType=deal&entityId=01JDEAL';

    const { filters, dropped } = parseRunFilters(search);

    expect(dropped).toEqual([]);
    expect(filters).toEqual({
      automationId: '01JAUTO',
      status: 'FAILED',
      from: '2026-11-01',
      to: '2026-11-30T12:00:00Z',
      entityType: 'deal',
      entityId: '01JDEAL',
    });
    expect(runFiltersToSearch(filters)).toBe(search);
  });

  it('drops malformed parameters and says why', () => {
    const { filters, dropped } = parseRunFilters('status=EXPLODED&from=yesterday&to=2026-02-30&entityType=planet&entityId=a%20b&automationId=');

    expect(filters).toEqual({});
    expect(dropped.map((entry) => entry.key).sort()).toEqual(['entityId', 'entityType', 'from', 'status', 'to']);
  });

  it('accepts a status in any case and LOOP_STOPPED', () => {
    expect(parseRunFilters('status=waiting').filters.status).toBe('WAITING');
    expect(parseRunFilters('status=LOOP_STOPPED').filters.status).toBe('LOOP_STOPPED');
  });

  it('drops a "to" before "from"', () => {
    const { filters, dropped } = parseRunFilters('from=2026-11-02&to=2026-11-01');

    expect(filters).toEqual({ from: '2026-11-02' });
    expect(dropped).toEqual([{ key: 'to', reason: 'before from' }]);
  });

  it('reads a day as its whole day: from its start to its last millisecond', () => {
    expect(boundInstant('2026-11-01', 'from')).toBe('2026-11-01T00:00:00.000Z');
    expect(boundInstant('2026-11-01', 'to')).toBe('2026-11-01T23:59:59.999Z');
    expect(boundInstant('2026-11-01T10:00:00+02:00', 'to')).toBe('2026-11-01T08:00:00.000Z');
  });

  it('asks one automation\'s runs when the log is filtered by automation', () => {
    const { path, query } = runsRequest({ automationId: '01JAUTO', status: 'WAITING', from: '2026-11-01', entityId: 'D1' }, { limit: 50 });

    expect(path).toBe('/automations/01JAUTO/runs');
    expect(Object.fromEntries(query)).toEqual({ status: 'WAITING', from: '2026-11-01T00:00:00.000Z', entityId: 'D1', limit: '50' });
  });

  it('asks the runs across automations otherwise, with the record type when a record is chosen', () => {
    const { path, query } = runsRequest({ entityType: 'deal', entityId: 'D1', to: '2026-11-30' }, { cursor: 'abc' });

    expect(path).toBe('/runs');
    expect(Object.fromEntries(query)).toEqual({ entityType: 'deal', entityId: 'D1', to: '2026-11-30T23:59:59.999Z', cursor: 'abc' });
  });

  it('leaves a record id without its type out of the query across automations (the API refuses it alone)', () => {
    const filters = { entityId: 'D1', status: 'FAILED' as const };

    const { path, query } = runsRequest(filters);

    expect(path).toBe('/runs');
    expect(Object.fromEntries(query)).toEqual({ status: 'FAILED' });
    expect(recordTypeMissing(filters)).toBe(true);
    expect(applicableFilters(filters)).toEqual({ status: 'FAILED' });
  });

  it('needs no record type for one automation’s runs', () => {
    const filters = { automationId: 'A1', entityId: 'D1' };

    expect(recordTypeMissing(filters)).toBe(false);
    expect(applicableFilters(filters)).toBe(filters);
  });
});
