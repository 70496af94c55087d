// `npm run bench`: the budgets of docs/ARCHITECTURE.md §12, measured on this machine in local mode.
// Numbers, not assertions: it prints what it saw and exits 0.
import '#shared/polyfills.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoAutomations } from '#infra/local/seed.ts';
import { startLocalSystem } from '#infra/local/system.ts';
import { compileAutomation } from '#shared/automation/compile-asl.ts';
import { parseAutomationDefinition } from '#shared/automation/definition.ts';
import type { Logger } from '#shared/ports.ts';
import { consoleFigures } from './console.ts';
import { functionFigures } from './functions.ts';
import { benchRunLog } from './console-runs.ts';
import { storeCeiling } from './store-ceiling.ts';
import { type PhaseResult, burstPhase, createBenchAutomation, idleCpu, idleRss, startLocalProcess, steadyPhase } from './local-load.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const RATES = (process.env.BENCH_RATES ?? '25,50,100').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BURST_WRITES = Number(process.env.BENCH_BURST ?? 1000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
/** `load` skips the cost, scan and bundle sections; `functions` runs only the bundle section. */
const ONLY_LOAD = process.env.BENCH_ONLY === 'load';
const ONLY_FUNCTIONS = process.env.BENCH_ONLY === 'functions';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** State transitions of a run that succeeds, walked from StartAt along Next; at a branch's Choice, its first
 *  rule ("then") or its Default ("else"), as `arm` says. */
function transitionsOnSuccess(asl: { StartAt: string; States: Record<string, Record<string, unknown>> }, arm: 'then' | 'else' = 'else'): string[] {
  const path: string[] = [];
  let name: string | undefined = asl.StartAt;
  while (name && path.length < 100) {
    path.push(name);
    const state: Record<string, unknown> | undefined = asl.States[name];
    if (!state || state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') break;
    const rule = (state.Choices as Array<{ Next: string }> | undefined)?.[0];
    const isBranch = state.Type === 'Choice' && / · If /.test(name);
    name = (state.Next ?? (isBranch && arm === 'then' ? rule?.Next : state.Default)) as string | undefined;
  }
  return path;
}

/** An if/else automation: each branch taken costs its one Choice transition plus its actions. */
const branchExample = {
  name: 'Big deals get a call, others a mail',
  trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
  actions: [
    {
      type: 'branch',
      name: 'big deal',
      if: { all: [{ field: 'amount', op: 'gte', value: 10000 }] },
      then: [
        { type: 'planActivity', subject: 'Call {{ deal.title }}', activityType: 'call', due: 'P1D' },
        { type: 'notify', to: 'responsible', message: 'Big deal: {{ deal.title }}' },
      ],
      else: [{ type: 'sendEmail', to: 'contact', subject: 'Your contract', body: 'Hello' }],
    },
  ],
};

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
  const { asl } = compileAutomation({ id: 'bench', definition: parseAutomationDefinition(structuredClone(branchExample)) });
  for (const arm of ['then', 'else'] as const) {
    const path = transitionsOnSuccess(asl as never, arm);
    const actions = path.filter((state) => / · /.test(state) && !/ · If /.test(state)).length;
    console.log(`  ${`${branchExample.name} (${arm})`.padEnd(52)} N = ${actions} + 1 branch: ${path.length} transitions`);
  }
}

