// The console's budgets (docs/ARCHITECTURE.md §12): JS shipped on the first load (gzip) and a 2,000-deal
// board interactive, both in Debian's headless Chromium against the running local system.
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LocalSystem } from '#infra/local/system.ts';
import { openChromium } from '#test/web/browser.ts';
import { consoleDist, ensureConsoleBuilt } from '#web/build.ts';

const BOARD_DEALS = Number(process.env.BENCH_BOARD_DEALS ?? 2000);
const stages = ['lead', 'qualified', 'offer', 'negotiation', 'won', 'lost'];

export async function seedBoard(system: Pick<LocalSystem, 'http' | 'credentials'>): Promise<string> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${system.credentials.adminToken}` };
  const pipelineId = `bench${Date.now().toString(36)}`;
  const created = await fetch(`${system.http.url}/pipelines`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ id: pipelineId, name: 'Bench', stages: stages.map((id) => ({ id, name: id, kind: id === 'won' ? 'won' : id === 'lost' ? 'lost' : 'open' })) }),
  });
  if (created.status !== 201) throw new Error(`POST /pipelines answered ${created.status}: ${await created.text()}`);
  let next = 0;
  const writer = async () => {
    while (next < BOARD_DEALS) {
      const i = next++;
      const response = await fetch(`${system.http.url}/deals`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: `Deal ${i}`, pipelineId, stageId: stages[i % stages.length], amount: 100 + (i % 50) * 10, currency: 'EUR', responsibleId: 'admin' }),
      });
      if (response.status !== 201) throw new Error(`POST /deals answered ${response.status}: ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  return pipelineId;
}

function gzipBytes(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).byteLength;
}

export async function consoleFigures(system: LocalSystem): Promise<void> {
  await ensureConsoleBuilt((line) => console.log(`  ${line}`));
  if (!existsSync(join(consoleDist, 'index.html'))) {
    console.log('\nConsole: not built (vite missing): skipped');
    return;
  }
  console.log(`\nConsole (headless Chromium, fresh profile; wall-clock times are distorted by the machine's load, renderer CPU is not):`);
  const seedStart = performance.now();
  const pipelineId = await seedBoard(system);
  console.log(`  seeded ${BOARD_DEALS} deals over ${stages.length} stages in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  await measureBoard(system.http.url, system.credentials.adminToken, pipelineId);
}

/** Opens the board of a seeded pipeline in a fresh Chromium and prints the console's figures. */
export async function measureBoard(apiUrl: string, token: string, pipelineId: string): Promise<void> {
  const chromium = await openChromium({ width: 1280, height: 800 });
  try {
    const { page } = chromium;
    const scripts = new Set<string>();
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith('/console/') && url.pathname.endsWith('.js')) scripts.add(url.pathname.slice('/console/'.length));
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    const start = performance.now();
    await page.goto(`${apiUrl}/console/pipelines/${pipelineId}#token=${token}`);
    // Interactive: every column shows its first cards, and a card's menu opens on a click.
    for (const stage of stages) await page.getByRole('region', { name: stage, exact: true }).getByRole('article').first().waitFor({ timeout: 60_000 });
    const painted = performance.now() - start;
    await page.getByRole('button', { name: /^Move Deal/ }).first().click();
    await page.getByRole('menuitem').first().waitFor({ timeout: 60_000 });
    const interactive = performance.now() - start;
    await page.keyboard.press('Escape');
    await page.getByRole('region', { name: stages[0]!, exact: true }).getByText(/^\d+$/).first().waitFor({ timeout: 120_000 });
    const totals = performance.now() - start;
    const cards = await page.getByRole('article').count();
    // A filter goes to the server: the columns and totals are asked for again with ?q=.
    const filterStart = performance.now();
    await page.getByRole('searchbox', { name: 'Filter deals by title or contact' }).fill(`Deal ${BOARD_DEALS - 1}`);
    await page.getByRole('region', { name: stages[(BOARD_DEALS - 1) % stages.length]!, exact: true }).getByLabel(/: 1 deals$/).waitFor({ timeout: 60_000 });
    await page.getByRole('article').nth(1).waitFor({ state: 'detached', timeout: 60_000 });
    const filtered = performance.now() - filterStart;
    const metrics = Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> }).metrics.map((metric) => [metric.name, metric.value]));

    const firstLoad = [...scripts].reduce((sum, file) => sum + gzipBytes(join(consoleDist, file)), 0);
    console.log(`  first-load JS (board): ${(firstLoad / 1024).toFixed(1)} KB gzip in ${scripts.size} files   (budget ≤ 250 KB)`);
    console.log(`  ${BOARD_DEALS}-deal board: columns painted ${painted.toFixed(0)} ms, interactive (a card's menu opens) ${interactive.toFixed(0)} ms   (budget ≤ 1000 ms)`);
    console.log(`  ${cards} cards rendered (a page per column); totals over all ${BOARD_DEALS} deals (counted by the server) shown after ${totals.toFixed(0)} ms`);
    console.log(`  text filter (server-side q over ${BOARD_DEALS} deals, after the 300 ms typing pause): one card and its count shown ${filtered.toFixed(0)} ms after typing`);
    const msOf = (seconds: number | undefined) => `${((seconds ?? 0) * 1000).toFixed(0)} ms`;
    console.log(
      `  renderer CPU to the end of filtering: main thread ${msOf(metrics.ThreadTime)}, process ${msOf(metrics.ProcessTime)}; main-thread tasks (wall) ${msOf(metrics.TaskDuration)}, of which script ${msOf(metrics.ScriptDuration)}, layout ${msOf(metrics.LayoutDuration)}`,
    );
    console.log(`  load average while measuring: ${loadavg().map((value) => value.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  } finally {
    await chromium.close();
  }
}
