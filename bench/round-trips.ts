// DynamoDB round trips per run of the bench automation, counted by command in one local
// system run in this process: what each run costs the JVM and the SDK, whatever the load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalSystem } from '#infra/local/system.ts';
import type { Logger } from '#shared/ports.ts';
import { countConnections, cpuSeconds } from './proc.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function countCalls(counts: Map<string, number>): () => void {
  const patched = [DynamoDBClient.prototype, DynamoDBDocumentClient.prototype, DynamoDBStreamsClient.prototype] as Array<{ send: (command: object, ...rest: unknown[]) => unknown }>;
  const originals = patched.map((prototype) => prototype.send);
  patched.forEach((prototype, index) => {
    const original = originals[index]!;
    prototype.send = function send(this: unknown, command: object, ...rest: unknown[]) {
      const input = (command as { input?: { Key?: { pk?: unknown; sk?: unknown }; TransactItems?: unknown[] } }).input;
      const key = process.env.BENCH_TRIPS_KEYS && input?.Key ? ` ${String((input.Key.pk as string | undefined)?.split?.('#')[0] ?? '?')}/${String((input.Key.sk as string | undefined)?.split?.('#')[0] ?? '?')}` : '';
      const name = `${command.constructor.name.replace(/Command$/, '')}${key}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      const result = original.call(this, command, ...rest);
      if (name === 'GetRecords') {
        void (result as Promise<{ Records?: unknown[] }>).then(
          (output) => counts.set('(stream records read)', (counts.get('(stream records read)') ?? 0) + (output.Records?.length ?? 0)),
          () => undefined,
        );
      }
      return result;
    };
  });
  return () => patched.forEach((prototype, index) => (prototype.send = originals[index]!));
}

/** TCP connections the SDK clients open: keep-alive reuses them, so ~0 per run. */
const connectionsOpened = countConnections();

/** Calls by command for `runs` runs written 10 a second, idle polling included. */
export async function roundTripsPerRun(
  runs = 50,
  spacingMs = 100,
): Promise<{ perRun: Array<[string, number]>; total: number; seconds: number; nodeCpuMs: number; nodeSystemMs: number; jvmCpuMs: number; connections: number }> {
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-trips-'));
  const system = await startLocalSystem({ home, port: 0, logger: quiet, seedAutomations: false });
  const counts = new Map<string, number>();
  let restore = () => {};
  try {
    const succeeded = async (automationId: string) => {
      let count = 0;
      let cursor: string | undefined;
      do {
        const page = await system.app.store.runLog.list(automationId, { limit: 100, status: 'SUCCEEDED', ...(cursor ? { cursor } : {}) });
        count += page.items.length;
        cursor = page.cursor;
      } while (cursor);
      return count;
    };
    const admin = { authorization: `Bearer ${system.credentials.adminToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${system.http.url}/automations`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'Round trips', trigger: { type: 'created', entity: 'contact' }, actions: [{ type: 'updateFields', set: { responsibleId: system.credentials.adminUserId } }] }),
    });
    const automationId = ((await created.json()) as { id: string }).id;
    while (((await (await fetch(`${system.http.url}/automations/${automationId}`, { headers: admin })).json()) as { provisioning: string }).provisioning !== 'ready') await sleep(100);
    await sleep(500);
    restore = countCalls(counts);
    // BENCH_TRIPS_PROFILE=<file.cpuprofile>: a CPU profile of the measured part only (bench/profile.ts reads it).
    const profiler = process.env.BENCH_TRIPS_PROFILE ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const jvm = system.dynamo.pid === undefined ? [] : [system.dynamo.pid];
    const connectionsBefore = connectionsOpened();
    const cpuBefore = process.cpuUsage();
    const jvmBefore = cpuSeconds(jvm);
    const started = performance.now();
    // BENCH_TRIPS_PACED=1: a write every spacingMs whatever the answers take (a steady rate on a loaded
    // machine); else each write waits for the previous answer, then spacingMs.
    const paced = process.env.BENCH_TRIPS_PACED === '1';
    const inFlight: Array<Promise<unknown>> = [];
    for (let i = 0; i < runs; i++) {
      const write = fetch(`${system.http.url}/contacts`, {
        method: 'POST',
        headers: { 'x-api-key': system.credentials.integrationKey, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `trips-${i}` }),
      }).then((response) => response.arrayBuffer());
      if (paced) inFlight.push(write);
      else await write;
      if (spacingMs > 0) await sleep(spacingMs);
    }
    await Promise.all(inFlight);
    for (;;) {
      const status = await system.backpressure.status();
      if ((await succeeded(automationId)) >= runs && status.executions.running === 0) break;
      await sleep(200);
    }
    restore();
    const connections = connectionsOpened() - connectionsBefore;
    const cpu = process.cpuUsage(cpuBefore);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(process.env.BENCH_TRIPS_PROFILE!, JSON.stringify(profile));
      profiler.disconnect();
    }
    const nodeCpuMs = (cpu.user + cpu.system) / 1000 / runs;
    const nodeSystemMs = cpu.system / 1000 / runs;
    const jvmCpuMs = ((cpuSeconds(jvm) - jvmBefore) * 1000) / runs;
    const seconds = (performance.now() - started) / 1000;
    const total = [...counts].filter(([name]) => !name.startsWith('(')).reduce((sum, [, count]) => sum + count, 0);
    const perRun = [...counts].sort((a, b) => b[1] - a[1]).map(([name, count]): [string, number] => [name, count / runs]);
    return { perRun, total: total / runs, seconds, nodeCpuMs, nodeSystemMs, jvmCpuMs, connections };
  } finally {
    restore();
    await system.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { perRun, total, seconds, nodeCpuMs, nodeSystemMs, jvmCpuMs, connections } = await roundTripsPerRun(Number(process.env.BENCH_TRIPS_RUNS ?? 50), Number(process.env.BENCH_TRIPS_SPACING_MS ?? 100));
  console.log(`DynamoDB calls per run: ${total.toFixed(1)} (over ${seconds.toFixed(1)} s, stream polling included)`);
  // The HTTP client of the writes runs in this process too: node's share is an upper bound.
  console.log(`CPU per run: node ${nodeCpuMs.toFixed(1)} ms (this process: writer + local system; ${nodeSystemMs.toFixed(1)} ms of it in the kernel) + JVM ${jvmCpuMs.toFixed(1)} ms`);
  console.log(`TCP connections opened to DynamoDB Local during the runs: ${connections}`);
  for (const [name, count] of perRun) console.log(`  ${name.padEnd(24)} ${count.toFixed(2)}`);
}
