// The workspace calendar's words and checks without date arithmetic (that is working-time.ts, with luxon): what the
// schemas and state names need, so the API validates a calendar or a working-time delay without loading luxon.
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/** A workspace's calendar, validated (calendar-schema.ts checks its schema yields exactly this). */
export interface Calendar {
  timeZone: string;
  days: Weekday[];
  hours: { start: string; end: string };
  holidays: string[];
}

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const TIME_OF_DAY = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

/** An IANA time zone the platform knows (what luxon's IANAZone.isValidZone asks, without loading luxon). */
export function isTimeZone(name: string): boolean {
  if (!name) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name }).format();
    return true;
  } catch {
    return false;
  }
}

/** A YYYY-MM-DD that names a day of the (proleptic Gregorian) calendar: no 2026-02-30, no month 13. */
export function isCalendarDate(day: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return false;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const length = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return month >= 1 && month <= 12 && date >= 1 && date <= length;
}

export const minutesOf = (time: string) => {
  const [hour, minute] = time.split(':').map(Number);
  return (hour ?? 0) * 60 + (minute ?? 0);
};

/** A workspace that never set its calendar works Monday to Friday, 09:00 to 17:00 UTC. */
export const defaultCalendar: Calendar = {
  timeZone: 'UTC',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  hours: { start: '09:00', end: '17:00' },
  holidays: [],
};

// Durations counted in working time: whole days, hours, minutes and seconds (a working month has no meaning).
export const WORKING_DURATION = /^P(?=\d|T\d)(?:(\d{1,4})D)?(?:T(?=\d)(?:(\d{1,5})H)?(?:(\d{1,6})M)?(?:(\d{1,7})S)?)?$/;
export const WORKING_DURATION_HINT = 'counted in working days, hours and minutes, such as P2D, PT4H or P1DT2H';

export function isWorkingDuration(text: string): boolean {
  return WORKING_DURATION.test(text);
}

/** Words for a working-time delay as an admin reads it: "2 working days", "the next working hour". */
export function describeWorkingTime(duration: string | undefined): string {
  if (duration === undefined) return 'the next working hour';
  const match = WORKING_DURATION.exec(duration);
  if (!match) return `${duration} of working time`;
  const units: Array<[number, string]> = [
    [Number(match[1] ?? 0), 'working day'],
    [Number(match[2] ?? 0), 'working hour'],
    [Number(match[3] ?? 0), 'working minute'],
    [Number(match[4] ?? 0), 'working second'],
  ];
  return units
    .filter(([count]) => count > 0)
    .map(([count, unit]) => `${count} ${unit}${count === 1 ? '' : 's'}`)
    .join(' ');
}
