// The workspace calendar: working days, hours and holidays in one time zone. Delays "in working time" are
// counted in it when a run enrols (shared/automation/working-time.ts).
import { CalendarPatch } from '#shared/automation/calendar-schema.ts';
import { type Calendar, defaultCalendar } from '#shared/automation/working-calendar.ts';
import type { Store } from '#shared/store/index.ts';
import { parseWith } from '#shared/domain/validation.ts';
import { type Caller, requireAdmin } from './context.ts';

const CALENDAR_SETTING = 'calendar';

/** The calendar as it stands: the default one until an admin sets it. */
export async function workspaceCalendar(store: Pick<Store, 'settings'>): Promise<Calendar> {
  return (await store.settings.get<Calendar>(CALENDAR_SETTING)) ?? defaultCalendar;
}

export function createCalendarService(store: Store) {
  const get = () => workspaceCalendar(store);

  /** Admins change any part; the rest stays as it was. Runs already waiting keep the due time they were given. */
  async function update(input: unknown, caller: Caller): Promise<Calendar> {
    requireAdmin(caller);
    const patch = parseWith(CalendarPatch, input);
    const next: Calendar = { ...(await get()), ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) };
    await store.settings.put(CALENDAR_SETTING, next);
    return next;
  }

  return { get, update };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
