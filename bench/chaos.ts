// `npm run chaos`: the crash drill of test/e2e/crash.test.ts at full size — 200 deals, 3 kills
// (two during the writes, one during the clock advance). A bench, not a test: it prints the
// counts, all of which must be 0, and exits non-zero when one is not.
import '#shared/polyfills.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDrill, summary } from '#test/support/chaos.ts';

const deals = Number(process.env.CHAOS_DEALS ?? 200);
const kills = Number(process.env.CHAOS_KILLS ?? 3);
const home = mkdtempSync(join(tmpdir(), 'stagecraft-chaos-'));
const started = process.hrtime.bigint();
try {
  const result = await runDrill({ home, deals, kills, writers: 16, settleMs: 180_000, log: (line) => console.log(`  ${line}`) });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${deals} deals, ${result.kills} kills, ${result.unansweredWrites} writes retried after no answer, ${seconds.toFixed(0)} s wall-clock`);
  console.log(`repeat leads missing ${result.repeatLeadsMissing}, doubled ${result.repeatLeadsDoubled}`);
  console.log(summary(result));
  const clean = [result.confirmedWritesLost, result.runsMissing, result.runsDoubled, result.runsStuck, result.repeatLeadsMissing, result.repeatLeadsDoubled].every((count) => count === 0);
  process.exitCode = clean ? 0 : 1;
} finally {
  rmSync(home, { recursive: true, force: true });
}
