// Trigger latency on AWS: one CloudWatch metric in the embedded metric format, written to the
// function's log (Powertools Metrics), in the namespace the stack sets for its run-action function.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TRIGGER_LATENCY_METRIC, awsRunMetrics } from '#shared/aws/metrics.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** What the function printed, as the JSON objects CloudWatch Logs would turn into metrics. */
function printedMetrics(lines: string[]): Array<Record<string, unknown>> {
  return lines.flatMap((line) => line.split('\n')).filter((line) => line.includes('CloudWatchMetrics')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the run metrics adapter on AWS', () => {
  it('prints each enrolment latency at once as a TriggerLatency metric in milliseconds, in the stack’s namespace', () => {
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'Stagecraft/stagecraft-test');
    vi.stubEnv('POWERTOOLS_DEV', '');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const { metrics } = awsRunMetrics('run-action');

    metrics.runEnrolled(123);

    const [emf] = printedMetrics(lines);
    expect(emf).toMatchObject({
      service: 'run-action',
      [TRIGGER_LATENCY_METRIC]: 123,
      _aws: { CloudWatchMetrics: [{ Namespace: 'Stagecraft/stagecraft-test', Metrics: [{ Name: 'TriggerLatency', Unit: 'Milliseconds' }] }] },
    });
  });
});
