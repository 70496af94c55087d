// ULIDs from a clock port, so ids stay time-ordered when local time is moved forward.
import { createHash } from 'node:crypto';
import { encodeTime, monotonicFactory } from 'ulid';
import type { Clock, Ids } from './ports.ts';

export const systemClock: Clock = { now: () => new Date() };

export function ulidIds(clock: Clock = systemClock): Ids {
  const next = monotonicFactory();
  return { next: () => next(clock.now().getTime()) };
}

/**
 * A ULID that is the same on every retry of one automation step: its time part is the
 * step's planned time (so listings stay newest first), its random part a hash of
 * (run, step). A retried step therefore finds its record already there.
 */
export function stepId(runId: string, stepIndex: number, plannedAt: Date): string {
  const digest = createHash('sha256').update(`${runId}#${stepIndex}`).digest();
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let random = '';
  for (let i = 0; i < 16; i++) random += alphabet[(digest[i] ?? 0) % 32];
  return `${encodeTime(plannedAt.getTime(), 10)}${random}`;
}
