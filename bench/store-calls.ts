// What one DynamoDB Local call costs, by kind: the calls one run of the bench automation makes, taken from a
// real run (their request bodies as sent), replayed N times each with fresh ids against a DynamoDB Local started
// as local mode starts it (LOCAL_JAVA_OPTIONS, data in a folder, the table with its stream), after a warm-up.
// Prints JVM CPU per call (from /proc), node CPU per call (the SDK's side), the TCP connections the clients
// opened, and where the JVM's CPU went by thread. Also: item size (1 KB vs 10 KB), a TransactWrite vs the same
// items as single writes, GetRecords on a busy stream and at its end, ListTables.
//
//   npx tsx bench/store-calls.ts          (STORE_CALLS_N=500 calls per kind, STORE_CALLS_WARMUP=300)
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { withoutIdleSteps, withoutSigning } from '#infra/local/clients.ts';
import { bodyText } from '#infra/local/group-commit.ts';
import { type DynamoDbLocal, LOCAL_JAVA_OPTIONS, localCredentials, localDynamoClient, localMaxAttempts, localRegion, startDynamoDbLocal } from '#infra/local/dynamodb-local.ts';
import { LOCAL_TABLE_NAME, ensureTable, startLocalSystem } from '#infra/local/system.ts';
import type { Logger } from '#shared/ports.ts';
import { countConnections, cpuSeconds, ticksPerSecond } from './proc.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A call as the SDK sent it: the operation (X-Amz-Target) and its JSON body. */
interface Captured {
  operation: string;
  body: string;
}

/** The data-plane calls one run makes, in order: one warm run, then the run whose calls are kept. */
export async function captureOneRun(): Promise<Captured[]> {
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-calls-'));
  const system = await startLocalSystem({ home, port: 0, logger: quiet, seedAutomations: false });
  const captured: Captured[] = [];
  let capturing = false;
  const handle = NodeHttpHandler.prototype.handle;
  NodeHttpHandler.prototype.handle = function (this: NodeHttpHandler, request, options) {
    if (capturing) captured.push({ operation: String(request.headers['x-amz-target']).split('.')[1] ?? '?', body: bodyText(request.body) ?? '' });
    return handle.call(this, request, options);
  };
  try {
    const admin = { authorization: `Bearer ${system.credentials.adminToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${system.http.url}/automations`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'Store calls', trigger: { type: 'created', entity: 'contact' }, actions: [{ type: 'updateFields', set: { responsibleId: system.credentials.adminUserId } }] }),
    });
    const automationId = ((await created.json()) as { id: string }).id;
    while (((await (await fetch(`${system.http.url}/automations/${automationId}`, { headers: admin })).json()) as { provisioning: string }).provisioning !== 'ready') await sleep(100);
    const run = async (name: string, runs: number) => {
      const response = await fetch(`${system.http.url}/contacts`, {
        method: 'POST',
        headers: { 'x-api-key': system.credentials.integrationKey, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      if (response.status !== 201) throw new Error(`POST /contacts answered ${response.status}`);
      for (;;) {
        const page = await system.app.store.runLog.list(automationId, { limit: 100, status: 'SUCCEEDED' });
        if (page.items.length >= runs && system.engine.runner.load().running === 0) return;
        await sleep(20);
      }
    };
    await run('warm', 1);
    capturing = true;
    await run('captured', 2);
    // The execution item is written as the run ends, after its record says SUCCEEDED.
    await sleep(300);
    capturing = false;
  } finally {
    NodeHttpHandler.prototype.handle = handle;
    await system.stop();
    rmSync(home, { recursive: true, force: true });
  }
  // Queries are this bench's polling and the runner's tick for due waits; the stream and ListTables are measured apart.
  return captured.filter(({ operation }) => ['TransactWriteItems', 'PutItem', 'UpdateItem', 'GetItem', 'DeleteItem'].includes(operation));
}

const kindOf = (key: { pk?: { S?: string }; sk?: { S?: string } } | undefined) =>
  `${key?.pk?.S?.split('#')[0] ?? '?'}/${key?.sk?.S?.split('#')[0] ?? '?'}`;

/** "PutItem run/run", "TransactWriteItems contact/entity + contact/history", with its size. */
function labelOf({ operation, body }: Captured): string {
  const input = JSON.parse(body) as Record<string, unknown> & { Key?: never; Item?: never; TransactItems?: Array<Record<string, { Key?: never; Item?: never }>> };
  const kinds = input.TransactItems
    ? input.TransactItems.map((entry) => {
        const [verb, part] = Object.entries(entry)[0]!;
        return `${verb} ${kindOf(part.Key ?? part.Item)}`;
      }).join(' + ')
    : kindOf(input.Key ?? input.Item);
  return `${operation} ${kinds} (${(body.length / 1024).toFixed(1)} KB)`;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const base32 = (value: number, width: number) => {
  let text = '';
  for (let rest = value; text.length < width; rest = Math.floor(rest / 32)) text = CROCKFORD[rest % 32] + text;
  return text;
};
const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

/**
 * The captured bodies with every id (ULID, UUID) replaced by one of its own per iteration, the same everywhere
 * within an iteration: iteration i's calls write their own items, and its later calls (an update of the contact at
 * version 1, a close of its run) meet the state its earlier ones left.
 */
export function templates(captured: Captured[]): (index: number, iteration: number) => Record<string, unknown> {
  const ids = new Map<string, number>();
  for (const { body } of captured) for (const id of [...body.matchAll(ULID), ...body.matchAll(UUID)]) if (!ids.has(id[0])) ids.set(id[0], ids.size);
  const fresh = (id: string, iteration: number) => {
    const slot = ids.get(id) ?? 0;
    return id.includes('-')
      ? `${id.slice(0, 19)}${slot.toString(16).padStart(4, '0')}-${iteration.toString(16).padStart(12, '0')}`
      : `${id.slice(0, 10)}${base32(slot, 4)}${base32(iteration, 12)}`;
  };
  return (index, iteration) =>
    JSON.parse(captured[index]!.body.replace(ULID, (id) => fresh(id, iteration)).replace(UUID, (id) => fresh(id, iteration))) as Record<string, unknown>;
}

export const commands = {
  TransactWriteItems: TransactWriteItemsCommand,
  PutItem: PutItemCommand,
  UpdateItem: UpdateItemCommand,
  GetItem: GetItemCommand,
  DeleteItem: DeleteItemCommand,
} as unknown as Record<string, new (input: unknown) => PutItemCommand>;

/** TCP connections the SDK clients open: keep-alive reuses them, so ~0 per run. */
const connectionsOpened = countConnections();

/** CPU seconds of each of the JVM's threads, by name (digits dropped: "qtp123-45" → "qtp-"). */
function threadSeconds(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+/g, '#');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      // The thread ended.
    }
  }
  return byName;
}

