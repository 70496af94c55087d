// Calendar time for automations: ISO-8601 durations added in the workspace time zone (P6M from
// Aug 31 lands on Feb 28/29; P1D across a DST change keeps the wall-clock time), and when a waiting run is due.
import type { DateTime, Duration } from 'luxon';
import { loadedLuxon } from './date-arithmetic.ts';
import { fieldValue } from './fields.ts';
import { DEFAULT_TIME_OF_DAY, DURATION_HINT, EXECUTION_WAIT_LIMIT_DAYS, durationParts, isDuration } from './iso-durations.ts';
import { type Calendar, addWorkingTime, defaultCalendar, nextWorkingMoment } from './working-time.ts';

export {
  DEFAULT_TIME_OF_DAY,
  DURATION_HINT,
  EXECUTION_WAIT_LIMIT_DAYS,
  MAX_DURATION_DAYS,
  TIME_OF_DAY,
  describeDuration,
  isDuration,
  isNegativeDuration,
  isZeroDuration,
  longestDays,
} from './iso-durations.ts';

function luxonDuration(text: string): Duration {
  const p = durationParts(text);
  if (!p) throw new RangeError(`not ${DURATION_HINT}: ${text}`);
  const sign = p.negative ? -1 : 1;
  return loadedLuxon().Duration.fromObject({
    years: sign * p.years,
    months: sign * p.months,
    weeks: sign * p.weeks,
    days: sign * p.days,
    hours: sign * p.hours,
    minutes: sign * p.minutes,
    seconds: sign * p.seconds,
  });
}

export { isTimeZone } from './working-calendar.ts';

function instant(at: Date | string, timeZone: string): DateTime {
  const { DateTime } = loadedLuxon();
  const parsed = typeof at === 'string' ? DateTime.fromISO(at, { setZone: true }) : DateTime.fromJSDate(at);
  if (!parsed.isValid) throw new RangeError(`not a date-time: ${String(at)}`);
  return parsed.setZone(timeZone);
}

/**
 * Adds an ISO-8601 duration to a moment, counting calendar units in the time zone: months keep the day of
 * month (clamped to the month's last day), days keep the wall-clock time across DST, hours are exact.
 */
export function addDuration(at: Date | string, duration: string, timeZone: string): Date {
  return instant(at, timeZone).plus(luxonDuration(duration)).toJSDate();
}

/**
 * The moment a date or date-time field's value stands for. A date-only value ("2026-05-01") is that day at
 * `timeOfDay` in the time zone; a date-time without offset is wall-clock time there; one with an offset is exact.
 */
export function momentOfField(value: unknown, timeZone: string, timeOfDay = DEFAULT_TIME_OF_DAY): DateTime | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [hour, minute] = timeOfDay.split(':').map(Number);
    const day = loadedLuxon().DateTime.fromISO(value, { zone: timeZone }).set({ hour, minute, second: 0, millisecond: 0 });
    return day.isValid ? day : undefined;
  }
  const moment = loadedLuxon().DateTime.fromISO(value, { zone: timeZone });
  return moment.isValid ? moment : undefined;
}

/** A run's wait: a duration from the trigger, a date field, or (in working time only) the next working hour. */
export type Delay =
  | { after: string; workingTime?: boolean }
  | { until: { field: string; offset?: string; at?: string }; workingTime?: boolean }
  | { workingTime: true };

export interface WaitRequest {
  delay: Delay;
  timeZone: string;
  /** When the trigger event happened: `after` counts from it. */
  occurredAt: string;
  /** The trigger's record: `until` reads its date field. */
  record?: Record<string, unknown>;
  /** When this execution started: its one-year limit counts from it. */
  startedAt: string;
  /** Set in a continuation execution: the due time its predecessor computed. */
  continuation?: { dueAt: string; part: number };
  /** False when the state machine has no way to continue (its delay can never reach the limit). */
  canContinue?: boolean;
  /** The workspace calendar a delay in working time counts in. */
  calendar?: Calendar;
}

export interface WaitPlan {
  /** When the run is due: its actions run then. */
  dueAt: string;
  /** When this execution's Wait ends: `dueAt`, or the execution's wait limit when the run is due later. */
  waitUntil: string;
  /** True when at `waitUntil` the run continues in a new execution rather than running its actions. */
  continues: boolean;
  /** Which execution of the run this is: 1, then 2 for the first continuation, … */
  part: number;
}

/** The delay's due time cannot be computed, e.g. the date field is empty: the run is skipped, not failed. */
export class DueDateUnknown extends Error {
  override readonly name = 'DueDateUnknown';
}

export function dueAtOf(request: Pick<WaitRequest, 'delay' | 'timeZone' | 'occurredAt' | 'record' | 'calendar'>): Date {
  const { delay, timeZone } = request;
  const calendar = request.calendar ?? defaultCalendar;
  if ('after' in delay) {
    return delay.workingTime
      ? addWorkingTime(calendar, new Date(request.occurredAt), delay.after)
      : addDuration(request.occurredAt, delay.after, timeZone);
  }
  if (!('until' in delay)) return nextWorkingMoment(calendar, new Date(request.occurredAt));
  const { field, offset = 'PT0S', at } = delay.until;
  const value = fieldValue(request.record, field);
  const moment = momentOfField(value, timeZone, at);
  if (!moment) {
    throw new DueDateUnknown(
      value === undefined || value === null || value === '' ? `${field} is empty` : `${field} is not a date: ${JSON.stringify(value)}`,
    );
  }
  const due = moment.plus(luxonDuration(offset)).toJSDate();
  return delay.workingTime ? nextWorkingMoment(calendar, due) : due;
}

/**
 * When a waiting run is due, and how far this execution may wait for it. A due time past the execution's
 * limit is represented as "wait until the limit, then continue in a new execution" (`continues`), and the
 * new execution plans again from `continuation`.
 */
export function planWait(request: WaitRequest): WaitPlan {
  const due = request.continuation ? new Date(request.continuation.dueAt) : dueAtOf(request);
  if (Number.isNaN(due.getTime())) throw new DueDateUnknown(`not a due time: ${String(request.continuation?.dueAt)}`);
  const limit = loadedLuxon().DateTime.fromISO(request.startedAt, { zone: 'utc' }).plus({ days: EXECUTION_WAIT_LIMIT_DAYS });
  if (!limit.isValid) throw new RangeError(`not a start time: ${request.startedAt}`);
  const continues = (request.canContinue ?? true) && due.getTime() > limit.toMillis();
  return {
    dueAt: due.toISOString(),
    waitUntil: continues ? limit.toJSDate().toISOString() : due.toISOString(),
    continues,
    part: request.continuation?.part ?? 1,
  };
}

/**
 * When a planned activity is due: a duration counts from now in the time zone; otherwise the value is a
 * rendered date or date-time.
 */
export function activityDueAt(due: string, options: { now: Date; timeZone: string; timeOfDay?: string }): Date | undefined {
  const text = due.trim();
  if (isDuration(text)) return addDuration(options.now, text, options.timeZone);
  return momentOfField(text, options.timeZone, options.timeOfDay)?.toJSDate();
}
