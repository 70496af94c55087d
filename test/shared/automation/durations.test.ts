// Calendar arithmetic in the workspace time zone, and planning a run's wait (including waits past a year).
import { loadDateArithmetic } from '#shared/automation/date-arithmetic.ts';
import { describe, expect, it } from 'vitest';
import {
  DueDateUnknown,
  EXECUTION_WAIT_LIMIT_DAYS,
  activityDueAt,
  addDuration,
  describeDuration,
  isDuration,
  momentOfField,
  planWait,
} from '#shared/automation/durations.ts';

// Waits, date conditions and due dates count in luxon, loaded on first use (date-arithmetic.ts); run-action loads it per Task.
await loadDateArithmetic();

describe('isDuration', () => {
  it.each(['P6M', 'P1Y', 'P3D', 'P1W', 'PT2H', 'PT30M', 'PT45S', 'P1Y2M10DT2H30M', '-P3D', '-PT1H'])('accepts %s', (text) => {
    // Act
    const result = isDuration(text);

    // Assess
    expect(result).toBe(true);
  });

  it.each(['', 'P', 'PT', '6M', 'P6', 'P1.5D', 'p3d', 'P3D ', '+P3D', 'P1H', 'PT1D', '3 days', '--P1D'])('refuses "%s"', (text) => {
    // Act
    const result = isDuration(text);

    // Assess
    expect(result).toBe(false);
  });
});

describe('addDuration', () => {
  it.each([
    ['P6M from Aug 31 lands on the last day of February', '2025-08-31T10:00:00Z', 'P6M', 'UTC', '2026-02-28T10:00:00.000Z'],
    ['P6M from Aug 31 lands on Feb 29 in a leap year', '2027-08-31T10:00:00Z', 'P6M', 'UTC', '2028-02-29T10:00:00.000Z'],
    ['P1M from Jan 31 lands on Feb 28', '2026-01-31T09:00:00Z', 'P1M', 'UTC', '2026-02-28T09:00:00.000Z'],
    ['P1Y from Feb 29 lands on Feb 28', '2028-02-29T09:00:00Z', 'P1Y', 'UTC', '2029-02-28T09:00:00.000Z'],
    ['P1D across spring-forward keeps 10:00 wall time', '2026-03-28T09:00:00Z', 'P1D', 'Europe/Berlin', '2026-03-29T08:00:00.000Z'],
    ['PT24H across spring-forward is 24 real hours', '2026-03-28T09:00:00Z', 'PT24H', 'Europe/Berlin', '2026-03-29T09:00:00.000Z'],
    ['P1D across fall-back keeps 10:00 wall time', '2026-10-24T08:00:00Z', 'P1D', 'Europe/Berlin', '2026-10-25T09:00:00.000Z'],
    ['P1M counts months in the zone, not in UTC', '2026-01-30T23:30:00Z', 'P1M', 'Europe/Berlin', '2026-02-27T23:30:00.000Z'],
    ['-P3D counts back', '2026-06-30T09:00:00Z', '-P3D', 'UTC', '2026-06-27T09:00:00.000Z'],
    ['-P1M from Mar 31 lands on Feb 28', '2026-03-31T09:00:00Z', '-P1M', 'UTC', '2026-02-28T09:00:00.000Z'],
    ['P2W is fourteen days', '2026-01-01T00:00:00Z', 'P2W', 'UTC', '2026-01-15T00:00:00.000Z'],
  ])('%s', (_case, from, duration, zone, expected) => {
    // Act
    const result = addDuration(from, duration, zone);

    // Assess
    expect(result.toISOString()).toBe(expected);
  });
});

describe('describeDuration', () => {
  it.each([
    ['P6M', '6 months'],
    ['P1Y2M', '1 year 2 months'],
    ['P1W', '1 week'],
    ['PT36H', '36 hours'],
    ['P1DT12H', '1 day 12 hours'],
    ['PT0S', '0 seconds'],
  ])('%s reads "%s"', (duration, words) => {
    // Act
    const result = describeDuration(duration);

    // Assess
    expect(result).toBe(words);
  });
});

describe('momentOfField', () => {
  it.each([
    ['a date is that day at 09:00 in the zone', '2026-06-30', 'Europe/Berlin', undefined, '2026-06-30T07:00:00.000Z'],
    ['a date takes the given time of day', '2026-06-30', 'Europe/Berlin', '18:30', '2026-06-30T16:30:00.000Z'],
    ['a date-time with offset is exact', '2026-06-30T12:00:00+02:00', 'America/New_York', undefined, '2026-06-30T10:00:00.000Z'],
    ['a date-time without offset is wall time in the zone', '2026-01-15T12:00:00', 'America/New_York', undefined, '2026-01-15T17:00:00.000Z'],
  ])('%s', (_case, value, zone, at, expected) => {
    // Act
    const moment = momentOfField(value, zone, at);

    // Assess
    expect(moment?.toJSDate().toISOString()).toBe(expected);
  });

  it.each([undefined, null, '', 'tomorrow', 42, '2026-02-30'])('reads %s as no moment', (value) => {
    // Act
    const moment = momentOfField(value, 'UTC');

    // Assess
    expect(moment).toBeUndefined();
  });
});