/** One DynamoDB Local under test, with its clients; `compare` runs two side by side. */
interface Target {
  flags: string;
  dynamo: DynamoDbLocal;
  client: DynamoDBClient;
  streams: DynamoDBStreamsClient;
}

interface Cost {
  jvmMs: number;
  nodeMs: number;
  wallMs: number;
  connections: number;
}

interface Row {
  label: string;
  calls: number;
  /** By target, in the order given. */
  costs: Cost[];
}

/** A kind of call to measure: the sends of iteration `iteration` on `target` (one call, or a few). */
interface Phase {
  label: string;
  iterations: number[];
  sends(target: Target, targetIndex: number, iteration: number): Array<() => Promise<unknown>>;
}

/**
 * Sends a phase's calls one after another, in chunks of 50 iterations taken in turn by each target, so that two JVMs
 * compared see the same load from the rest of the machine. JVM CPU (from /proc) and node CPU per call.
 */
async function measure(phase: Phase, targets: Target[]): Promise<Row> {
  const totals = targets.map(() => ({ jvm: 0, node: 0, wall: 0, connections: 0, calls: 0 }));
  for (let from = 0; from < phase.iterations.length; from += 50) {
    const chunk = phase.iterations.slice(from, from + 50);
    for (const [index, target] of targets.entries()) {
      const sends = chunk.flatMap((iteration) => phase.sends(target, index, iteration));
      const total = totals[index]!;
      const connectionsBefore = connectionsOpened();
      const jvmBefore = cpuSeconds([target.dynamo.pid!]);
      const nodeBefore = process.cpuUsage();
      const started = performance.now();
      for (const send of sends) await send();
      total.wall += performance.now() - started;
      const node = process.cpuUsage(nodeBefore);
      total.node += (node.user + node.system) / 1000;
      total.jvm += (cpuSeconds([target.dynamo.pid!]) - jvmBefore) * 1000;
      total.connections += connectionsOpened() - connectionsBefore;
      total.calls += sends.length;
    }
  }
  return {
    label: phase.label,
    calls: totals[0]!.calls,
    costs: totals.map((total) => ({
      jvmMs: total.jvm / total.calls,
      nodeMs: total.node / total.calls,
      wallMs: total.wall / total.calls,
      connections: total.connections,
    })),
  };
}

