// ISO-8601 durations as automations write them ("P6M", "-P3D"): their shape, limits and words, without date
// arithmetic (that is durations.ts, with luxon), so the schemas and state names check and name a delay without luxon.

// Whole units only: "P1.5M" has no calendar meaning, and a leading "-" counts backwards (offsets such as "-P3D").
const ISO_DURATION = /^(-)?P(?=\d|T\d)(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?(?:T(?=\d)(?:(\d{1,7})H)?(?:(\d{1,8})M)?(?:(\d{1,9})S)?)?$/;

/** The longest delay or offset an automation may name; a run is not meant to outlive a contract cycle. */
export const MAX_DURATION_DAYS = 3660;

/** Standard executions last at most one year; a longer wait continues in a new execution once this many days
 *  have passed, leaving five days for the actions that follow the wait (and their retries). */
export const EXECUTION_WAIT_LIMIT_DAYS = 360;

/** Time of day given to a date-only field ("2026-05-01") when a run waits for it. */
export const DEFAULT_TIME_OF_DAY = '09:00';
export const TIME_OF_DAY = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

export const DURATION_HINT = 'an ISO-8601 duration in whole units, such as P6M, P3D, PT2H or -P3D';

interface DurationParts {
  negative: boolean;
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export function durationParts(text: string): DurationParts | undefined {
  const match = ISO_DURATION.exec(text);
  if (!match) return undefined;
  const n = (index: number) => Number(match[index] ?? 0);
  return { negative: match[1] === '-', years: n(2), months: n(3), weeks: n(4), days: n(5), hours: n(6), minutes: n(7), seconds: n(8) };
}

export function isDuration(text: string): boolean {
  return durationParts(text) !== undefined;
}

export function isNegativeDuration(text: string): boolean {
  return durationParts(text)?.negative ?? false;
}

export function isZeroDuration(text: string): boolean {
  return isDuration(text) && longestDays(text) === 0;
}

/** An upper bound of the duration's length in days (a month counted as 31, a year as 366), without its sign. */
export function longestDays(text: string): number {
  const p = durationParts(text);
  if (!p) return Number.NaN;
  return p.years * 366 + p.months * 31 + p.weeks * 7 + p.days + p.hours / 24 + p.minutes / 1440 + p.seconds / 86400;
}

/** Words for a duration as an admin reads it in a state name: "6 months", "1 year 2 months", "36 hours". */
export function describeDuration(duration: string): string {
  const p = durationParts(duration);
  if (!p) return duration;
  const units: Array<[number, string]> = [
    [p.years, 'year'],
    [p.months, 'month'],
    [p.weeks, 'week'],
    [p.days, 'day'],
    [p.hours, 'hour'],
    [p.minutes, 'minute'],
    [p.seconds, 'second'],
  ];
  const words = units.filter(([count]) => count > 0).map(([count, unit]) => `${count} ${unit}${count === 1 ? '' : 's'}`);
  return words.length > 0 ? words.join(' ') : '0 seconds';
}
