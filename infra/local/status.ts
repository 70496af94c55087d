// Local mode's backlog made visible (GET /local/status) and bounded: past a lag limit the
// local HTTP adapter answers writes with 503 + Retry-After instead of letting the stream
// fall further behind. AWS has no such gate: the stream's iterator-age alarm covers it.
import { requireAdmin } from '#shared/crm/context.ts';
import type { Route } from '#shared/http/router.ts';
import type { LatencySummary } from './run-metrics.ts';

/** @default 10000 — `STAGECRAFT_MAX_LAG_MS`; `0` or `off` turns the gate off. */
export const DEFAULT_MAX_LAG_MS = 10_000;

export interface BacklogSources {
  /** How long the stream poller has been behind the table's stream. */
  streamLagMs(): number;
  /** Stream batches given up on after retries. */
  parkedBatches(): number;
  /** Runs in progress, and whether the stream poller waits for one to end (queued). */
  executions(): { running: number; queued: number };
  /** Runs paused on a durable wait. */
  waitingCount(): Promise<number>;
  /** Write → run enrolled, over the latest runs: the figure AWS charts as TriggerLatency. */
  triggerLatency(): LatencySummary;
}

export interface LocalStatus {
  stream: { lagMs: number; parkedBatches: number };
  executions: { running: number; queued: number; waiting: number };
  triggerLatency: LatencySummary;
  backpressure: { maxLagMs: number | null; shedding: boolean; rejectedWrites: number };
}

export interface Shed {
  retryAfterSeconds: number;
  lagMs: number;
  maxLagMs: number;
}

/** Reads `STAGECRAFT_MAX_LAG_MS`: a positive number of milliseconds, or 0 / `off` for no gate. */
export function parseMaxLag(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_LAG_MS;
  if (value.trim().toLowerCase() === 'off') return null;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`STAGECRAFT_MAX_LAG_MS must be a number of milliseconds or "off", got "${value}"`);
  return parsed === 0 ? null : parsed;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function createBackpressure(sources: BacklogSources, maxLagMs: number | null) {
  let rejectedWrites = 0;

  /** A write to refuse for now, and for how long; undefined lets it through. Local routes always pass. */
  function shed(method: string, path: string): Shed | undefined {
    if (maxLagMs === null || !WRITE_METHODS.has(method) || path.startsWith('/local/')) return undefined;
    const lagMs = sources.streamLagMs();
    if (lagMs <= maxLagMs) return undefined;
    rejectedWrites += 1;
    return { lagMs, maxLagMs, retryAfterSeconds: Math.min(60, Math.max(1, Math.ceil((lagMs - maxLagMs) / 1000))) };
  }

  async function status(): Promise<LocalStatus> {
    const lagMs = sources.streamLagMs();
    return {
      stream: { lagMs, parkedBatches: sources.parkedBatches() },
      executions: { ...sources.executions(), waiting: await sources.waitingCount() },
      triggerLatency: sources.triggerLatency(),
      backpressure: { maxLagMs, shedding: maxLagMs !== null && lagMs > maxLagMs, rejectedWrites },
    };
  }

  const route: Route = {
    method: 'GET',
    path: '/local/status',
    tag: 'local',
    summary: 'The local backlog: how far the stream poller is behind, runs in progress, queued and waiting, trigger latency (write → run enrolled), and whether writes are refused (admins)',
    status: 200,
    handle: async (request) => {
      requireAdmin(request.caller);
      return { status: 200, body: await status() };
    },
  };

  return { shed, status, route };
}

export type Backpressure = ReturnType<typeof createBackpressure>;
