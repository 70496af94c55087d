// ULIDs from a clock port, so ids stay time-ordered when local time is moved forward.
import { monotonicFactory } from 'ulid';
import type { Clock, Ids } from './ports.ts';

export const systemClock: Clock = { now: () => new Date() };

export function ulidIds(clock: Clock = systemClock): Ids {
  const next = monotonicFactory();
  return { next: () => next(clock.now().getTime()) };
}
