// The workspace calendar as an admin sets it (PATCH /settings/calendar): its schema. Working-time arithmetic
// (working-time.ts) reads a calendar already validated, so what compiles and runs automations bundles no schema.
import { z } from 'zod';
import type { Assert, Same } from '#shared/type-checks.ts';
import { ISO_DATE, TIME_OF_DAY, type Calendar as PlainCalendar, isCalendarDate, isTimeZone, minutesOf, weekdays } from './working-calendar.ts';

export const Calendar = z.strictObject({
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin'),
  days: z
    .array(z.enum(weekdays))
    .min(1)
    .max(7)
    .refine((days) => new Set(days).size === days.length, 'each day once'),
  hours: z
    .strictObject({
      start: z.string().regex(TIME_OF_DAY, 'a time of day as HH:mm, such as 09:00'),
      end: z.string().regex(TIME_OF_DAY, 'a time of day as HH:mm, such as 17:00'),
    })
    .refine((hours) => minutesOf(hours.start) < minutesOf(hours.end), { path: ['end'], message: 'the day must end after it starts' }),
  holidays: z
    .array(z.string().regex(ISO_DATE, 'a date as YYYY-MM-DD').refine(isCalendarDate, 'not a calendar date'))
    .max(400),
});
/** The plain type working-time arithmetic reads (working-calendar.ts), which the schema must yield exactly. */
export type Calendar = PlainCalendar;
type _SchemaYieldsCalendar = Assert<Same<z.infer<typeof Calendar>, PlainCalendar>>;

/** A calendar patch: any of its parts. */
export const CalendarPatch = z.strictObject({
  timeZone: Calendar.shape.timeZone.optional(),
  days: Calendar.shape.days.optional(),
  hours: Calendar.shape.hours.optional(),
  holidays: Calendar.shape.holidays.optional(),
});
