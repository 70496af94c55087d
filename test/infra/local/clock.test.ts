// The local clock moves forward by ISO-8601 durations, and refuses a move that would leave the years the store can sort.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalClock } from '#infra/local/clock.ts';
import { ValidationFailed } from '#shared/errors.ts';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function home(): string {
  const made = mkdtempSync(join(tmpdir(), 'stagecraft-clock-'));
  homes.push(made);
  return made;
}

describe('createLocalClock', () => {
  it('moves six months forward and keeps the offset in clock.json', () => {
    // Prepare
    const dir = home();
    const clock = createLocalClock(dir);
    const before = clock.now();

    // Act
    const after = clock.advance('P6M');

    // Assess
    expect(after.getUTCFullYear() * 12 + after.getUTCMonth() - (before.getUTCFullYear() * 12 + before.getUTCMonth())).toBe(6);
    expect(JSON.parse(readFileSync(join(dir, 'clock.json'), 'utf8')).offsetMs).toBe(clock.offsetMs());
  });

  it('refuses a move past 9999 with the field path, and does not move', () => {
    // Prepare
    const dir = home();
    const clock = createLocalClock(dir);
    clock.advance('P1D');
    const offset = clock.offsetMs();

    // Act
    const act = () => clock.advance('P9000Y');

    // Assess
    expect(act).toThrow(ValidationFailed);
    expect(act).toThrow(/9999/);
    expect(clock.offsetMs()).toBe(offset);
    expect(JSON.parse(readFileSync(join(dir, 'clock.json'), 'utf8')).offsetMs).toBe(offset);
  });
});
