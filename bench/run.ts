// `npm run bench`: the budgets of DESIGN §10, measured on this machine in local mode.
// Numbers, not assertions: it prints what it saw and exits 0.
import '#shared/polyfills.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { demoAutomations } from '#infra/local/seed.ts';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { compileAutomation } from '#shared/automation/compile.ts';
import { parseAutomationDefinition } from '#shared/automation/definition.ts';
import type { Logger } from '#shared/ports.ts';
import { BUNDLE_BUDGET_BYTES, buildFunctions } from '../scripts/build.ts';
import { consoleFigures } from './console.ts';
import { benchRunLog } from './console-runs.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const RATE_PER_SECOND = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BURST_WRITES = Number(process.env.BENCH_BURST ?? 1000);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Watches the local bus for `Contact Created` events and notes when each arrives, by contact name. */
function watchDeliveries(system: LocalSystem, prefix: string) {
  const arrivals = new Map<string, number[]>();
  system.events.bus.putRule({
    name: `bench-${prefix}`,
    pattern: { source: ['stagecraft.crm'], 'detail-type': ['Contact Created'], detail: { after: { name: [{ prefix }] } } },
    enabled: true,
    target: async (event) => {
      const name = String((event as unknown as { detail: { after: { name: string } } }).detail.after.name);
      const seen = arrivals.get(name) ?? [];
      seen.push(performance.now());
      arrivals.set(name, seen);
    },
  });
  return arrivals;
}