function scansInCode(): number {
  const out = execFileSync('git', ['grep', '-c', 'ScanCommand', '--', 'shared', 'functions'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  return out.split('\n').filter(Boolean).length;
}

async function main(): Promise<void> {
  console.log('Stagecraft bench (local mode, this machine)\n');
  if (ONLY_LOAD) return triggerToActionDone();
  if (ONLY_FUNCTIONS) return functionFigures();
  costPerRun();
  let scans = 0;
  try {
    scans = scansInCode();
  } catch {
    scans = 0; // git grep exits 1 when nothing matches
  }
  console.log(`\nScans in the API and functions: ${scans} files use ScanCommand (budget: none; lists and gets are Query/GetItem)\n`);
  await functionFigures();

  await triggerToActionDone();
  await consoleInRunningSystem();
}

/** The console's figures against a local system in this process, as a browser meets it. */
async function consoleInRunningSystem(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-bench-'));
  const system = await startLocalSystem({ home, port: 0, logger: quiet });
  try {
    await consoleFigures(system);
    await benchRunLog(system);
  } finally {
    await system.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

const budget = (value: number, limit: number) => (value <= limit ? 'within' : 'OVER');

function printPhase(phase: PhaseResult, runs: number): void {
  const { latencies } = phase;
  console.log(
    `  ${phase.label.padEnd(24)} p50 ${ms(percentile(latencies, 50)).padStart(9)}  p95 ${ms(percentile(latencies, 95)).padStart(9)}  p99 ${ms(percentile(latencies, 99)).padStart(9)}  max ${ms(latencies.at(-1) ?? Number.NaN).padStart(9)}`,
  );
  console.log(
    `    of which write → run enrolled p50 ${ms(percentile(phase.enrolled, 50))} p99 ${ms(percentile(phase.enrolled, 99))}; enrolled → action done p50 ${ms(percentile(phase.running, 50))} p99 ${ms(percentile(phase.running, 99))}; the API's answer to the write p50 ${ms(percentile(phase.answers, 50))} p99 ${ms(percentile(phase.answers, 99))}`,
  );
  const backlog = phase.backlog;
  const trend = [0.25, 0.5, 0.75, 1].map((share) => backlog[Math.max(0, Math.ceil(share * backlog.length) - 1)] ?? 0);
  console.log(
    `    runs done ${latencies.length}/${phase.writes}, lost ${phase.lost}, doubled ${phase.doubled}, failed ${phase.failed}, refused with 503 ${phase.refused}; ` +
      `backlog (writes without a finished run) at 1/4, 1/2, 3/4, end of the writes: ${trend.join(', ')}`,
  );
  console.log(
    `    CPU per run ${ms((phase.cpuSeconds * 1000) / Math.max(1, runs))} (node ${ms((phase.nodeCpuSeconds * 1000) / Math.max(1, runs))} + JVM, /proc), RSS max ${(phase.maxRssBytes / 2 ** 20).toFixed(0)} MB, stream lag max ${ms(phase.maxLagMs)}, runs in progress + queued max ${phase.maxQueued}`,
  );
  console.log(`    RSS at its max: ${phase.maxRssParts}`);
}

/** docs/ARCHITECTURE.md §12's trigger budget, measured as users meet it: the write's time to the run's endedAt. */
async function triggerToActionDone(): Promise<void> {
  // BENCH_NODE_ARGS reach local mode's node only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const system = await startLocalProcess((process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean));
  try {
    const automationId = await createBenchAutomation(system);
    console.log(`\nTrigger → action done (contact created → set a field; run.endedAt − contact.createdAt), ${SECONDS} s per rate:`);
    let worstRss = 0;
    for (const rate of RATES) {
      const phase = await steadyPhase(system, automationId, rate, SECONDS);
      printPhase(phase, phase.latencies.length);
      worstRss = Math.max(worstRss, phase.maxRssBytes);
    }
    console.log(`  budget at 50 writes/s: p50 ≤ 50 ms, p99 ≤ 250 ms, no growing backlog; CPU per run ≤ 15 ms; RSS ≤ 600 MB`);

    console.log(`\nMost runs completed per second (${BURST_WRITES} triggers, ${CLIENTS} clients waiting for each answer):`);
    const burst = await burstPhase(system, automationId, BURST_WRITES, CLIENTS);
    const runsPerSecond = (burst.latencies.length / (burst.lastEndedAt - burst.firstWriteAt)) * 1000;
    printPhase(burst, burst.latencies.length);
    console.log(`  ${runsPerSecond.toFixed(0)} runs/s completed (budget ≥ 150), backlog at the end of the writes ${burst.backlog.at(-1) ?? 0}`);
    worstRss = Math.max(worstRss, burst.maxRssBytes);

    const idle = await idleCpu(system, 5000, 10_000);
    const rssIdle = idleRss(system);
    console.log(`\nWhole local system (node + JVM): RSS under load max ${(worstRss / 2 ** 20).toFixed(0)} MB (${budget(worstRss, 600 * 2 ** 20)} 600 MB), ${(rssIdle / 2 ** 20).toFixed(0)} MB idle after; idle CPU ${(idle * 100).toFixed(1)} % of a core (${budget(idle, 0.03)} 3 %)`);
  } finally {
    await system.stop();
  }
  // What the store allows by itself, for the runs/s above (BENCH_CEILING=0 skips it).
  if (process.env.BENCH_CEILING === '0') return;
  const [ceiling] = await storeCeiling({ runs: 2000, warmup: 3000, inFlight: [32] });
  console.log(
    `\nDynamoDB Local by itself (bench/store-ceiling.ts: one run's store calls replayed, 32 runs in flight, after 3,000 runs of warm-up): ` +
      `${ceiling!.runsPerSecond.toFixed(0)} runs/s, JVM ${ms(ceiling!.jvmMsPerRun)} + node ${ms(ceiling!.nodeMsPerRun)} per run, machine ${(ceiling!.machineBusy * 200).toFixed(0)} % busy of 200 % — the most runs/s local mode can reach with it`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