/** A contact-like item of about `bytes` bytes of JSON in `attributes` string attributes. */
function sizedItem(id: string, bytes: number, attributes: number): Record<string, { S: string }> {
  const item: Record<string, { S: string }> = { pk: { S: `contact#${id}` }, sk: { S: 'entity' }, itemKind: { S: 'entity' } };
  const each = Math.max(1, Math.floor(bytes / attributes) - 16);
  for (let index = 0; index < attributes; index++) item[`field${index}`] = { S: `${index}`.padEnd(each, 'x') };
  return item;
}

/** A DynamoDB Local as local mode starts it, with `flags` as its JVM flags, its data in a folder of `home`. */
async function startTarget(home: string, flags: string): Promise<Target> {
  const inherited = process.env.JDK_JAVA_OPTIONS;
  process.env.JDK_JAVA_OPTIONS = flags;
  try {
    const dynamo = await startDynamoDbLocal({ path: join(home, `dynamodb-${flags.length}-${Math.random().toString(36).slice(2)}`), javaOptions: flags });
    // The runtime's client (no commit barrier: the barrier is a ListTables, measured on its own).
    const client: DynamoDBClient = withoutIdleSteps(localDynamoClient(dynamo.endpoint, { maxAttempts: localMaxAttempts }, { commitBarrier: false }));
    const streams = withoutSigning(
      withoutIdleSteps(new DynamoDBStreamsClient({ endpoint: dynamo.endpoint, region: localRegion, credentials: localCredentials, maxAttempts: localMaxAttempts })),
      localCredentials,
      localRegion,
    );
    await ensureTable(client, LOCAL_TABLE_NAME);
    return { flags, dynamo, client, streams };
  } finally {
    if (inherited === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = inherited;
  }
}

export interface StoreCalls {
  rows: Row[];
  targets: Array<{ flags: string; threads: Array<[string, number]>; idleJvmMsPerSecond: number; warmupJvmSeconds: number }>;
}

/** `flags`: one JVM's flags, or two to compare side by side. */
export async function storeCalls(n: number, warmup: number, flags: string[]): Promise<StoreCalls> {
  const captured = await captureOneRun();
  const body = templates(captured);
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-calls-db-'));
  const targets: Target[] = [];
  try {
    for (const each of flags) targets.push(await startTarget(home, each));
    const send = (target: Target, index: number, iteration: number) => () => target.client.send(new commands[captured[index]!.operation]!(body(index, iteration)));
    // Warm-up: whole runs' worth of calls, so the JIT has compiled what the measured calls run.
    const warmupJvmSeconds: number[] = [];
    for (const target of targets) {
      const before = cpuSeconds([target.dynamo.pid!]);
      for (let iteration = 0; iteration < warmup; iteration++) for (let index = 0; index < captured.length; index++) await send(target, index, iteration)();
      for (let index = 0; index < 200; index++) await target.client.send(new ListTablesCommand({ Limit: 1 }));
      warmupJvmSeconds.push(cpuSeconds([target.dynamo.pid!]) - before);
    }
    await sleep(500);
    const idleBefore = targets.map((target) => cpuSeconds([target.dynamo.pid!]));
    await sleep(2000);
    const idleJvmMsPerSecond = targets.map((target, index) => ((cpuSeconds([target.dynamo.pid!]) - idleBefore[index]!) * 1000) / 2);

    const threadsBefore = targets.map((target) => threadSeconds(target.dynamo.pid!));
    const measured = Array.from({ length: n }, (_, offset) => warmup + offset);
    const phases: Phase[] = [];
    // A run's calls, kind by kind in the order the run makes them: iteration i of each call meets what i's earlier calls wrote.
    for (let index = 0; index < captured.length; index++) {
      phases.push({ label: labelOf(captured[index]!), iterations: measured, sends: (target, _, iteration) => [send(target, index, iteration)] });
    }
    phases.push({
      label: 'ListTables (the commit barrier)',
      iterations: measured,
      sends: (target) => [() => target.client.send(new ListTablesCommand({ Limit: 1 }))],
    });
    // A TransactWrite vs the same items as single writes (the API's contact + history entry).
    const transact = captured.findIndex(({ operation }) => operation === 'TransactWriteItems');
    if (transact >= 0) {
      const parts = (iteration: number) =>
        (body(transact, iteration) as { TransactItems: Array<Record<string, Record<string, unknown>>> }).TransactItems.map((entry) => Object.entries(entry)[0]!);
      phases.push({
        label: `the same ${parts(0).length} items as single writes (per item)`,
        iterations: measured.map((iteration) => iteration + 1_000_000),
        sends: (target, _, iteration) =>
          parts(iteration).map(([verb, input]) => {
            const Command = ({ Put: PutItemCommand, Update: UpdateItemCommand, Delete: DeleteItemCommand } as unknown as Record<string, new (input: unknown) => PutItemCommand>)[verb]!;
            return () => target.client.send(new Command(input));
          }),
      });
    }
    // Group commit (infra/local/group-commit.ts): ten API TransactWrites as one request, as a client sends them
    // under load. measure() counts calls, so the row's figures are per ten transactions.
    if (transact >= 0) {
      phases.push({
        label: `ten such TransactWrites as one (group commit; per ten)`,
        iterations: measured.map((iteration) => iteration + 3_000_000),
        sends: (target, _, iteration) => [
          () =>
            target.client.send(
              new TransactWriteItemsCommand({
                TransactItems: Array.from({ length: 10 }, (_, copy) => (body(transact, iteration * 10 + copy) as { TransactItems: never[] }).TransactItems).flat(),
              }),
            ),
        ],
      });
    }
    // The runner's execution item as it is written (payloads as JSON text) vs as it was (the same payloads as maps).
    const execution = captured.findIndex(({ operation, body: text }) => operation === 'PutItem' && text.includes('"inputJson"'));
    if (execution >= 0) {
      const asMaps = (iteration: number) => {
        const { Item, ...input } = body(execution, iteration + 2_000_000) as { Item: Record<string, never> };
        const { inputJson, outputJson, stepsJson, checkpointJson, ...rest } = unmarshall(Item) as Record<string, string | undefined>;
        const payloads = { input: inputJson, output: outputJson, steps: stepsJson, checkpoint: checkpointJson };
        const parsed = Object.fromEntries(Object.entries(payloads).flatMap(([name, text]) => (text === undefined ? [] : [[name, JSON.parse(text) as unknown]])));
        // Before, a run that succeeded kept its checkpoint too: its last Task and that Task's input (about its output).
        const steps = parsed.steps as Array<{ name: string }>;
        const checkpoint = parsed.checkpoint ?? { state: steps.at(-1)?.name, input: parsed.output };
        return { ...input, Item: marshall({ ...rest, ...parsed, checkpoint }, { removeUndefinedValues: true }) };
      };
      phases.push({
        label: `the execution item with its payloads as maps, as before (${(JSON.stringify(asMaps(0)).length / 1024).toFixed(1)} KB)`,
        iterations: measured,
        sends: (target, _, iteration) => [() => target.client.send(new PutItemCommand(asMaps(iteration) as never))],
      });
    }
    // Item size and attribute count: a PutItem of a 1 KB item vs 10 KB, in few or many attributes.
    for (const [bytes, attributes] of [
      [1024, 20],
      [10240, 20],
      [10240, 200],
    ] as const) {
      phases.push({
        label: `PutItem synthetic ${bytes / 1024} KB in ${attributes} attributes`,
        iterations: measured,
        sends: (target, _, iteration) => [
          () => target.client.send(new PutItemCommand({ TableName: LOCAL_TABLE_NAME, Item: sizedItem(`${bytes}-${attributes}-${iteration}`, bytes, attributes) })),
        ],
      });
    }
    const rows: Row[] = [];
    for (const phase of phases) rows.push(await measure(phase, targets));

    // The stream: GetRecords of up to 100 records (a busy stream: everything above), then at its end (an idle poll).
    const iterators = await Promise.all(
      targets.map(async (target) => {
        const described = await target.client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAME }));
        const streamArn = described.Table!.LatestStreamArn!;
        const shards = (await target.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
        const iterator = async (ShardId: string, ShardIteratorType: 'TRIM_HORIZON' | 'LATEST') =>
          (await target.streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId, ShardIteratorType }))).ShardIterator;
        return { busy: await iterator(shards[0]!.ShardId!, 'TRIM_HORIZON'), tail: await iterator(shards.at(-1)!.ShardId!, 'LATEST'), records: 0 };
      }),
    );
    const busyReads = Array.from({ length: Math.min(n, 100) }, (_, index) => index);
    const busy = await measure(
      {
        label: 'GetRecords, Limit 100 (a busy stream)',
        iterations: busyReads,
        sends: (target, index) => [
          async () => {
            const state = iterators[index]!;
            const page = await target.streams.send(new GetRecordsCommand({ ShardIterator: state.busy, Limit: 100 }));
            state.records += page.Records?.length ?? 0;
            state.busy = page.NextShardIterator;
          },
        ],
      },
      targets,
    );
    const perCall = iterators[0]!.records / (busyReads.length * 1);
    rows.push({ ...busy, label: `${busy.label}: ${perCall.toFixed(0)} records a call, ${(busy.costs[0]!.jvmMs / Math.max(1, perCall)).toFixed(3)} ms JVM per record` });
    rows.push(
      await measure(
        {
          label: 'GetRecords at the end of the stream (an idle poll)',
          iterations: measured,
          sends: (target, index) => [
            async () => {
              const state = iterators[index]!;
              state.tail = (await target.streams.send(new GetRecordsCommand({ ShardIterator: state.tail, Limit: 100 }))).NextShardIterator;
            },
          ],
        },
        targets,
      ),
    );
    return {
      rows,
      targets: targets.map((target, index) => {
        const before = threadsBefore[index]!;
        const threads = [...threadSeconds(target.dynamo.pid!)]
          .map(([name, seconds]): [string, number] => [name, seconds - (before.get(name) ?? 0)])
          .filter(([, seconds]) => seconds > 0)
          .sort((a, b) => b[1] - a[1]);
        return { flags: target.flags, threads, idleJvmMsPerSecond: idleJvmMsPerSecond[index]!, warmupJvmSeconds: warmupJvmSeconds[index]! };
      }),
    };
  } finally {
    for (const target of targets) {
      target.client.destroy();
      target.streams.destroy();
      await target.dynamo.stop();
    }
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.env.STORE_CALLS_N ?? 500);
  const warmup = Number(process.env.STORE_CALLS_WARMUP ?? 300);
  // STORE_CALLS_COMPARE="-XX:…": a second DynamoDB Local with LOCAL_JAVA_OPTIONS (or JDK_JAVA_OPTIONS) plus these flags, side by side.
  const base = process.env.JDK_JAVA_OPTIONS ?? LOCAL_JAVA_OPTIONS;
  const flags = process.env.STORE_CALLS_COMPARE ? [base, `${base} ${process.env.STORE_CALLS_COMPARE}`] : [base];
  const { rows, targets } = await storeCalls(n, warmup, flags);
  console.log(`${n} calls of each kind, one at a time, after ${warmup} runs' worth of warm-up; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  targets.forEach(({ flags: each }, index) => console.log(`JVM ${String.fromCharCode(65 + index)}: ${each}`));
  const names = targets.map((_, index) => String.fromCharCode(65 + index));
  const one = targets.length === 1;
  console.log(`| call | ${names.map((name) => (one ? 'JVM CPU ms/call' : `JVM ${name} ms/call`)).join(' | ')} | node CPU ms/call | wall ms/call | TCP connections opened |`);
  console.log(`|---|${names.map(() => '---|').join('')}---|---|---|`);
  for (const row of rows) {
    const [first] = row.costs;
    console.log(`| ${row.label} | ${row.costs.map((cost) => cost.jvmMs.toFixed(2)).join(' | ')} | ${first!.nodeMs.toFixed(2)} | ${first!.wallMs.toFixed(2)} | ${row.costs.map((cost) => cost.connections).join(' / ')} |`);
  }
  for (const [index, target] of targets.entries()) {
    console.log(`JVM ${names[index]}: idle ${target.idleJvmMsPerSecond.toFixed(1)} ms CPU per second; the warm-up (JIT included) ${target.warmupJvmSeconds.toFixed(2)} s`);
    const total = target.threads.reduce((sum, [, seconds]) => sum + seconds, 0);
    console.log(`  CPU by thread over the measured calls (${total.toFixed(2)} s):`);
    for (const [name, seconds] of target.threads.slice(0, 6)) console.log(`    ${name.padEnd(28)} ${seconds.toFixed(2)} s  ${((seconds / total) * 100).toFixed(0)} %`);
  }
}
