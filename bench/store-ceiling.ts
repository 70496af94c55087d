// The most runs per second DynamoDB Local allows on this machine, with nothing of Stagecraft around it: the
// data-plane calls one run of the bench automation makes (captured from a real run, bench/store-calls.ts: the API's
// transaction, Enroll's write, the action's read and transaction, the runner's execution item), replayed with fresh
// ids by K runs in flight at once, through clients made as local mode makes them (group commit, the API's commit
// barrier), while a reader drains the table's stream as the poller does. No HTTP API, no engine, no runner: the
// figure is what the store itself leaves for local mode's runs per second (docs/local-performance.md, "Session 9").
//
//   npx tsx bench/store-ceiling.ts   (CEILING_RUNS=2000 per level, CEILING_WARMUP=600, CEILING_IN_FLIGHT=8,16,32,64,
//                                     CEILING_WITHOUT_ENROLL=1)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { withoutIdleSteps, withoutSigning } from '#infra/local/clients.ts';
import { LOCAL_JAVA_OPTIONS, createCommitTracker, localCredentials, localDynamoClient, localMaxAttempts, localRegion, startDynamoDbLocal } from '#infra/local/dynamodb-local.ts';
import { LOCAL_TABLE_NAME, ensureTable } from '#infra/local/system.ts';
import { cpuSeconds, machineTicks } from './proc.ts';
import { captureOneRun, commands, templates } from './store-calls.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads the table's stream to its end every 50 ms, shard after shard, until stopped; counts the records. */
function drainStream(client: DynamoDBClient, streams: DynamoDBStreamsClient) {
  let stopped = false;
  let records = 0;
  const done = (async () => {
    const streamArn = (await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE_NAME }))).Table!.LatestStreamArn!;
    const read = new Set<string>();
    let iterator: string | undefined;
    while (!stopped) {
      if (!iterator) {
        const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
        const next = shards.find((shard) => !read.has(shard.ShardId!));
        if (next) {
          read.add(next.ShardId!);
          iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: next.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        }
      }
      if (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
        records += page.Records?.length ?? 0;
        iterator = page.NextShardIterator;
        if ((page.Records?.length ?? 0) === 100) continue;
      }
      await sleep(50);
    }
  })();
  return {
    records: () => records,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

export interface CeilingOptions {
  /** Runs measured per level. */
  runs: number;
  /** Runs before the first level, 16 in flight: what the JIT compiles first. */
  warmup: number;
  /** Runs in flight, one level each. */
  inFlight: number[];
  /** The run with Enroll's write in the action's transaction instead. */
  withoutEnroll?: boolean;
}

export interface CeilingLevel {
  inFlight: number;
  runsPerSecond: number;
  jvmMsPerRun: number;
  nodeMsPerRun: number;
  /** Of both cores, 0–1. */
  machineBusy: number;
}

/** Replays one run's store calls at each level of runs in flight; see the top of this file. */
export async function storeCeiling(options: CeilingOptions, log: (line: string) => void = () => {}): Promise<CeilingLevel[]> {
  const original = await captureOneRun();
  const template = templates(original);
  // Without Enroll: the run as it would be if Enroll's write went into the first action's transaction (a Put of
  // the run item, conditional on its absence, in place of the close's Update): one write fewer per run.
  const withoutEnroll = options.withoutEnroll ?? false;
  const enrollIndex = original.findIndex((call) => call.operation === 'PutItem' && call.body.includes('"sk":{"S":"run"}'));
  const closeIndex = original.findLastIndex((call) => call.operation === 'TransactWriteItems' && call.body.includes('"sk":{"S":"run"}'));
  if (withoutEnroll && (enrollIndex < 0 || closeIndex < 0)) throw new Error("CEILING_WITHOUT_ENROLL: the run's Enroll or closing transaction was not captured");
  const kept = original.flatMap((call, index) => (withoutEnroll && index === enrollIndex ? [] : [{ call, index }]));
  const captured = kept.map(({ call }) => call);
  const body = (index: number, iteration: number) => {
    const originalIndex = kept[index]!.index;
    const parsed = template(originalIndex, iteration) as { TransactItems?: Array<Record<string, { Key?: { sk?: { S?: string } } }>> };
    if (!withoutEnroll || originalIndex !== closeIndex) return parsed;
    const enroll = template(enrollIndex, iteration) as { TableName: string; Item: Record<string, unknown> };
    const run = { Put: { TableName: enroll.TableName, Item: enroll.Item, ConditionExpression: 'attribute_not_exists(pk)' } };
    return { ...parsed, TransactItems: parsed.TransactItems!.map((item) => (item.Update?.Key?.sk?.S === 'run' ? run : item)) };
  };
  // The API's transaction (the run's first call) goes through the API's client, with its commit barrier; the rest
  // through the runtime's, as local mode sends them (infra/local/system.ts).
  const viaApi = captured.map((call, index) => index === 0 && call.operation === 'TransactWriteItems');
  const home = mkdtempSync(join(tmpdir(), 'stagecraft-ceiling-'));
  const dynamo = await startDynamoDbLocal({ path: join(home, 'dynamodb'), javaOptions: LOCAL_JAVA_OPTIONS });
  const commits = createCommitTracker();
  const client = (commitBarrier: boolean) =>
    commits.observe(withoutIdleSteps(localDynamoClient(dynamo.endpoint, { maxAttempts: localMaxAttempts }, { commitBarrier })), { commitBarrier });
  const api = client(true);
  const runtime = client(false);
  const streams = withoutSigning(
    withoutIdleSteps(new DynamoDBStreamsClient({ endpoint: dynamo.endpoint, region: localRegion, credentials: localCredentials, maxAttempts: localMaxAttempts })),
    localCredentials,
    localRegion,
  );
  try {
    await ensureTable(api, LOCAL_TABLE_NAME);
    log(
      `One run's calls (${captured.length}${withoutEnroll ? ", without Enroll's write" : ''}): ${captured.map((call, index) => `${call.operation}${viaApi[index] ? ' (API)' : ''}`).join(', ')}`,
    );
    let iteration = 0;
    /** `count` runs, `inFlight` at a time; every body made before the clock starts (its JSON is this bench's, not the store's). */
    const runMany = async (count: number, inFlight: number) => {
      const bodies = Array.from({ length: count }, () => {
        const own = iteration++;
        return captured.map((_, index) => body(index, own));
      });
      let next = 0;
      const startedAt = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          for (let run = next++; run < count; run = next++) {
            for (const [index, call] of captured.entries()) await (viaApi[index] ? api : runtime).send(new commands[call.operation]!(bodies[run]![index]));
          }
        }),
      );
      return (performance.now() - startedAt) / 1000;
    };
    const reader = drainStream(api, streams);
    await runMany(options.warmup, 16);
    const levels: CeilingLevel[] = [];
    for (const inFlight of options.inFlight) {
      const jvmBefore = cpuSeconds([dynamo.pid!]);
      const nodeBefore = process.cpuUsage();
      const busyBefore = machineTicks();
      const seconds = await runMany(options.runs, inFlight);
      const used = process.cpuUsage(nodeBefore);
      const busy = machineTicks();
      levels.push({
        inFlight,
        runsPerSecond: options.runs / seconds,
        jvmMsPerRun: ((cpuSeconds([dynamo.pid!]) - jvmBefore) * 1000) / options.runs,
        nodeMsPerRun: (used.user + used.system) / 1000 / options.runs,
        machineBusy: (busy.busy - busyBefore.busy) / (busy.total - busyBefore.total),
      });
    }
    await reader.stop();
    log(`stream records read: ${reader.records()}`);
    return levels;
  } finally {
    api.destroy();
    runtime.destroy();
    streams.destroy();
    await dynamo.stop();
    rmSync(home, { recursive: true, force: true });
  }
}


if (import.meta.url === `file://${process.argv[1]}`) {
  const options = {
    runs: Number(process.env.CEILING_RUNS ?? 2000),
    warmup: Number(process.env.CEILING_WARMUP ?? 600),
    inFlight: (process.env.CEILING_IN_FLIGHT ?? '8,16,32,64').split(',').map(Number),
    withoutEnroll: process.env.CEILING_WITHOUT_ENROLL === '1',
  };
  const levels = await storeCeiling(options, (line) => console.log(line));
  console.log(`\n${options.runs} runs per level after ${options.warmup} runs of warm-up; ${LOCAL_JAVA_OPTIONS}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log('| runs in flight | runs/s | JVM CPU ms/run | node CPU ms/run (SDK, clients) | machine busy (of 200 %) |');
  console.log('|---|---|---|---|---|');
  for (const level of levels) {
    console.log(
      `| ${level.inFlight} | ${level.runsPerSecond.toFixed(0)} | ${level.jvmMsPerRun.toFixed(1)} | ${level.nodeMsPerRun.toFixed(1)} | ${(level.machineBusy * 200).toFixed(0)} % |`,
    );
  }
}
