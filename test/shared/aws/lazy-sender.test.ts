// Channel adapters loaded by their first send: loaded once, and tried again after a load that failed.
import { describe, expect, it } from 'vitest';
import { loadedOnFirstSend } from '#shared/aws/lazy-sender.ts';

describe('a sender loaded on its first send', () => {
  it('loads nothing until it sends, then loads once for every send', async () => {
    let loads = 0;
    const sent: string[] = [];
    const sender = loadedOnFirstSend(async () => {
      loads += 1;
      return { send: async (message: string) => (sent.push(message), { id: `m${sent.length}` }) };
    });
    const before = loads;

    const replies = await Promise.all([sender.send('a'), sender.send('b')]);
    await sender.send('c');

    expect(before).toBe(0);
    expect(loads).toBe(1);
    expect(replies).toEqual([{ id: 'm1' }, { id: 'm2' }]);
    expect(sent).toEqual(['a', 'b', 'c']);
  });

  it('tries the load again on the next send after it failed', async () => {
    let loads = 0;
    const sender = loadedOnFirstSend(async () => {
      loads += 1;
      if (loads === 1) throw new Error('module not found');
      return { send: async (message: string) => `sent ${message}` };
    });

    const first = sender.send('a').catch((error: Error) => error.message);
    const second = await first.then(() => sender.send('b'));

    expect(await first).toBe('module not found');
    expect(second).toBe('sent b');
    expect(loads).toBe(2);
  });
});
