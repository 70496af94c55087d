// Local mode's event flow (docs/ARCHITECTURE.md §9): the table's stream → the runtime's publish-changes (the
// same handler as on AWS) → the local bus with the system rules of the catalogue, and GET /local/events to
// watch it. It reads the stream with the system's own DynamoDB client: no second client or store.
import { join } from 'node:path';
import { type DynamoDBClient, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { z } from 'zod';
import { requireAdmin } from '#shared/crm/context.ts';
import { parseWith } from '#shared/domain/validation.ts';
import { publisherStreamFilters, streamRecordFilter } from '#shared/events/stream-filter.ts';
import { type SystemTarget, crmBusRules } from '#shared/events/system-rules.ts';
import type { Route } from '#shared/http/router.ts';
import type { Logger, TableRef } from '#shared/ports.ts';
import { withoutIdleSteps, withoutSigning } from './clients.ts';
import { localCredentials, localMaxAttempts, localRegion } from './dynamodb-local.ts';
import type { LocalEventBus } from './event-bus.ts';
import { type StreamHandler, type StreamPoller, type StreamPollerOptions, createStreamPoller } from './stream-poller.ts';

export interface LocalEventsOptions {
  /** The core's table and logger (shared/runtime/core.ts). */
  core: { table: TableRef; logger: Logger };
  /** The system's DynamoDB Local client (with the commit barrier): the table's description and its stream ARN. */
  dynamoClient: DynamoDBClient;
  /** Where DynamoDB Local listens, for the streams client. */
  dynamoEndpoint: string;
  /** The data folder; the stream checkpoint and parked batches go to `<home>/events`. */
  home: string;
  bus: LocalEventBus;
  /** The runtime's members the event flow uses: publish-changes, and the targets of the system rules it has. */
  runtime: { publishChanges: StreamHandler; targets: Partial<Record<SystemTarget, (event: unknown) => Promise<unknown>>> };
  poller?: Pick<StreamPollerOptions, 'idleMs' | 'gatherMs' | 'expediteGapMs' | 'batchSize' | 'maxAttempts' | 'retryDelayMs' | 'shardRefreshMs' | 'beforeCheckpoint'>;
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

/**
 * STAGECRAFT_STREAM_GATHER_MS and STAGECRAFT_STREAM_EXPEDITE_MS: the poller's gatherMs and expediteGapMs
 * (docs/local-performance.md); unset or invalid keeps the default.
 */
function gatherSettings(env: NodeJS.ProcessEnv): { gatherMs?: number; expediteGapMs?: number } {
  const ms = (value: string | undefined) => {
    const parsed = value === undefined || value === '' ? Number.NaN : Number(value);
    return Number.isInteger(parsed) && parsed >= 0 && parsed <= 1000 ? parsed : undefined;
  };
  const gatherMs = ms(env.STAGECRAFT_STREAM_GATHER_MS);
  const expediteGapMs = ms(env.STAGECRAFT_STREAM_EXPEDITE_MS);
  return { ...(gatherMs === undefined ? {} : { gatherMs }), ...(expediteGapMs === undefined ? {} : { expediteGapMs }) };
}

export async function startLocalEvents(options: LocalEventsOptions): Promise<LocalEvents> {
  const { core, dynamoClient: dynamo, bus } = options;
  const { tableName } = core.table;
  const streams = withoutSigning(
    withoutIdleSteps(
      new DynamoDBStreamsClient({ endpoint: options.dynamoEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: localMaxAttempts }),
    ),
    localCredentials,
    localRegion,
  );
  // Fail at start, not in a poll loop that only logs: without a stream no event ever leaves the table.
  const described = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  if (!described.Table?.StreamSpecification?.StreamEnabled) {
    streams.destroy();
    throw new Error(`Table ${tableName} has no stream: create it from shared/store/table.ts (NEW_AND_OLD_IMAGES).`);
  }
  // The system rules of the CRM bus, as the stack makes them on EventBridge (shared/events/system-rules.ts).
  for (const rule of crmBusRules) {
    const target = options.runtime.targets[rule.target];
    if (target)
      bus.putRule({
        name: rule.name,
        pattern: rule.pattern,
        enabled: true,
        target: (event) => target(event),
        // As long as the AWS function serving the rule may take (a company's thousands of contacts to unlink).
        ...(rule.timeoutSeconds ? { attemptTimeoutMs: rule.timeoutSeconds * 1000 } : {}),
      });
  }

  const { publishChanges } = options.runtime;
  const poller = createStreamPoller({
    dynamo,
    streams,
    tableName,
    folder: join(options.home, 'events'),
    handler: options.wrapHandler ? options.wrapHandler(publishChanges) : publishChanges,
    // What the stream event source mapping lets through to publish-changes on AWS.
    filter: streamRecordFilter(publisherStreamFilters),
    logger: core.logger,
    ...gatherSettings(process.env),
    ...options.poller,
  });
  if (options.startPoller ?? true) poller.start();

  return {
    bus,
    poller,
    routes: localEventRoutes(bus),
    async stop() {
      await poller.stop();
      streams.destroy();
    },
  };
}
