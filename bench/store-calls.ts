// What one DynamoDB Local call costs, by kind: the calls one run of the bench automation makes, taken from a
// real run (their request bodies as sent), replayed N times each with fresh ids against a DynamoDB Local started
// as local mode starts it (LOCAL_JAVA_OPTIONS, data in a folder, the table with its stream), after a warm-up.
// Prints JVM CPU per call (from /proc), node CPU per call (the SDK's side), the TCP connections the clients
// opened, and where the JVM's CPU went by thread. Also: item size (1 KB vs 10 KB), a TransactWrite vs the same
// items as single writes, GetRecords on a busy stream and at its end, ListTables.
//
//   npx tsx bench/store-calls.ts          (STORE_CALLS_N=500 calls per kind, STORE_CALLS_WARMUP=300)
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
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
import { withoutCallLogging, withoutSigning } from '#infra/local/clients.ts';
import { LOCAL_JAVA_OPTIONS, localCredentials, localDynamoClient, localMaxAttempts, localRegion, startDynamoDbLocal } from '#infra/local/dynamodb-local.ts';
import { LOCAL_TABLE_NAME, ensureTable, startLocalSystem } from '#infra/local/system.ts';
import type { Logger } from '#shared/ports.ts';
import { cpuSeconds, ticksPerSecond } from './proc.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A call as the SDK sent it: the operation (X-Amz-Target) and its JSON body. */
interface Captured {
  operation: string;
  body: string;
}

