// Local mode survives a crash (issue 8): the whole system, as `npm start` runs it, is killed
// (SIGKILL to its process group) at a random moment while writers move deals to won and again
// while a clock advance fires their six-month waits, and restarted on the same data each time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DrillResult, runDrill } from '#test/support/chaos.ts';

const home = mkdtempSync(join(tmpdir(), 'stagecraft-crash-'));

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

describe('local mode killed during writes and during a clock advance', () => {
  let result: DrillResult;

  // Sized for about a minute on an idle two-core machine; the timeout leaves room for a loaded one.
  it('keeps every confirmed write, runs every won deal once per automation, leaves nothing stuck', async () => {
    result = await runDrill({ home, deals: 24, kills: 2, writers: 8 });

    expect(result.kills).toBe(2);
    expect(result.recoveryLines).toHaveLength(2);
    expect(result.recoveryLines.every((line) => /^resumed \d+ runs, replayed \d+ stream records from the /.test(line))).toBe(true);
    expect(result).toMatchObject({
      confirmedWritesLost: 0,
      runsMissing: 0,
      runsDoubled: 0,
      runsStuck: 0,
      repeatLeadsMissing: 0,
      repeatLeadsDoubled: 0,
    });
  }, 300_000);
});
