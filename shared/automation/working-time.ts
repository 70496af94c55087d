// Working time for automation delays (Bitrix24's "in working time"): the workspace calendar (time zone,
// working days and hours, holidays) and the due time of a delay counted in it — "2 working days" from a
// Friday evening is Tuesday at opening time. Wall-clock arithmetic in the calendar's zone, so DST is kept.
import type { DateTime } from 'luxon';
import { loadedLuxon } from './date-arithmetic.ts';
import { type Calendar, WORKING_DURATION, WORKING_DURATION_HINT, type Weekday, minutesOf, weekdays } from './working-calendar.ts';

export type { Calendar } from './working-calendar.ts';
export {
  ISO_DATE,
  TIME_OF_DAY,
  WORKING_DURATION_HINT,
  type Weekday,
  defaultCalendar,
  describeWorkingTime,
  isCalendarDate,
  isTimeZone,
  isWorkingDuration,
  minutesOf,
  weekdays,
} from './working-calendar.ts';

/** At most this many calendar days are searched for a working day: a calendar of holidays only ends the search. */
const SEARCH_DAYS = 3660;

export class NoWorkingTime extends Error {
  override readonly name = 'NoWorkingTime';
}

function isWorkingDay(calendar: Calendar, day: DateTime): boolean {
  const weekday = weekdays[day.weekday - 1] as Weekday;
  return calendar.days.includes(weekday) && !calendar.holidays.includes(day.toISODate() ?? '');
}

function at(day: DateTime, time: string): DateTime {
  const minutes = minutesOf(time);
  // Luxon moves a wall-clock time that a DST change skips forward to the first moment that exists.
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
}

const opening = (calendar: Calendar, day: DateTime) => at(day, calendar.hours.start);
const closing = (calendar: Calendar, day: DateTime) => at(day, calendar.hours.end);

/** The first working day strictly after `day` (or `day` itself with `inclusive`). */
function nextWorkingDay(calendar: Calendar, day: DateTime, inclusive = false): DateTime {
  let candidate: DateTime = inclusive ? day.startOf('day') : day.startOf('day').plus({ days: 1 });
  for (let searched = 0; searched < SEARCH_DAYS; searched += 1) {
    if (isWorkingDay(calendar, candidate)) return candidate;
    candidate = candidate.plus({ days: 1 });
  }
  throw new NoWorkingTime(`the calendar has no working day within ${SEARCH_DAYS} days`);
}

/** The moment itself when it is inside working hours, or else the next opening time. */
export function nextWorkingMoment(calendar: Calendar, moment: Date): Date {
  const local = loadedLuxon().DateTime.fromJSDate(moment, { zone: calendar.timeZone });
  if (isWorkingDay(calendar, local)) {
    if (local < opening(calendar, local)) return opening(calendar, local).toJSDate();
    if (local < closing(calendar, local)) return moment;
  }
  return opening(calendar, nextWorkingDay(calendar, local)).toJSDate();
}

/**
 * Adds a working-time duration to a moment. Days come first: the due day is the Nth working day after the
 * moment's day, at the moment's time of day when that falls inside working hours, else at opening time (a
 * request made after closing is picked up when the day opens). Hours and minutes then count only time inside
 * working hours, carrying over to the next working day.
 */
export function addWorkingTime(calendar: Calendar, moment: Date, duration: string): Date {
  const match = WORKING_DURATION.exec(duration);
  if (!match) throw new RangeError(`not a working-time duration (${WORKING_DURATION_HINT}): ${duration}`);
  const days = Number(match[1] ?? 0);
  const workingMillis = (Number(match[2] ?? 0) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0)) * 1000;
  let current: DateTime = loadedLuxon().DateTime.fromJSDate(moment, { zone: calendar.timeZone });
  if (days > 0) {
    let day: DateTime = current;
    for (let counted = 0; counted < days; counted += 1) day = nextWorkingDay(calendar, day);
    const sameTime = day.set({ hour: current.hour, minute: current.minute, second: current.second, millisecond: current.millisecond });
    current = sameTime >= opening(calendar, day) && sameTime < closing(calendar, day) ? sameTime : opening(calendar, day);
  }
  if (workingMillis === 0) return days > 0 ? current.toJSDate() : nextWorkingMoment(calendar, current.toJSDate());
  current = loadedLuxon().DateTime.fromJSDate(nextWorkingMoment(calendar, current.toJSDate()), { zone: calendar.timeZone });
  let remaining = workingMillis;
  for (let searched = 0; searched < SEARCH_DAYS; searched += 1) {
    const available = closing(calendar, current).toMillis() - current.toMillis();
    if (remaining <= available) return current.plus({ milliseconds: remaining }).toJSDate();
    remaining -= available;
    current = opening(calendar, nextWorkingDay(calendar, current));
  }
  throw new NoWorkingTime(`the calendar has no working time within ${SEARCH_DAYS} days`);
}
