// Trigger → action done, as a user of local mode sees it: the bundled local system runs in
// its own process (as `npm start` runs it), one automation "contact created → set a field"
// matches every write, and each run's `endedAt` is compared with its contact's `createdAt`.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds, processTree, rssBytes, rssParts } from './proc.ts';

export interface LocalProcess {
  url: string;
  adminToken: string;
  integrationKey: string;
  pid: number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Bundles and starts local mode the way `npm start` does, on a free port and a fresh data folder. */
export async function startLocalProcess(nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<LocalProcess> {
  execFileSync(process.execPath, ['scripts/bundle-local.mjs', '--quiet'], { stdio: 'inherit' });
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-bench-'));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'dist/local.mjs'], {
    env: { ...process.env, STAGECRAFT_HOME: home, PORT: '0', LOG_LEVEL: 'WARN', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /Stagecraft is running on (http:\/\/\S+)/.exec(output);
      if (found) resolve(found[1]!);
    });
    void exited.then(() => reject(new Error(`local mode exited during start:\n${output}`)));
  });
  const credentials = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as { adminToken: string; integrationKey: string };
  return {
    url,
    adminToken: credentials.adminToken,
    integrationKey: credentials.integrationKey,
    pid: child.pid!,
    async stop() {
      // Local mode stops its JVM itself; one that hangs is killed with its JVM, not left behind.
      const tree = processTree(child.pid!);
      child.kill('SIGINT');
      const timer = setTimeout(() => {
        for (const pid of tree.reverse()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }, 20_000);
      await exited;
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function call(system: LocalProcess, method: string, path: string, auth: 'admin' | 'integration', body?: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(auth === 'admin' ? { authorization: `Bearer ${system.adminToken}` } : { 'x-api-key': system.integrationKey }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

/** The one-action automation the budget is about, provisioned and ready. */
export async function createBenchAutomation(system: LocalProcess): Promise<string> {
  const created = await call(system, 'POST', '/automations', 'admin', {
    name: 'Bench: new contacts are tagged',
    trigger: { type: 'created', entity: 'contact' },
    actions: [{ type: 'updateFields', set: { responsibleId: 'admin' } }],
  });
  if (created.status !== 201) throw new Error(`POST /automations answered ${created.status}: ${JSON.stringify(created.body)}`);
  const id = String(created.body.id);
  for (let attempt = 0; attempt < 300; attempt++) {
    const read = await call(system, 'GET', `/automations/${id}`, 'admin');
    if (read.body.provisioning === 'ready') return id;
    if (read.body.provisioning === 'error') throw new Error(`the bench automation failed to provision: ${JSON.stringify(read.body)}`);
    await sleep(100);
  }
  throw new Error('the bench automation was not provisioned within 30 s');
}

interface Write {
  name: string;
  entityId?: string;
  /** The contact's createdAt: the triggering write's time. */
  createdAt?: number;
  /** How long the API took to answer the write that was taken (the 201), in ms. */
  answeredInMs?: number;
  refused: number;
}

interface LocalStatus {
  stream: { lagMs: number };
  executions: { running: number; queued: number; waiting: number };
  backpressure: { rejectedWrites: number };
}

const status = async (system: LocalProcess) => (await call(system, 'GET', '/local/status', 'admin')).body as unknown as LocalStatus;

/** POSTs a contact; a 503 is waited out for its Retry-After and sent again, as a client should. */
async function writeContact(system: LocalProcess, write: Write): Promise<void> {
  for (;;) {
    const sentAt = performance.now();
    const reply = await call(system, 'POST', '/contacts', 'integration', { name: write.name });
    if (reply.status === 201) {
      write.answeredInMs = performance.now() - sentAt;
      write.entityId = String(reply.body.id);
      write.createdAt = Date.parse(String(reply.body.createdAt));
      return;
    }
    if (reply.status !== 503) throw new Error(`POST /contacts answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    write.refused += 1;
    await sleep(Number(reply.headers.get('retry-after') ?? 1) * 1000);
  }
}

interface Run {
  entityId: string;
  status: string;
  startedAt: string;
  endedAt?: string;
  actionsCompleted: number;
}

async function runsSince(system: LocalProcess, automationId: string, from: number): Promise<Run[]> {
  const runs: Run[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ from: new Date(from).toISOString(), limit: '100', ...(cursor ? { cursor } : {}) });
    const page = await call(system, 'GET', `/automations/${automationId}/runs?${query}`, 'admin');
    if (page.status !== 200) throw new Error(`GET runs answered ${page.status}: ${JSON.stringify(page.body)}`);
    runs.push(...(page.body.items as Run[]));
    cursor = page.body.cursor as string | undefined;
  } while (cursor);
  return runs;
}

/** Waits until every write has a run that ended (or the timeout), then reads them all. */
async function settle(system: LocalProcess, automationId: string, from: number, writes: Write[], timeoutMs: number): Promise<Run[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await status(system);
    const idle = now.stream.lagMs === 0 && now.executions.running === 0 && now.executions.queued === 0;
    if (idle || Date.now() > deadline) {
      const runs = await runsSince(system, automationId, from - 1000);
      const ended = runs.filter((run) => run.endedAt !== undefined).length;
      if (ended >= writes.length || Date.now() > deadline) {
        // A doubled run would come right behind: give it the time to show.
        await sleep(1000);
        return runsSince(system, automationId, from - 1000);
      }
    }
    await sleep(250);
  }
}

export interface PhaseResult {
  label: string;
  writes: number;
  latencies: number[];
  /** Of each latency, the write to the run's startedAt (enrolled), and from there to its endedAt; sorted. */
  enrolled: number[];
  running: number[];
  /** The API's answer to each write that was taken, sorted. */
  answers: number[];
  lost: number;
  doubled: number;
  failed: number;
  refused: number;
  /** Writes whose run had not ended, at each second after the first write. */
  backlog: number[];
  cpuSeconds: number;
  /** Of cpuSeconds, what local mode's node process used (the rest is the JVM). */
  nodeCpuSeconds: number;
  maxRssBytes: number;
  /** Who held the memory at that maximum: each process's RSS, anonymous and file-backed, in MB. */
  maxRssParts: string;
  maxLagMs: number;
  maxQueued: number;
  firstWriteAt: number;
  lastEndedAt: number;
}

function analyse(label: string, writes: Write[], runs: Run[], seconds: number) {
  const byEntity = new Map<string, Run[]>();
  for (const run of runs) byEntity.set(run.entityId, [...(byEntity.get(run.entityId) ?? []), run]);
  let lost = 0;
  let doubled = 0;
  let failed = 0;
  const latencies: number[] = [];
  /** Its two parts: the write to the run enrolled (stream, publish-changes, bus, runner start) and the run itself. */
  const enrolled: number[] = [];
  const running: number[] = [];
  const ends: number[] = [];
  for (const write of writes) {
    const mine = write.entityId ? (byEntity.get(write.entityId) ?? []) : [];
    if (mine.length === 0) lost += 1;
    doubled += Math.max(0, mine.length - 1);
    const done = mine.find((run) => run.status === 'SUCCEEDED' && run.actionsCompleted === 1 && run.endedAt);
    if (!done) {
      if (mine.length > 0) failed += 1;
      continue;
    }
    const endedAt = Date.parse(done.endedAt!);
    ends.push(endedAt);
    latencies.push(endedAt - write.createdAt!);
    enrolled.push(Date.parse(done.startedAt) - write.createdAt!);
    running.push(endedAt - Date.parse(done.startedAt));
  }
  const created = writes.map((write) => write.createdAt ?? Number.POSITIVE_INFINITY);
  const firstWriteAt = Math.min(...created);
  const backlog: number[] = [];
  for (let second = 1; second <= seconds; second++) {
    const at = firstWriteAt + second * 1000;
    backlog.push(created.filter((time) => time <= at).length - ends.filter((time) => time <= at).length);
  }
  const answers = writes.flatMap((write) => (write.answeredInMs === undefined ? [] : [write.answeredInMs]));
  for (const list of [latencies, enrolled, running, answers]) list.sort((a, b) => a - b);
  return { label, writes: writes.length, latencies, enrolled, running, answers, lost, doubled, failed, backlog, firstWriteAt, lastEndedAt: Math.max(...ends) };
}

/** Samples memory and the backlog every half second while `work` runs. */
async function sampled<T>(system: LocalProcess, work: Promise<T>) {
  let maxRssBytes = 0;
  let maxRssParts = '';
  let maxLagMs = 0;
  let maxQueued = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const parts = rssParts(processTree(system.pid));
      const total = parts.reduce((sum, part) => sum + part.rss, 0);
      if (total > maxRssBytes) {
        const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
        maxRssBytes = total;
        maxRssParts = parts.map((part) => `${part.name} ${mb(part.rss)} (anon ${mb(part.anon)}, file ${mb(part.file)}, shmem ${mb(part.shmem)})`).join(' + ');
      }
      const now = await status(system).catch(() => undefined);
      if (now) {
        maxLagMs = Math.max(maxLagMs, now.stream.lagMs);
        maxQueued = Math.max(maxQueued, now.executions.queued + now.executions.running);
      }
      await sleep(500);
    }
  })();
  try {
    return { result: await work, maxRssBytes, maxRssParts, maxLagMs, maxQueued };
  } finally {
    done = true;
    await sampler;
  }
}

/** Writes at a steady rate for `seconds`, whatever the answers take (an open-loop load). */
export async function steadyPhase(system: LocalProcess, automationId: string, rate: number, seconds: number): Promise<PhaseResult> {
  const writes: Write[] = Array.from({ length: rate * seconds }, (_, i) => ({ name: `steady-${rate}-${i}`, refused: 0 }));
  const cpuBefore = cpuSeconds(processTree(system.pid));
  const nodeBefore = cpuSeconds([system.pid]);
  const startedAt = Date.now();
  const { result: runs, ...samples } = await sampled(
    system,
    (async () => {
      const pending: Promise<void>[] = [];
      for (const [i, write] of writes.entries()) {
        const wait = startedAt + (i * 1000) / rate - Date.now();
        if (wait > 0) await sleep(wait);
        pending.push(writeContact(system, write));
      }
      await Promise.all(pending);
      return settle(system, automationId, startedAt, writes, 300_000);
    })(),
  );
  const cpu = cpuSeconds(processTree(system.pid)) - cpuBefore;
  const nodeCpu = cpuSeconds([system.pid]) - nodeBefore;
  const refused = writes.reduce((sum, write) => sum + write.refused, 0);
  return { ...analyse(`${rate} writes/s`, writes, runs, seconds), cpuSeconds: cpu, nodeCpuSeconds: nodeCpu, refused, ...samples };
}

/** As many writes as `clients` writers can make, each waiting for its answer. */
export async function burstPhase(system: LocalProcess, automationId: string, total: number, clients: number): Promise<PhaseResult> {
  const writes: Write[] = Array.from({ length: total }, (_, i) => ({ name: `burst-${i}`, refused: 0 }));
  const cpuBefore = cpuSeconds(processTree(system.pid));
  const nodeBefore = cpuSeconds([system.pid]);
  const startedAt = Date.now();
  const { result: runs, ...samples } = await sampled(
    system,
    (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          for (let i = next++; i < writes.length; i = next++) await writeContact(system, writes[i]!);
        }),
      );
      return settle(system, automationId, startedAt, writes, 300_000);
    })(),
  );
  const cpu = cpuSeconds(processTree(system.pid)) - cpuBefore;
  const nodeCpu = cpuSeconds([system.pid]) - nodeBefore;
  const refused = writes.reduce((sum, write) => sum + write.refused, 0);
  const seconds = Math.ceil((Date.now() - startedAt) / 1000);
  return { ...analyse(`${total} writes, ${clients} clients`, writes, runs, seconds), cpuSeconds: cpu, nodeCpuSeconds: nodeCpu, refused, ...samples };
}

/** CPU the whole local system uses doing nothing, as a share of one core. */
export async function idleCpu(system: LocalProcess, settleMs: number, measureMs: number): Promise<number> {
  await sleep(settleMs);
  const tree = processTree(system.pid);
  const before = cpuSeconds(tree);
  const startedAt = performance.now();
  await sleep(measureMs);
  return (cpuSeconds(tree) - before) / ((performance.now() - startedAt) / 1000);
}

export const idleRss = (system: LocalProcess) => rssBytes(processTree(system.pid));
