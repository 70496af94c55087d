// luxon (≈ 70 KB), the calendar arithmetic of waits, date conditions and activity due dates: loaded by the first
// run step or dry run that needs it (shared/engine/run-action.ts, shared/engine/runs.ts), not at init. The words
// and checks of durations and calendars need none of it (iso-durations.ts, working-calendar.ts).
import type * as Luxon from 'luxon';
import { loadedOnFirstUse } from '#shared/lazy-module.ts';

let luxon: typeof Luxon | undefined;

/** Loads luxon (once; a failed load is tried again next time). */
export const loadDateArithmetic = loadedOnFirstUse(async () => {
  luxon = await import('luxon');
  return luxon;
});

/** luxon for the synchronous arithmetic (durations.ts, working-time.ts, conditions.ts); its callers load it first. */
export function loadedLuxon(): typeof Luxon {
  if (!luxon) throw new Error('Date arithmetic is not loaded: await loadDateArithmetic() before planning a wait or checking a date.');
  return luxon;
}
