// Local trigger latency: the window of the latest runs that GET /local/status summarises.
import { describe, expect, it } from 'vitest';
import { createLocalRunMetrics } from '#infra/local/run-metrics.ts';

describe('local trigger latency', () => {
  it('says nothing before any run enrolled', () => {
    const metrics = createLocalRunMetrics();

    const summary = metrics.triggerLatency();

    expect(summary).toEqual({ count: 0, p50Ms: null, p99Ms: null, maxMs: null });
  });

  it('gives the median, the 99th percentile and the maximum of the latencies reported', () => {
    const metrics = createLocalRunMetrics();
    for (let ms = 1; ms <= 100; ms++) metrics.runEnrolled(ms);

    const summary = metrics.triggerLatency();

    expect(summary).toEqual({ count: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
  });

  it('keeps only the latest runs in its window, and counts them all', () => {
    const metrics = createLocalRunMetrics(3);
    for (const ms of [900, 800, 700, 1, 2, 3]) metrics.runEnrolled(ms);

    const summary = metrics.triggerLatency();

    expect(summary).toEqual({ count: 6, p50Ms: 2, p99Ms: 3, maxMs: 3 });
  });
});
