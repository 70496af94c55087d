// Local mode's event flow (docs/ARCHITECTURE.md §9): the table's stream → the same publish-changes
// handler as on AWS → the local bus with its system rules, and GET /local/events to watch it.
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { parseWith, requireAdmin } from '#shared/crm/records.ts';
import { COMPLETE_ACTIVITIES_RULE, type CrmEvent, completeActivitiesPattern, createCompleteActivities } from '#shared/crm/complete-activities.ts';
import { createPublishChanges } from '#shared/events/publish.ts';
import type { Route } from '#shared/http/router.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import type { Clock, Ids, Logger } from '#shared/ports.ts';
import { createStore } from '#shared/store/index.ts';
import { withoutCallLogging, withoutSigning } from './clients.ts';
import { localCredentials, localDynamoClient, localMaxAttempts, localRegion } from './dynamodb-local.ts';
import { type LocalEventBus, type LocalEventBusOptions, createLocalEventBus } from './event-bus.ts';
import { type StreamHandler, type StreamPoller, type StreamPollerOptions, createStreamPoller } from './stream-poller.ts';

export interface LocalEventsOptions {
  dynamoEndpoint: string;
  tableName: string;
  /** The data folder; the stream checkpoint and parked batches go to `<home>/events`. */
  home: string;
  logger: Logger;
  /** Local time (movable): the Butler's writes and the bus's receive times follow it. @default the system clock */
  clock?: Clock;
  ids?: Ids;
  poller?: Pick<StreamPollerOptions, 'idleMs' | 'batchSize' | 'maxAttempts' | 'retryDelayMs' | 'shardRefreshMs' | 'beforeCheckpoint'>;
  bus?: Pick<LocalEventBusOptions, 'keep' | 'targetAttempts' | 'retryDelayMs' | 'attemptTimeoutMs'>;
  /** Wraps the publish-changes handler the poller calls (crash drills in tests). */
  wrapHandler?: (handler: StreamHandler) => StreamHandler;
  /**
   * Start reading the stream at once. A system start leaves it to after the automations' rules
   * are back on the bus, or replayed records would reach no rule. @default true
   */
  startPoller?: boolean;
}

export interface LocalEvents {
  bus: LocalEventBus;
  poller: StreamPoller;
  /** `GET /local/events`, for the API's extra routes. */
  routes: Route[];
  stop(): Promise<void>;
}

const EventsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

export function localEventRoutes(bus: LocalEventBus): Route[] {
  return [
    {
      method: 'GET',
      path: '/local/events',
      tag: 'local',
      summary: 'The latest events on the local bus, newest first, each with the rules it matched and how delivery went',
      query: EventsQuery,
      status: 200,
      handle: async (request) => {
        // Full record images of every change: admins only, like the local writes.
        requireAdmin(request.caller);
        const { limit } = parseWith(EventsQuery, request.query, 'query');
        const items = bus.recent(limit).map((record) => ({
          ...record.event,
          receivedAt: record.receivedAt,
          matchedRules: record.matchedRules,
          deliveries: record.deliveries,
        }));
        return { status: 200, body: { items } };
      },
    },
  ];
}

export async function startLocalEvents(options: LocalEventsOptions): Promise<LocalEvents> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? ulidIds(clock);
  const clientOptions = { endpoint: options.dynamoEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: localMaxAttempts };
  // complete-activities writes through the store: its transactions need the commit barrier too.
  const dynamo = withoutCallLogging(localDynamoClient(options.dynamoEndpoint, { maxAttempts: localMaxAttempts }));
  const streams = withoutSigning(withoutCallLogging(new DynamoDBStreamsClient(clientOptions)), localCredentials, localRegion);
  // Fail at start, not in a poll loop that only logs: without a stream no event ever leaves the table.
  const described = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  if (!described.Table?.StreamSpecification?.StreamEnabled) {
    dynamo.destroy();
    streams.destroy();
    throw new Error(`Table ${options.tableName} has no stream: create it from shared/store/table.ts (NEW_AND_OLD_IMAGES).`);
  }
  const store = createStore(
    { tableName: options.tableName, client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }) },
    clock,
    ids,
  );

  const bus = createLocalEventBus({ logger, clock, ...options.bus });
  const completeActivities = createCompleteActivities({ store, logger });
  bus.putRule({
    name: COMPLETE_ACTIVITIES_RULE,
    pattern: completeActivitiesPattern,
    enabled: true,
    target: (event) => completeActivities(event as unknown as CrmEvent),
  });

  const publishChanges: StreamHandler = createPublishChanges({ bus, logger });
  const poller = createStreamPoller({
    dynamo,
    streams,
    tableName: options.tableName,
    folder: join(options.home, 'events'),
    handler: options.wrapHandler ? options.wrapHandler(publishChanges) : publishChanges,
    logger,
    ...options.poller,
  });
  if (options.startPoller ?? true) poller.start();

  return {
    bus,
    poller,
    routes: localEventRoutes(bus),
    async stop() {
      await poller.stop();
      dynamo.destroy();
      streams.destroy();
    },
  };
}
