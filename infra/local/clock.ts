// Local time that can be moved forward ("six months later" in a minute). The offset
// is kept under STAGECRAFT_HOME so a restart keeps the moved time.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime, Duration } from 'luxon';
import { ValidationFailed } from '#shared/errors.ts';
import type { Clock } from '#shared/ports.ts';

export interface LocalClock extends Clock {
  /** Moves time forward by an ISO-8601 duration, calendar-aware (P1M from Jan 31 is Feb 28). */
  advance(iso: string): Date;
  offsetMs(): number;
  onAdvance(listener: (now: Date) => void): void;
}

const LATEST_TIME = Date.UTC(10000, 0, 1);

export function createLocalClock(home?: string): LocalClock {
  const file = home ? join(home, 'clock.json') : undefined;
  let offset = file && existsSync(file) ? Number(JSON.parse(readFileSync(file, 'utf8')).offsetMs) || 0 : 0;
  const listeners: Array<(now: Date) => void> = [];
  const now = () => new Date(Date.now() + offset);
  return {
    now,
    offsetMs: () => offset,
    advance(iso) {
      const duration = Duration.fromISO(iso);
      if (!duration.isValid || duration.toMillis() < 0) {
        throw ValidationFailed.field('advance', 'a positive ISO-8601 duration such as P6M or PT2H');
      }
      const target = DateTime.fromJSDate(now(), { zone: 'utc' }).plus(duration).toJSDate();
      // Past 9999 the ISO timestamps the store sorts by grow a sign and a fifth digit, and ids cannot encode the time.
      if (!(target.getTime() < LATEST_TIME)) {
        throw ValidationFailed.field('advance', `moves the clock past 9999-12-31 (now ${now().toISOString()}); choose a shorter duration`);
      }
      offset = target.getTime() - Date.now();
      if (file) writeFileSync(file, JSON.stringify({ offsetMs: offset }));
      for (const listener of listeners) listener(target);
      return target;
    },
    onAdvance(listener) {
      listeners.push(listener);
    },
  };
}
