// The RunMetrics port on one machine: the latest trigger latencies in memory, summarised for
// `GET /local/status` the way the AWS dashboard charts them (p50, p99).

/** @default 1000 — latencies kept; older ones fall out of the window. */
const WINDOW = 1000;

export interface LatencySummary {
  /** Runs enrolled since the start. */
  count: number;
  /** Over the latest runs (up to the window): null before any. */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export function createLocalRunMetrics(window = WINDOW) {
  const latest: number[] = [];
  let count = 0;
  let next = 0;

  function runEnrolled(latencyMs: number): void {
    count += 1;
    if (latest.length < window) latest.push(latencyMs);
    else latest[next] = latencyMs;
    next = (next + 1) % window;
  }

  function triggerLatency(): LatencySummary {
    if (latest.length === 0) return { count, p50Ms: null, p99Ms: null, maxMs: null };
    const sorted = [...latest].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return { count, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1)! };
  }

  return { runEnrolled, triggerLatency };
}

export type LocalRunMetrics = ReturnType<typeof createLocalRunMetrics>;