/** The data-plane calls one run makes, in order: one warm run, then the run whose calls are kept. */
async function captureOneRun(): Promise<Captured[]> {
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-calls-'));
  const system = await startLocalSystem({ home, port: 0, logger: quiet, seedAutomations: false });
  const captured: Captured[] = [];
  let capturing = false;
  const handle = NodeHttpHandler.prototype.handle;
  NodeHttpHandler.prototype.handle = function (this: NodeHttpHandler, request, options) {
    if (capturing) captured.push({ operation: String(request.headers['x-amz-target']).split('.')[1] ?? '?', body: String(request.body) });
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
function templates(captured: Captured[]): (index: number, iteration: number) => Record<string, unknown> {
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

const commands = {
  TransactWriteItems: TransactWriteItemsCommand,
  PutItem: PutItemCommand,
  UpdateItem: UpdateItemCommand,
  GetItem: GetItemCommand,
  DeleteItem: DeleteItemCommand,
} as unknown as Record<string, new (input: unknown) => PutItemCommand>;

let connectionsOpened = 0;
const createConnection = Agent.prototype.createConnection;
Agent.prototype.createConnection = function (this: Agent, ...args: Parameters<Agent['createConnection']>) {
  connectionsOpened++;
  return createConnection.apply(this, args);
} as Agent['createConnection'];

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

interface Row {
  label: string;
  calls: number;
  jvmMs: number;
  nodeMs: number;
  wallMs: number;
  connections: number;
}

/** Sends `inputs` one after another; JVM and node CPU per call. */
async function measure(label: string, jvmPid: number, inputs: Array<() => Promise<unknown>>): Promise<Row> {
  const connectionsBefore = connectionsOpened;
  const jvmBefore = cpuSeconds([jvmPid]);
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  for (const send of inputs) await send();
  const wallMs = performance.now() - started;
  const node = process.cpuUsage(nodeBefore);
  const jvm = cpuSeconds([jvmPid]) - jvmBefore;
  return {
    label,
    calls: inputs.length,
    jvmMs: (jvm * 1000) / inputs.length,
    nodeMs: (node.user + node.system) / 1000 / inputs.length,
    wallMs: wallMs / inputs.length,
    connections: connectionsOpened - connectionsBefore,
  };
}

/** A contact-like item of about `bytes` bytes of JSON in `attributes` string attributes. */
function sizedItem(id: string, bytes: number, attributes: number): Record<string, { S: string }> {
  const item: Record<string, { S: string }> = { pk: { S: `contact#${id}` }, sk: { S: 'entity' }, itemKind: { S: 'entity' } };
  const each = Math.max(1, Math.floor(bytes / attributes) - 16);
  for (let index = 0; index < attributes; index++) item[`field${index}`] = { S: `${index}`.padEnd(each, 'x') };
  return item;
}

export async function storeCalls(n: number, warmup: number): Promise<{ rows: Row[]; threads: Array<[string, number]>; idleJvmMsPerSecond: number; warmupJvmSeconds: number }> {
  const captured = await captureOneRun();
  const body = templates(captured);
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-calls-db-'));
  const dynamo = await startDynamoDbLocal({ path: join(home, 'dynamodb'), javaOptions: LOCAL_JAVA_OPTIONS });
  const jvm = dynamo.pid!;
  // The runtime's client (no commit barrier: the barrier is a ListTables, measured on its own).
  const client: DynamoDBClient = withoutCallLogging(localDynamoClient(dynamo.endpoint, { maxAttempts: localMaxAttempts }, { commitBarrier: false }));
  const streams = withoutSigning(
    withoutCallLogging(new DynamoDBStreamsClient({ endpoint: dynamo.endpoint, region: localRegion, credentials: localCredentials, maxAttempts: localMaxAttempts })),
    localCredentials,
    localRegion,
  );
  const send = (index: number, iteration: number) => () => client.send(new commands[captured[index]!.operation]!(body(index, iteration)));
  try {
    await ensureTable(client, LOCAL_TABLE_NAME);
    // Warm-up: whole runs' worth of calls, so the JIT has compiled what the measured calls run.
    const warmupBefore = cpuSeconds([jvm]);
    for (let iteration = 0; iteration < warmup; iteration++) for (let index = 0; index < captured.length; index++) await send(index, iteration)();
    for (let index = 0; index < 200; index++) await client.send(new ListTablesCommand({ Limit: 1 }));
    const warmupJvmSeconds = cpuSeconds([jvm]) - warmupBefore;
    await sleep(500);
    const idleBefore = cpuSeconds([jvm]);
    await sleep(2000);
    const idleJvmMsPerSecond = ((cpuSeconds([jvm]) - idleBefore) * 1000) / 2;

    const threadsBefore = threadSeconds(jvm);
    const rows: Row[] = [];
    const measured = Array.from({ length: n }, (_, offset) => warmup + offset);
    // A run's calls, kind by kind in the order the run makes them: iteration i of each call meets what i's earlier calls wrote.
    for (let index = 0; index < captured.length; index++) {
      rows.push(await measure(labelOf(captured[index]!), jvm, measured.map((iteration) => send(index, iteration))));
    }
    rows.push(await measure('ListTables (the commit barrier)', jvm, measured.map(() => () => client.send(new ListTablesCommand({ Limit: 1 })))));

    // A TransactWrite vs the same items as single writes (the API's contact + history entry).
    const transact = captured.findIndex(({ operation }) => operation === 'TransactWriteItems');
    if (transact >= 0) {
      const split = measured.flatMap((iteration) => {
        const { TransactItems } = body(transact, iteration + 1_000_000) as { TransactItems: Array<Record<string, Record<string, unknown>>> };
        return TransactItems.map((entry) => {
          const [verb, input] = Object.entries(entry)[0]!;
          const Command = { Put: PutItemCommand, Update: UpdateItemCommand, Delete: DeleteItemCommand }[verb]!;
          return () => client.send(new (Command as unknown as new (input: unknown) => PutItemCommand)(input));
        });
      });
      const row = await measure(`the same ${split.length / n} items as single writes (per item)`, jvm, split);
      rows.push({ ...row, label: `${row.label}` });
    }

    // Item size and attribute count: a PutItem of a 1 KB item vs 10 KB, in few or many attributes.
    for (const [bytes, attributes] of [
      [1024, 20],
      [10240, 20],
      [10240, 200],
    ] as const) {
      rows.push(
        await measure(
          `PutItem synthetic ${bytes / 1024} KB in ${attributes} attributes`,
          jvm,
          measured.map((iteration) => () => client.send(new PutItemCommand({ TableName: LOCAL_TABLE_NAME, Item: sizedItem(`${bytes}-${attributes}-${iteration}`, bytes, attributes) }))),
        ),
      );
    }

    // The stream: GetRecords of 100 records (a busy stream: everything above), then at its end (an idle poll).
    const described = await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAME }));
    const streamArn = described.Table!.LatestStreamArn!;
    const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shards[0]!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    let records = 0;
    const busyReads = Math.min(n, 100);
    const full = await measure(
      `GetRecords, 100 records a call (busy stream)`,
      jvm,
      Array.from({ length: busyReads }, () => async () => {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
        records += page.Records?.length ?? 0;
        iterator = page.NextShardIterator;
      }),
    );
    rows.push({ ...full, label: `${full.label}: ${(records / busyReads).toFixed(0)} records, ${(full.jvmMs / Math.max(1, records / busyReads)).toFixed(3)} ms JVM per record` });
    let tail = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shards.at(-1)!.ShardId!, ShardIteratorType: 'LATEST' }))).ShardIterator;
    rows.push(
      await measure(
        'GetRecords at the end of the stream (an idle poll)',
        jvm,
        measured.map(() => async () => {
          tail = (await streams.send(new GetRecordsCommand({ ShardIterator: tail, Limit: 100 }))).NextShardIterator;
        }),
      ),
    );
    const threadsAfter = threadSeconds(jvm);
    const threads = [...threadsAfter]
      .map(([name, seconds]): [string, number] => [name, seconds - (threadsBefore.get(name) ?? 0)])
      .filter(([, seconds]) => seconds > 0)
      .sort((a, b) => b[1] - a[1]);
    return { rows, threads, idleJvmMsPerSecond, warmupJvmSeconds };
  } finally {
    client.destroy();
    streams.destroy();
    await dynamo.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.env.STORE_CALLS_N ?? 500);
  const warmup = Number(process.env.STORE_CALLS_WARMUP ?? 300);
  const { rows, threads, idleJvmMsPerSecond, warmupJvmSeconds } = await storeCalls(n, warmup);
  console.log(`${n} calls of each kind, one at a time, after ${warmup} runs' worth of warm-up; JVM flags: ${process.env.JDK_JAVA_OPTIONS ?? LOCAL_JAVA_OPTIONS}`);
  console.log(`| call | JVM CPU ms/call | node CPU ms/call | wall ms/call | TCP connections opened |`);
  console.log(`|---|---|---|---|---|`);
  for (const row of rows) {
    console.log(`| ${row.label} | ${row.jvmMs.toFixed(2)} | ${row.nodeMs.toFixed(2)} | ${row.wallMs.toFixed(2)} | ${row.connections} |`);
  }
  console.log(`JVM idle: ${idleJvmMsPerSecond.toFixed(1)} ms CPU per second; the warm-up (JIT included): ${warmupJvmSeconds.toFixed(2)} s JVM CPU`);
  const total = threads.reduce((sum, [, seconds]) => sum + seconds, 0);
  console.log(`JVM CPU by thread over the measured calls (${total.toFixed(2)} s):`);
  for (const [name, seconds] of threads.slice(0, 12)) console.log(`  ${name.padEnd(28)} ${seconds.toFixed(2)} s  ${((seconds / total) * 100).toFixed(0)} %`);
}
