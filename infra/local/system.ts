// The whole system on one machine (docs/ARCHITECTURE.md §9): DynamoDB Local with its data under
// STAGECRAFT_HOME, the same handlers as on AWS behind local adapters, the API on loopback.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type App, createApp } from '#shared/app.ts';
import { humanActor } from '#shared/domain/actors.ts';
import { ulidIds } from '#shared/ids.ts';
import { createCore } from '#shared/runtime/core.ts';
import { tableRefOf } from '#shared/store/document-client.ts';
import { upgradeIndexes } from '#shared/store/index-upgrade.ts';
import type { Logger, TableRef } from '#shared/ports.ts';
import { createTableInput, indexes, ttlAttribute } from '#shared/store/table.ts';
import { withoutIdleSteps } from './clients.ts';
import { type LocalClock, createLocalClock } from './clock.ts';
import { withConsole } from './console.ts';
import {
  type DynamoDbLocal,
  LOCAL_JAVA_OPTIONS,
  createCommitTracker,
  endOrphanedDynamoDbLocal,
  localDynamoClient,
  localMaxAttempts,
  startDynamoDbLocal,
} from './dynamodb-local.ts';
import { type LocalEngine, startLocalEngine } from './engine.ts';
import { createLocalEventBus } from './event-bus.ts';
import { type LocalEvents, startLocalEvents } from './events.ts';
import { type LocalHttpServer, startHttpServer } from './http.ts';
import { isNodeProcess } from './processes.ts';
import { localRoutes } from './routes.ts';
import { seedWorkspace } from './seed.ts';
import { type Backpressure, DEFAULT_MAX_LAG_MS, createBackpressure } from './status.ts';
import type { CatchUp } from './stream-poller.ts';

export const LOCAL_TABLE_NAME = 'stagecraft';

export interface LocalCredentials {
  apiUrl: string;
  adminToken: string;
  adminUserId: string;
  integrationKey: string;
}

export interface LocalSystemOptions {
  /** Data folder; default `.stagecraft/` in the working directory. */
  home?: string;
  /** API port; 0 picks a free one. */
  port?: number;
  /** Seed the demo automations on a first start. @default true */
  seedAutomations?: boolean;
  /** Writes get 503 while the stream poller is further behind than this; null: never. @default 10000 */
  maxLagMs?: number | null;
  logger: Logger;
  /** The built console served under /console/. @default web/dist */
  consoleDist?: string;
  /**
   * A DynamoDB Local already running, and the table to use in it (the tests share one per run);
   * the system neither starts nor stops it. @default - its own, with its data under `home`
   */
  dynamoDb?: { endpoint: string; tableName: string };
  /** Group commit for the clients of DynamoDB Local (infra/local/group-commit.ts). @default true (STAGECRAFT_GROUP_COMMIT=0 in main.ts turns it off) */
  groupCommits?: boolean;
}

/** What a start found left over by a crash (a start after a clean stop finds nothing to say). */
export interface Recovery {
  /** The previous run of local mode on this home did not stop cleanly. */
  afterCrash: boolean;
  /** Executions resumed: those a crash left running, and waits that fell due meanwhile. */
  resumedRuns: number;
  /** The stream records read at start, up to the end of the stream, and where reading resumed. */
  replayed: CatchUp;
}

/** The one line a start after a crash prints. */
export function recoveryLine({ resumedRuns, replayed }: Recovery): string {
  const from = replayed.from === 'checkpoint' ? 'the checkpoint' : `the ${replayed.from}`;
  return `resumed ${resumedRuns} runs, replayed ${replayed.records} stream records from ${from}`;
}

export interface LocalSystem {
  app: App;
  events: LocalEvents;
  engine: LocalEngine;
  clock: LocalClock;
  http: LocalHttpServer;
  backpressure: Backpressure;
  dynamo: DynamoDbLocal;
  table: TableRef;
  home: string;
  credentials: LocalCredentials;
  firstStart: boolean;
  recovery: Recovery;
  stop(): Promise<void>;
}

interface RunningMarker {
  pid: number;
  dynamoPid?: number;
}

/** A DynamoDB Local someone else started and stops. */
function runningDynamoDbLocal(endpoint: string): DynamoDbLocal {
  return { endpoint, port: Number(new URL(endpoint).port), pid: undefined, stop: async () => {} };
}

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    await addMissingIndexes(client, tableName, new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName)));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }),
  );
}

