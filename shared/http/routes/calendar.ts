// The workspace calendar in the HTTP API: what "in working time" means for automation delays.
import { Calendar, CalendarPatch } from '#shared/automation/calendar-schema.ts';
import type { CalendarService } from '#shared/crm/calendar.ts';
import type { Route } from '../router.ts';

export function calendarRoutes(calendar: CalendarService): Route[] {
  const tag = 'settings';
  return [
    {
      method: 'GET',
      path: '/settings/calendar',
      tag,
      summary: 'Read the workspace calendar (time zone, working days and hours, holidays) that working-time delays count in',
      response: Calendar,
      status: 200,
      handle: async () => ({ status: 200, body: await calendar.get() }),
    },
    {
      method: 'PATCH',
      path: '/settings/calendar',
      tag,
      summary: 'Change the workspace calendar (admins); waiting runs keep the due time they were given',
      body: CalendarPatch,
      response: Calendar,
      status: 200,
      handle: async (request) => ({ status: 200, body: await calendar.update(request.body, request.caller) }),
    },
  ];
}
