import { describe, expect, it } from 'vitest';
import { loadedOnFirstUse } from '#shared/lazy-module.ts';

describe('loadedOnFirstUse', () => {
  it('loads once however many callers ask, at the same time or later', async () => {
    // Prepare
    let loads = 0;
    const load = loadedOnFirstUse(async () => ({ loaded: ++loads }));
    // Act
    const [first, second] = await Promise.all([load(), load()]);
    const third = await load();
    // Assess
    expect(loads).toBe(1);
    expect(first).toBe(second);
    expect(third).toBe(first);
  });

  it('tries a failed load again on the next call, as after a chunk that could not be read', async () => {
    // Prepare
    let attempts = 0;
    const load = loadedOnFirstUse(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('Cannot find module chunk-X.mjs');
      return 'engine';
    });
    // Act
    const failed = load();
    // Assess
    await expect(failed).rejects.toThrow('Cannot find module chunk-X.mjs');
    await expect(load()).resolves.toBe('engine');
    expect(attempts).toBe(2);
  });
});