/** A table made by an older version gets the indexes added since (one per UpdateTable, as DynamoDB allows). */
async function addMissingIndexes(client: DynamoDBClient, tableName: string, present: Set<string | undefined>): Promise<void> {
  for (const index of indexes) {
    if (present.has(index.name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: index.pk, AttributeType: 'S' },
          { AttributeName: index.sk, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.pk, KeyType: 'HASH' },
                { AttributeName: index.sk, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
  }
}

/** The demo integration key's integration: listed and revocable under `GET/DELETE /integrations` like any other. */
const LOCAL_INTEGRATION_ID = 'local';
const LOCAL_INTEGRATION_NAME = 'local integration';

/**
 * Tokens are stored hashed, so the file is where the secrets of a local workspace live. A saved secret that still
 * works is kept; one that does not (a new table, a revoked key) is issued anew.
 */
async function loadOrIssueCredentials(app: App, file: string, adminUserId: string, apiUrl: string): Promise<LocalCredentials> {
  const { credentials: store } = app.store;
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalCredentials>) : {};
  const [token, key] = await Promise.all([
    saved.adminToken ? store.find(saved.adminToken) : undefined,
    saved.integrationKey ? store.find(saved.integrationKey) : undefined,
  ]);
  const keptKey = saved.integrationKey && key?.principal.kind === 'integration' && key.principal.integrationId === LOCAL_INTEGRATION_ID ? saved.integrationKey : undefined;
  // A home seeded before the demo key had its integration: recorded now, the key unchanged.
  if (keptKey && key) await store.adoptIntegration(LOCAL_INTEGRATION_ID, LOCAL_INTEGRATION_NAME, keptKey, adminUserId, key.createdAt);
  const credentials: LocalCredentials = {
    apiUrl,
    adminUserId: token && saved.adminUserId ? saved.adminUserId : adminUserId,
    adminToken: token && saved.adminToken ? saved.adminToken : await store.issue({ kind: 'user', userId: adminUserId }, 'local admin'),
    integrationKey: keptKey ?? (await issueLocalKey(app, adminUserId)),
  };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

/** The demo key as `POST /integrations` makes keys; an integration of an earlier start whose secret is lost is revoked. */
async function issueLocalKey(app: App, adminUserId: string): Promise<string> {
  await app.store.credentials.removeIntegration(LOCAL_INTEGRATION_ID);
  const { key } = await app.store.credentials.createIntegration(LOCAL_INTEGRATION_ID, LOCAL_INTEGRATION_NAME, humanActor(adminUserId));
  return key;
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const home = resolve(options.home ?? '.stagecraft');
  const dataPath = join(home, 'dynamodb');
  mkdirSync(dataPath, { recursive: true });
  // Present while local mode runs on this home: found at start, the last run did not stop cleanly.
  const markerFile = join(home, 'running.json');
  const previous = existsSync(markerFile) ? (JSON.parse(readFileSync(markerFile, 'utf8')) as RunningMarker) : undefined;
  if (previous && previous.pid !== process.pid && isNodeProcess(previous.pid)) {
    throw new Error(`Local mode already runs on ${home} (process ${previous.pid}): stop it, or start with another STAGECRAFT_HOME.`);
  }
  // The previous run is gone; a DynamoDB Local it left behind would share the data file.
  if (previous?.dynamoPid) await endOrphanedDynamoDbLocal(previous.dynamoPid, dataPath);
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error) => options.logger.warn('stop step failed', { error: String(error) }));
    stops.length = 0;
  };
  try {
    const dynamo = options.dynamoDb ? runningDynamoDbLocal(options.dynamoDb.endpoint) : await startDynamoDbLocal({ path: dataPath, javaOptions: LOCAL_JAVA_OPTIONS });
    const tableName = options.dynamoDb?.tableName ?? LOCAL_TABLE_NAME;
    stops.push(() => dynamo.stop());
    writeFileSync(markerFile, JSON.stringify({ pid: process.pid, dynamoPid: dynamo.pid } satisfies RunningMarker));
    // Pushed first, so it runs last: only a stop that got everything down is a clean one.
    stops.unshift(async () => rmSync(markerFile, { force: true }));
    // Two clients of the one DynamoDB Local. The API's (and the runner's, which the API starts executions on)
    // answers a transaction only once it is committed: its answers leave the system. The runtime's functions
    // (run-action, track-runs, the stream's handlers) skip that barrier: nobody outside hears their
    // acknowledgements, the next call of a run that waits on DynamoDB Local's queue orders after the COMMIT,
    // and the stream checkpoint settles first (docs/local-durability.md, "The engine's writes").
    const commits = createCommitTracker();
    const groupCommits = options.groupCommits ?? true;
    const dynamoClient = commits.observe(withoutIdleSteps(localDynamoClient(dynamo.endpoint, { maxAttempts: localMaxAttempts }, { groupCommits })), {
      commitBarrier: true,
    });
    const runtimeClient = commits.observe(
      withoutIdleSteps(localDynamoClient(dynamo.endpoint, { maxAttempts: localMaxAttempts }, { commitBarrier: false, groupCommits })),
      { commitBarrier: false },
    );
    await ensureTable(dynamoClient, tableName);
    const table = tableRefOf(tableName, dynamoClient);
    const clock = createLocalClock(home);
    // One clock and one id generator for the API, the engine and the event side (two generators at the same
    // millisecond would interleave); the runtime's store differs only in its client.
    const core = createCore({ table, clock, ids: ulidIds(clock), logger: options.logger });
    const runtimeCore = createCore({ ...core, table: tableRefOf(tableName, runtimeClient) });
    const bus = createLocalEventBus({ logger: options.logger, clock });
    // Known once the server listens (a free port when 0); links are issued only after that.
    let apiUrl = '';
    let nudge = () => {};
    const engine = startLocalEngine({ core, runtimeCore, dynamoClient, clock, home, bus, onActivity: () => nudge(), publicUrl: () => apiUrl });
    const events = await startLocalEvents({
      core,
      dynamoClient,
      dynamoEndpoint: dynamo.endpoint,
      home,
      bus,
      runtime: engine.runtime,
      startPoller: false,
      // Runs an event starts are written when they end: the checkpoint waits for them (docs/local-performance.md).
      // ... and what the runtime wrote for them is committed (one barrier, only when no later call proved it).
      poller: {
        beforeCheckpoint: async () => {
          await engine.runner.durable();
          await commits.settle(runtimeClient);
        },
      },
      // The poller reads no further while the runner is full: an overload stays in the stream,
      // where it is measured (GET /local/status) and survives a restart, not in memory.
      wrapHandler: (handler) => async (batch) => {
        await engine.runner.whenCapacity();
        return handler(batch);
      },
    });
    nudge = () => events.poller.nudge();
    stops.push(async () => runtimeClient.destroy());
    stops.push(() => events.stop());
    stops.push(() => engine.stop());
    const backpressure = createBackpressure(
      {
        streamLagMs: () => events.poller.lagMs(),
        parkedBatches: () => events.poller.deadLetters().length,
        executions: () => engine.runner.load(),
        waitingCount: () => engine.runner.waitingCount(),
        triggerLatency: () => engine.metrics.triggerLatency(),
      },
      options.maxLagMs === undefined ? DEFAULT_MAX_LAG_MS : options.maxLagMs,
    );
    const app = createApp({
      ...core,
      core,
      dynamoClient,
      workflows: engine.workflows,
      extraRoutes: ({ store }) => [...localRoutes({ clock, store }), ...events.routes, engine.outbox.route, engine.sms.route, backpressure.route],
    });
    // Records from before an index get its keys before anything reads the stream (the unlink rule reads the
    // contacts-of-a-company index); then rules, then what a crash interrupted, the stream's backlog, new work.
    await upgradeIndexes(app.store);
    const { resumedRuns } = await engine.resume();
    const replayed = await events.poller.catchUp().catch((error: unknown): CatchUp => {
      // The running poller reads on from the checkpoint; a start does not fail for it.
      options.logger.error('reading the stream backlog at start failed', { error: String(error) });
      return { records: 0, from: 'checkpoint' };
    });
    // Records after the backlog were never delivered before: no execution can exist for them yet.
    engine.runner.eventsAreNew();
    events.poller.start();
    const recovery: Recovery = { afterCrash: previous !== undefined, resumedRuns, replayed };
    const { seed, firstStart } = await seedWorkspace(app, { automations: options.seedAutomations ?? true });
    const http = await startHttpServer(withConsole(app.api, { dist: options.consoleDist }), {
      port: options.port ?? 3000,
      shed: backpressure.shed,
      // An answered write is what a user's automation waits on: read it soon (a run's own writes only nudge).
      afterWrite: () => events.poller.expedite(),
    });
    stops.push(() => http.close());
    apiUrl = http.url;
    const credentials = await loadOrIssueCredentials(app, join(home, 'credentials.json'), seed.adminUserId, http.url);
    return { app, events, engine, clock, http, backpressure, dynamo, table, home, credentials, firstStart, recovery, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