async function post(system: LocalSystem, name: string): Promise<void> {
  const response = await fetch(`${system.http.url}/contacts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': system.credentials.integrationKey },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) throw new Error(`POST /contacts answered ${response.status}: ${await response.text()}`);
}

async function settle(arrivals: Map<string, number[]>, expected: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (arrivals.size < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  // A doubled delivery would come right behind; give it the time to show.
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

function lostAndDoubled(arrivals: Map<string, number[]>, names: string[]) {
  let lost = 0;
  let doubled = 0;
  for (const name of names) {
    const seen = arrivals.get(name)?.length ?? 0;
    if (seen === 0) lost += 1;
    if (seen > 1) doubled += seen - 1;
  }
  return { lost, doubled };
}

async function triggerLatency(system: LocalSystem) {
  const arrivals = watchDeliveries(system, 'latency-');
  const sentAt = new Map<string, number>();
  const total = RATE_PER_SECOND * SECONDS;
  const interval = 1000 / RATE_PER_SECOND;
  const start = performance.now();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const name = `latency-${i}`;
    sentAt.set(name, performance.now());
    writes.push(post(system, name));
  }
  await Promise.all(writes);
  await settle(arrivals, total);
  const latencies = [...sentAt.entries()]
    .map(([name, sent]) => (arrivals.get(name)?.[0] ?? Number.NaN) - sent)
    .filter((value) => !Number.isNaN(value))
    .sort((a, b) => a - b);
  return { total, latencies, ...lostAndDoubled(arrivals, [...sentAt.keys()]) };
}

async function sustainedThroughput(system: LocalSystem) {
  const arrivals = watchDeliveries(system, 'burst-');
  const names = Array.from({ length: BURST_WRITES }, (_, i) => `burst-${i}`);
  const start = performance.now();
  const queue = [...names];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) await post(system, name);
    }),
  );
  const writesDone = performance.now();
  await settle(arrivals, names.length);
  const lastArrival = Math.max(...[...arrivals.values()].flat());
  return {
    writesPerSecond: (names.length / (writesDone - start)) * 1000,
    eventsPerSecond: (arrivals.size / (lastArrival - start)) * 1000,
    ...lostAndDoubled(arrivals, names),
  };
}

/** Cold init: a fresh Node process importing the bundle, as Lambda's init phase does. */
function coldInit(name: string): number | undefined {
  const script = `const t=performance.now();await import(${JSON.stringify(`./dist/${name}/index.mjs`)});console.log(performance.now()-t)`;
  try {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...process.env,
        TABLE_NAME: 'bench',
        EVENT_BUS_NAME: 'bench',
        AWS_REGION: 'us-east-1',
        USER_POOL_ID: 'us-east-1_bench',
        USER_POOL_CLIENT_ID: 'bench',
        ACCOUNT_ID: '000000000000',
        AUTOMATION_NAME_PREFIX: 'bench-auto-',
        MAIL_FROM: 'bench@example.com',
        EXECUTION_ROLE_ARN: 'arn:aws:iam::000000000000:role/bench',
        EVENTS_ROLE_ARN: 'arn:aws:iam::000000000000:role/bench',
        RULES_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
        RUN_ACTION_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
        STAGE: 'bench',
        AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return Number(out.toString().trim().split('\n').pop());
  } catch {
    return undefined;
  }
}

/** State transitions of a run that succeeds, walked from StartAt along Next (a Choice's Default). */
function transitionsOnSuccess(asl: { StartAt: string; States: Record<string, Record<string, unknown>> }): string[] {
  const path: string[] = [];
  let name: string | undefined = asl.StartAt;
  while (name && path.length < 100) {
    path.push(name);
    const state: Record<string, unknown> | undefined = asl.States[name];
    if (!state || state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') break;
    name = (state.Next ?? state.Default) as string | undefined;
  }
  return path;
}

function costPerRun(): void {
  console.log('\nCost per run (state transitions of a successful run, from the compiled ASL; budget N + 3 without a delay):');
  for (const automation of demoAutomations) {
    const definition = parseAutomationDefinition(structuredClone(automation));
    const { asl } = compileAutomation({ id: 'bench', definition });
    const path = transitionsOnSuccess(asl as never);
    const n = definition.actions.length;
    const wait = definition.delay ? ' (with a wait: + Plan wait, Wait)' : '';
    console.log(`  ${definition.name.padEnd(52)} N = ${n}: ${path.length} transitions${wait}`);
  }
}

function scansInCode(): number {
  const out = execFileSync('git', ['grep', '-c', 'ScanCommand', '--', 'shared', 'functions'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  return out.split('\n').filter(Boolean).length;
}

async function main(): Promise<void> {
  console.log('Stagecraft bench (local mode, this machine)\n');
  costPerRun();
  let scans = 0;
  try {
    scans = scansInCode();
  } catch {
    scans = 0; // git grep exits 1 when nothing matches
  }
  console.log(`\nScans in the API and functions: ${scans} files use ScanCommand (budget: none; lists and gets are Query/GetItem)\n`);
  console.log('Function bundles (minified, as deployed) and cold init:');
  for (const { name, bytes } of await buildFunctions()) {
    const init = coldInit(name);
    const flag = bytes > BUNDLE_BUDGET_BYTES ? '  over the 300 KB budget' : '';
    console.log(`  ${name.padEnd(22)} ${(bytes / 1024).toFixed(1).padStart(7)} KB   init ${init === undefined ? 'n/a (needs AWS config)' : ms(init)}${flag}`);
  }

  const home = mkdtempSync(join(tmpdir(), 'stagecraft-bench-'));
  const system = await startLocalSystem({ home, port: 0, logger: quiet });
  try {
    console.log(`\nTrigger latency (API write → event delivered to a rule target), ${RATE_PER_SECOND} writes/s for ${SECONDS} s:`);
    const latency = await triggerLatency(system);
    console.log(
      `  p50 ${ms(percentile(latency.latencies, 50))}   p95 ${ms(percentile(latency.latencies, 95))}   p99 ${ms(percentile(latency.latencies, 99))}   (budget p50 ≤ 150 ms, p99 ≤ 500 ms)`,
    );
    console.log(`  writes ${latency.total}, events ${latency.latencies.length}, lost ${latency.lost}, doubled ${latency.doubled}`);

    console.log(`\nSustained write → event throughput (${BURST_WRITES} writes, 16 concurrent writers):`);
    const burst = await sustainedThroughput(system);
    console.log(`  writes ${burst.writesPerSecond.toFixed(0)}/s, events delivered ${burst.eventsPerSecond.toFixed(0)}/s, lost ${burst.lost}, doubled ${burst.doubled}`);

    await consoleFigures(system);
    await benchRunLog(system);
  } finally {
    await system.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
