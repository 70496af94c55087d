// The console's build lock (web/build.ts): one build at a time across processes, a lock left by an ended one taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withFileLock } from '#web/build.ts';

const folders: string[] = [];
function lockFile(): string {
  const folder = mkdtempSync(join(tmpdir(), 'stagecraft-lock-'));
  folders.push(folder);
  return join(folder, 'build.lock');
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('the console build lock', () => {
  it('runs one holder at a time and removes the lock after the last', async () => {
    const lock = lockFile();
    const events: string[] = [];
    const hold = (name: string) =>
      withFileLock(
        lock,
        async () => {
          events.push(`${name} in`);
          await sleep(50);
          events.push(`${name} out`);
        },
        { pollMs: 10 },
      );

    await Promise.all([hold('a'), hold('b')]);

    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(existsSync(lock)).toBe(false);
  });

  it('waits for a lock held by a live process until it is released', async () => {
    const lock = lockFile();
    writeFileSync(lock, String(process.pid));
    let ran = false;

    const waitedFor: number[] = [];
    const waiting = withFileLock(lock, async () => (ran = true), { pollMs: 10, onWait: (holder) => waitedFor.push(holder) });
    await sleep(100);
    const ranWhileHeld = ran;
    rmSync(lock);
    await waiting;

    expect(ranWhileHeld).toBe(false);
    expect(ran).toBe(true);
    // Told once, with the holder's id.
    expect(waitedFor).toEqual([process.pid]);
  });

  it('takes over a lock whose process has ended, and releases it after a failed holder', async () => {
    const lock = lockFile();
    const ended = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(lock, String(ended));

    await expect(withFileLock(lock, async () => Promise.reject(new Error('build failed')), { pollMs: 10 })).rejects.toThrow('build failed');

    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock older than staleAfterMs even when its process id is alive (reused after a reboot)', async () => {
    const lock = lockFile();
    writeFileSync(lock, String(process.pid));
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    let ran = false;

    await withFileLock(lock, async () => (ran = true), { pollMs: 10, staleAfterMs: 30_000 });

    expect(ran).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });
});
