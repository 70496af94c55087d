// Assertions in a loop pass vacuously over nothing: a test loops over what it has first seen is there.
import { expect } from 'vitest';

/** `items`, asserted to hold at least one, for a loop of assertions over them. */
export function nonEmpty<T>(items: Iterable<T>, what = 'the items looped over'): T[] {
  const all = [...items];
  expect(all.length, what).toBeGreaterThan(0);
  return all;
}
