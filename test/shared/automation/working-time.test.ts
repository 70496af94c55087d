import { loadDateArithmetic } from '#shared/automation/date-arithmetic.ts';
import { loadTemplateChecks } from '#shared/automation/template-checks.ts';
import { describe, expect, it } from 'vitest';
import { type Calendar, addWorkingTime, defaultCalendar, describeWorkingTime, nextWorkingMoment } from '#shared/automation/working-time.ts';
import { dueAtOf } from '#shared/automation/durations.ts';
import { parseAutomationDefinition } from '#shared/automation/definition.ts';
import { waitStateName } from '#shared/automation/state-names.ts';

// Waits, date conditions and due dates count in luxon, loaded on first use (date-arithmetic.ts); run-action loads it per Task.
await loadDateArithmetic();

// The definition schema's Liquid checks load on first use (template-checks.ts); the API's save loads them first.
await loadTemplateChecks();

const berlin: Calendar = { timeZone: 'Europe/Berlin', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: { start: '09:00', end: '17:00' }, holidays: [] };
const iso = (date: Date) => date.toISOString();

describe('a delay of working days', () => {
  it('from a Friday evening is due on Tuesday at opening time', () => {
    // Prepare: Friday 2026-06-05 19:30 in Berlin (CEST, UTC+2)
    const friday = new Date('2026-06-05T17:30:00Z');

    // Act
    const due = addWorkingTime(berlin, friday, 'P2D');

    // Assess: Tuesday 2026-06-09 09:00 CEST
    expect(iso(due)).toBe('2026-06-09T07:00:00.000Z');
  });

  it('keeps the wall-clock opening time across the end of daylight saving time', () => {
    const friday = new Date('2026-10-23T17:30:00Z'); // Friday 19:30 CEST; the clocks go back on Sunday 25 October

    const due = addWorkingTime(berlin, friday, 'P2D');

    expect(iso(due)).toBe('2026-10-27T08:00:00.000Z'); // Tuesday 09:00 CET (UTC+1)
  });

  it('keeps the time of day of a request made during working hours', () => {
    const wednesday = new Date('2026-06-03T08:15:00Z'); // 10:15 CEST

    expect(iso(addWorkingTime(berlin, wednesday, 'P2D'))).toBe('2026-06-05T08:15:00.000Z');
  });

  it('skips holidays', () => {
    const withHoliday: Calendar = { ...berlin, holidays: ['2026-06-08'] }; // the Monday
    const friday = new Date('2026-06-05T17:30:00Z');

    expect(iso(addWorkingTime(withHoliday, friday, 'P2D'))).toBe('2026-06-10T07:00:00.000Z');
  });
});

describe('a delay of working hours', () => {
  it('carries what is left at closing time over to the next working day', () => {
    const fridayAfternoon = new Date('2026-06-05T14:00:00Z'); // 16:00 CEST: one working hour left

    expect(iso(addWorkingTime(berlin, fridayAfternoon, 'PT3H'))).toBe('2026-06-08T09:00:00.000Z'); // Monday 11:00
  });

  it('starts counting at opening time when asked outside working hours', () => {
    const sunday = new Date('2026-06-07T10:00:00Z');

    expect(iso(addWorkingTime(berlin, sunday, 'PT30M'))).toBe('2026-06-08T07:30:00.000Z');
  });
});

describe('the next working hour', () => {
  it('is the moment itself inside working hours', () => {
    const tuesday = new Date('2026-06-09T12:00:00Z');

    expect(iso(nextWorkingMoment(berlin, tuesday))).toBe(iso(tuesday));
  });

  it('is Monday morning from a Saturday', () => {
    expect(iso(nextWorkingMoment(berlin, new Date('2026-06-06T12:00:00Z')))).toBe('2026-06-08T07:00:00.000Z');
  });

  it('is what a delay of workingTime alone waits for', () => {
    const due = dueAtOf({ delay: { workingTime: true }, timeZone: 'UTC', occurredAt: '2026-06-06T12:00:00Z', calendar: berlin });

    expect(iso(due)).toBe('2026-06-08T07:00:00.000Z');
  });
});

describe('working-time delays in a definition', () => {
  const base = {
    name: 'Call back',
    trigger: { type: 'created', entity: 'lead' },
    actions: [{ type: 'updateFields', set: { 'fields.callback': 'due' } }],
  };

  it('are accepted in days and hours and named for the admin', () => {
    const definition = parseAutomationDefinition({ ...base, delay: { after: 'P2D', workingTime: true } });

    expect(definition.delay).toEqual({ after: 'P2D', workingTime: true });
    expect(waitStateName({ after: 'P2D', workingTime: true })).toBe('Wait 2 working days');
    expect(waitStateName({ workingTime: true })).toBe('Wait for the next working hour');
  });

  it('refuse months, which have no working-time meaning, naming the field', () => {
    expect(() => parseAutomationDefinition({ ...base, delay: { after: 'P1M', workingTime: true } })).toThrow(/delay\.after/);
  });

  it('refuse an empty delay without working time', () => {
    expect(() => parseAutomationDefinition({ ...base, delay: {} })).toThrow(/delay/);
  });

  it('describe themselves in words', () => {
    expect(describeWorkingTime('P1DT2H')).toBe('1 working day 2 working hours');
    expect(defaultCalendar.days).toHaveLength(5);
  });
});
