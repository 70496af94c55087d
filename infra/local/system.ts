// The whole system on one machine (DESIGN §9): DynamoDB Local with its data under
// STAGECRAFT_HOME, the same handlers as on AWS behind local adapters, the API on loopback.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type App, createApp } from '#shared/app.ts';
import { ulidIds } from '#shared/ids.ts';
import type { Logger, TableRef } from '#shared/ports.ts';
import { createTableInput, ttlAttribute } from '#shared/store/table.ts';
import { type LocalClock, createLocalClock } from './clock.ts';
import { withConsole } from './console.ts';
import { type DynamoDbLocal, localCredentials, localRegion, startDynamoDbLocal } from './dynamodb-local.ts';
import { type LocalEngine, startLocalEngine } from './engine.ts';
import { type LocalEvents, startLocalEvents } from './events.ts';
import { type LocalHttpServer, startHttpServer } from './http.ts';
import { localRoutes } from './routes.ts';
import { seedWorkspace } from './seed.ts';

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
  logger: Logger;
  /** The built console served under /console/. @default web/dist */
  consoleDist?: string;
}

export interface LocalSystem {
  app: App;
  events: LocalEvents;
  engine: LocalEngine;
  clock: LocalClock;
  http: LocalHttpServer;
  dynamo: DynamoDbLocal;
  table: TableRef;
  home: string;
  credentials: LocalCredentials;
  firstStart: boolean;
  stop(): Promise<void>;
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }),
  );
}

/** Tokens are stored hashed, so the file is where the secrets of a local workspace live. */
async function loadOrIssueCredentials(app: App, file: string, adminUserId: string, apiUrl: string): Promise<LocalCredentials> {
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as LocalCredentials;
    const [token, key] = await Promise.all([app.store.credentials.find(saved.adminToken), app.store.credentials.find(saved.integrationKey)]);
    if (token && key) {
      const credentials = { ...saved, apiUrl };
      writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
      return credentials;
    }
  }
  const credentials: LocalCredentials = {
    apiUrl,
    adminUserId,
    adminToken: await app.store.credentials.issue({ kind: 'user', userId: adminUserId }, 'local admin'),
    integrationKey: await app.store.credentials.issue({ kind: 'integration', integrationId: 'local' }, 'local integration'),
  };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const home = resolve(options.home ?? '.stagecraft');
  mkdirSync(join(home, 'dynamodb'), { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error) => options.logger.warn('stop step failed', { error: String(error) }));
    stops.length = 0;
  };
  try {
    const dynamo = await startDynamoDbLocal({ path: join(home, 'dynamodb') });
    stops.push(() => dynamo.stop());
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: localRegion, credentials: localCredentials });
    await ensureTable(dynamoClient, LOCAL_TABLE_NAME);
    const table: TableRef = {
      tableName: LOCAL_TABLE_NAME,
      client: DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } }),
    };
    const clock = createLocalClock(home);
    // One id generator for the app and the event side: two at the same millisecond would interleave.
    const ids = ulidIds(clock);
    const events = await startLocalEvents({ dynamoEndpoint: dynamo.endpoint, tableName: LOCAL_TABLE_NAME, home, logger: options.logger, clock, ids });
    stops.push(() => events.stop());
    const engine = await startLocalEngine({ table, dynamoClient, clock, ids, home, bus: events.bus, logger: options.logger });
    stops.push(() => engine.stop());
    const app = createApp({
      table,
      dynamoClient,
      clock,
      ids,
      logger: options.logger,
      workflows: engine.workflows,
      extraRoutes: ({ store }) => [...localRoutes({ clock, store }), ...events.routes, engine.outbox.route],
    });
    await engine.bind(app);
    const { seed, firstStart } = await seedWorkspace(app, { automations: options.seedAutomations ?? true });
    const http = await startHttpServer(withConsole(app.api, { dist: options.consoleDist }), { port: options.port ?? 3000 });
    stops.push(() => http.close());
    const credentials = await loadOrIssueCredentials(app, join(home, 'credentials.json'), seed.adminUserId, http.url);
    return { app, events, engine, clock, http, dynamo, table, home, credentials, firstStart, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
