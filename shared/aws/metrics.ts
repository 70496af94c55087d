// The RunMetrics port on AWS: CloudWatch metrics in the embedded metric format (Powertools Metrics writes
// them to the function's log; no API call, no network at init). The stack names the namespace per stack
// (POWERTOOLS_METRICS_NAMESPACE), so two stages in one account chart apart.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RunMetrics } from '#shared/ports.ts';

/** The metric the dashboard charts as trigger latency (docs/ARCHITECTURE.md §10). */
export const TRIGGER_LATENCY_METRIC = 'TriggerLatency';

export function awsRunMetrics(serviceName: string): { powertools: Metrics; metrics: RunMetrics } {
  const powertools = new Metrics({ serviceName });
  return {
    powertools,
    metrics: {
      // Flushed at once: most Tasks report nothing, and a flush with nothing stored would log a warning each time.
      runEnrolled: (latencyMs) => {
        powertools.addMetric(TRIGGER_LATENCY_METRIC, MetricUnit.Milliseconds, latencyMs);
        powertools.publishStoredMetrics();
      },
    },
  };
}
