// Console budget (docs/ARCHITECTURE.md §12): Status & logs of a 10,000-run range opens its first page in ≤ 1 s, in headless
// Chromium against local mode. Run alone with `tsx bench/console-runs.ts`; `npm run bench` runs it too.
import '#shared/polyfills.ts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { LocalSystem } from '#infra/local/system.ts';
import type { Logger } from '#shared/ports.ts';
import type { RunRecord, RunStatus } from '#shared/store/runs.ts';
import { aRun, putRuns } from '#test/support/run-records.ts';

const RUNS = Number(process.env.BENCH_LOG_RUNS ?? 10_000);
const LOADS = 5;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const statuses: RunStatus[] = ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'WAITING', 'CANCELLED'];

const ms = (value: number) => `${value.toFixed(0)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

export async function benchRunLog(system: LocalSystem): Promise<void> {
  console.log(`\nConsole: Status & logs with ${RUNS} runs in the range, first page (budget ≤ 1 s in headless Chromium):`);
  if (!existsSync(CHROMIUM)) {
    console.log(`  skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  const { ensureConsoleBuilt } = await import('#web/build.ts');
  await ensureConsoleBuilt((line) => console.log(`  ${line}`));
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${system.credentials.adminToken}` };
  const created = await fetch(`${system.http.url}/automations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'Bench: a busy automation', status: 'stopped', trigger: { type: 'manual', entity: 'deal' }, actions: [{ type: 'notify', to: 'responsible', message: 'hi' }] }),
  });
  const automation = (await created.json()) as { id: string };
  // Runs over the last 30 days, as the compiled state machine leaves them.
  const now = Date.now();
  const runs: RunRecord[] = Array.from({ length: RUNS }, (_, index) =>
    aRun({
      automationId: automation.id,
      runId: `R${String(index).padStart(6, '0')}`,
      startedAt: new Date(now - 30 * 86_400_000 + index * Math.floor((30 * 86_400_000) / RUNS)).toISOString(),
      status: statuses[index % statuses.length] ?? 'SUCCEEDED',
      entityId: `D${index % 500}`,
    }),
  );
  const [, writeMs] = await timed(() => putRuns(system.table, runs, 8));
  const from = new Date(now - 31 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(now + 86_400_000).toISOString().slice(0, 10);
  console.log(`  ${RUNS} run records written in ${ms(writeMs)}`);

  const apiTimes = { page: [] as number[], counts: [] as number[] };
  for (let i = 0; i < LOADS; i++) {
    const [, pageMs] = await timed(() => fetch(`${system.http.url}/automations/${automation.id}/runs?limit=50&from=${from}T00:00:00Z&to=${to}T23:59:59Z`, { headers }).then((r) => r.text()));
    const [, countsMs] = await timed(() => fetch(`${system.http.url}/automations/${automation.id}/runs/counts?from=${from}T00:00:00Z&to=${to}T23:59:59Z`, { headers }).then((r) => r.text()));
    apiTimes.page.push(pageMs);
    apiTimes.counts.push(countsMs);
  }
  console.log(`  API: first page of 50 median ${ms(median(apiTimes.page))}, counts per status median ${ms(median(apiTimes.counts))}`);

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${system.http.url}/console/#token=${system.credentials.adminToken}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const url = `${system.http.url}/console/runs?automationId=${automation.id}&from=${from}&to=${to}`;
    const rows: number[] = [];
    const counted: number[] = [];
    for (let i = 0; i <= LOADS; i++) {
      const start = performance.now();
      await page.goto(url);
      // Open means the first page's 50 rows are on screen; the counts of the range follow on their own.
      await page.getByRole('link', { name: /^Run R/ }).nth(49).waitFor({ timeout: 30_000 });
      rows.push(performance.now() - start);
      await page.getByRole('button', { name: /^SUCCEEDED \d+/ }).waitFor({ timeout: 30_000 });
      counted.push(performance.now() - start);
    }
    const report = (label: string, values: number[]) => {
      const [cold, ...warm] = values;
      console.log(`  ${label}: first load ${ms(cold ?? Number.NaN)}, then median ${ms(median(warm))}, max ${ms(Math.max(...warm))} (${LOADS} loads)`);
    };
    report('console, page load → first page of 50 rows shown', rows);
    report('console, page load → counts per status shown   ', counted);
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { startLocalSystem } = await import('#infra/local/system.ts');
  const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-bench-console-'));
  const system = await startLocalSystem({ home, port: 0, logger: quiet, seedAutomations: false });
  try {
    await benchRunLog(system);
  } finally {
    await system.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
