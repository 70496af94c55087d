import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { must } from '#test/support/http-factories.ts';
import { aRun, putRuns } from '#test/support/run-records.ts';

describe('GET /automations/{id}/runs/counts', () => {
  let t: TestApp;
  let automationId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const automation = await must(t, 'POST', '/automations', {
      name: 'Counted',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      actions: [{ type: 'notify', to: 'responsible', message: 'Won' }],
    });
    automationId = automation.id;
    const at = (day: number, n: number) => `2026-11-${String(day).padStart(2, '0')}T10:00:0${n}.000Z`;
    await putRuns(t.table, [
      aRun({ automationId, runId: 'R1', startedAt: at(1, 1), status: 'SUCCEEDED' }),
      aRun({ automationId, runId: 'R2', startedAt: at(2, 1), status: 'SUCCEEDED' }),
      aRun({ automationId, runId: 'R3', startedAt: at(2, 2), status: 'FAILED' }),
      aRun({ automationId, runId: 'R4', startedAt: at(5, 1), status: 'WAITING' }),
      aRun({ automationId: 'another', runId: 'R5', startedAt: at(2, 3), status: 'FAILED' }),
    ]);
  });

  it('counts the runs of the window per status, every status named', async () => {
    // Act
    const result = await t.call('GET', `/automations/${automationId}/runs/counts?from=2026-11-02T00:00:00Z&to=2026-11-30T00:00:00Z`);

    // Assess
    expect(result.status).toBe(200);
    expect(result.body.counts).toEqual({ RUNNING: 0, WAITING: 1, SUCCEEDED: 1, FAILED: 1, SKIPPED: 0, CANCELLED: 0, LOOP_STOPPED: 0 });
  });

  it('counts every run without a window', async () => {
    const result = await t.call('GET', `/automations/${automationId}/runs/counts`);

    expect(result.body.counts).toMatchObject({ SUCCEEDED: 2, FAILED: 1, WAITING: 1 });
  });

  it('refuses a window that ends before it starts, naming the field', async () => {
    const result = await t.call('GET', `/automations/${automationId}/runs/counts?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z`);

    expect(result.status).toBe(400);
    expect(JSON.stringify(result.body.error.details)).toContain('to');
  });

  it('is 404 for an automation that does not exist', async () => {
    const result = await t.call('GET', '/automations/NOPE/runs/counts');

    expect(result.status).toBe(404);
  });
});