describe('planWait', () => {
  const startedAt = '2026-03-10T12:00:01.000Z';

  it('an after delay counts from the trigger event in the time zone', () => {
    // Act: 12:00 summer time on Aug 31 in Berlin, six months on is 12:00 winter time
    const plan = planWait({ delay: { after: 'P6M' }, timeZone: 'Europe/Berlin', occurredAt: '2025-08-31T10:00:00Z', startedAt });

    // Assess
    expect(plan).toEqual({ dueAt: '2026-02-28T11:00:00.000Z', waitUntil: '2026-02-28T11:00:00.000Z', continues: false, part: 1 });
  });

  it('an until delay reads the record field and applies a negative offset', () => {
    // Prepare
    const record = { closeDate: '2026-06-30' };

    // Act
    const plan = planWait({
      delay: { until: { field: 'closeDate', offset: '-P3D' } },
      timeZone: 'Europe/Berlin',
      occurredAt: startedAt,
      record,
      startedAt,
    });

    // Assess
    expect(plan.dueAt).toBe('2026-06-27T07:00:00.000Z');
  });

  it('an until delay reads a custom field', () => {
    // Prepare
    const record = { fields: { renewal_date: '2026-09-01T08:00:00Z' } };

    // Act
    const plan = planWait({ delay: { until: { field: 'fields.renewal_date' } }, timeZone: 'UTC', occurredAt: startedAt, record, startedAt });

    // Assess
    expect(plan.dueAt).toBe('2026-09-01T08:00:00.000Z');
  });

  it('a due time in the past is due at once', () => {
    // Prepare
    const record = { closeDate: '2026-01-01' };

    // Act
    const plan = planWait({ delay: { until: { field: 'closeDate' } }, timeZone: 'UTC', occurredAt: startedAt, record, startedAt });

    // Assess
    expect(plan).toMatchObject({ waitUntil: '2026-01-01T09:00:00.000Z', continues: false });
  });

  it('a due time past the execution limit waits until the limit and continues', () => {
    // Act
    const plan = planWait({ delay: { after: 'P2Y' }, timeZone: 'UTC', occurredAt: '2026-03-10T12:00:00.000Z', startedAt });

    // Assess
    expect(plan).toEqual({
      dueAt: '2028-03-10T12:00:00.000Z',
      waitUntil: new Date(Date.parse(startedAt) + EXECUTION_WAIT_LIMIT_DAYS * 86_400_000).toISOString(),
      continues: true,
      part: 1,
    });
  });

  it('a continuation keeps the due time its predecessor planned', () => {
    // Prepare
    const continuation = { dueAt: '2028-03-10T12:00:00.000Z', part: 3 };

    // Act
    const plan = planWait({ delay: { after: 'P2Y' }, timeZone: 'UTC', occurredAt: '2026-03-10T12:00:00.000Z', startedAt: '2028-01-01T00:00:00Z', continuation });

    // Assess
    expect(plan).toEqual({ dueAt: continuation.dueAt, waitUntil: continuation.dueAt, continues: false, part: 3 });
  });

  it('a machine that cannot continue waits for the due time itself', () => {
    // Act
    const plan = planWait({ delay: { after: 'P2Y' }, timeZone: 'UTC', occurredAt: startedAt, startedAt, canContinue: false });

    // Assess
    expect(plan).toMatchObject({ continues: false, waitUntil: plan.dueAt });
  });

  it.each([
    ['an empty date field', {}, 'closeDate is empty'],
    ['a field that is no date', { closeDate: 'soon' }, 'closeDate is not a date: "soon"'],
  ])('refuses to plan with %s', (_case, record, message) => {
    // Act
    const act = () => planWait({ delay: { until: { field: 'closeDate' } }, timeZone: 'UTC', occurredAt: startedAt, record, startedAt });

    // Assess
    expect(act).toThrow(new DueDateUnknown(message));
  });
});

describe('activityDueAt', () => {
  const now = new Date('2026-03-27T09:00:00Z');

  it.each([
    ['a duration counts from now in the zone', 'P2D', '2026-03-29T08:00:00.000Z'],
    ['a rendered date is that day at 09:00', '2026-04-02', '2026-04-02T07:00:00.000Z'],
    ['a rendered date-time is exact', '2026-04-02T15:00:00Z', '2026-04-02T15:00:00.000Z'],
  ])('%s', (_case, due, expected) => {
    // Act
    const result = activityDueAt(due, { now, timeZone: 'Europe/Berlin' });

    // Assess
    expect(result?.toISOString()).toBe(expected);
  });

  it('a rendered text that is no date gives no due time', () => {
    // Act
    const result = activityDueAt('next week', { now, timeZone: 'UTC' });

    // Assess
    expect(result).toBeUndefined();
  });
});
