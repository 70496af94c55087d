// ULIDs from a clock port, so ids stay time-ordered when local time is moved forward.
import { createHash, randomFillSync } from 'node:crypto';
import { encodeTime, monotonicFactory } from 'ulid';
import type { Clock, Ids } from './ports.ts';

export const systemClock: Clock = { now: () => new Date() };

/**
 * Random fractions in [0, 1) from the system's CSPRNG, as ulid's own PRNG makes them (a random byte / 256), but
 * drawn from a pool filled 4 KiB at a time: ulid's calls `crypto.getRandomValues` once per character, 16 times
 * per id.
 */
export const pooledRandom: () => number = (() => {
  const pool = new Uint8Array(4096);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
})();

export function ulidIds(clock: Clock = systemClock): Ids {
  const next = monotonicFactory(pooledRandom);
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
