// Record ids: ULIDs ordered by the clock port, their random part from the system's CSPRNG drawn from a pool.
import { describe, expect, it } from 'vitest';
import { pooledRandom, ulidIds } from '#shared/ids.ts';
import { manualClock } from '#test/support/table.ts';

describe('ulidIds', () => {
  it('gives ids ordered by the clock, and by creation within one millisecond', () => {
    // Prepare
    const clock = manualClock();
    const ids = ulidIds(clock);

    // Act
    const sameMillisecond = Array.from({ length: 5 }, () => ids.next());
    clock.advance(1);
    const later = ids.next();

    // Assess
    const all = [...sameMillisecond, later];
    expect([...all].sort()).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
  });

  it('gives different random parts to ids of different milliseconds, past one pool of random bytes', () => {
    // Prepare
    const clock = manualClock();
    const ids = ulidIds(clock);

    // Act: 16 random characters per id, so 1,000 ids draw the 4 KiB pool about four times.
    const randomParts = Array.from({ length: 1000 }, () => {
      clock.advance(1);
      return ids.next().slice(10);
    });

    // Assess
    expect(new Set(randomParts).size).toBe(1000);
  });
});

describe('pooledRandom', () => {
  it('gives fractions of 256 in [0, 1) that cover the range, past a refill of its pool', () => {
    // Act
    const values = Array.from({ length: 20_000 }, () => pooledRandom());

    // Assess
    expect(values.every((value) => value >= 0 && value < 1 && Number.isInteger(value * 256))).toBe(true);
    expect(new Set(values).size).toBe(256);
  });
});
