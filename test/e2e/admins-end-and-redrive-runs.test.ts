// What an admin does with single runs in local mode, over HTTP against the local runner and DynamoDB Local: cancel
// one waiting run (and it does not act when its time comes), not start a stopped automation by hand, and read the
// failure a redrive fixed on the redriven run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { automationClient, eventually, httpClient } from '#test/support/local-http.ts';
import { sharedDynamoDb, silentLogger } from '#test/support/table.ts';

let home: string;
const dynamoDb = sharedDynamoDb();
let system: LocalSystem;

const http = httpClient(() => system);
const runs = automationClient(http);
const { anAutomation } = runs;

const aDeal = async (fields: Record<string, unknown> = {}) =>
  (await http('POST', '/deals', { title: 'Deal', pipelineId: 'sales', stageId: 'new', responsibleId: 'admin', ...fields })).body;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-admin-runs-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('cancelling one run', () => {
  it('cancels a waiting run, naming the admin, and the run does not act when its wait ends', async () => {
    // Prepare
    const automationId = await anAutomation({
      name: 'follow up lost deals',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'lost' },
      delay: { after: 'P1M' },
      actions: [{ type: 'updateFields', set: { title: 'followed up' } }],
    });
    const deal = await aDeal({ title: 'Lost one' });
    await http('PATCH', `/deals/${deal.id}`, { stageId: 'lost' });
    const waiting = await eventually('a waiting run', async () => (await http('GET', `/automations/${automationId}/runs?status=WAITING`)).body.items[0]);

    // Act
    const cancelled = await http('POST', `/automations/${automationId}/runs/${waiting.runId}/cancel`);
    const again = await http('POST', `/automations/${automationId}/runs/${waiting.runId}/cancel`);
    await http('POST', '/local/clock', { advance: 'P1M1D' });
    await system.engine.runner.tick();
    await system.engine.runner.idle();

    // Assess
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', reason: 'cancelled by Admin' });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('CANCELLED');
    const run = await runs.finished(automationId, waiting.runId);
    expect(run).toMatchObject({ status: 'CANCELLED', reason: 'cancelled by Admin' });
    expect((await http('GET', `/deals/${deal.id}`)).body.title).toBe('Lost one');
  });

  it('refuses a run that has ended with 409 RUN_ENDED', async () => {
    // Prepare
    const automationId = await anAutomation({ name: 'rename', trigger: { type: 'manual', entity: 'deal' }, actions: [{ type: 'updateFields', set: { title: 'renamed' } }] });
    const done = await runs.manualRun(automationId, 'deal', (await aDeal()).id);

    // Act
    const refused = await http('POST', `/automations/${automationId}/runs/${done.runId}/cancel`);

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('RUN_ENDED');
  });
});

describe('a stopped automation', () => {
  it('cannot be run by hand until it is activated again', async () => {
    // Prepare
    const automationId = await anAutomation({ name: 'by hand', trigger: { type: 'manual', entity: 'deal' }, actions: [{ type: 'updateFields', set: { title: 'by hand' } }] });
    const deal = await aDeal();
    await http('POST', `/automations/${automationId}/stop`);

    // Act
    const refused = await http('POST', `/automations/${automationId}/runs`, { entityType: 'deal', entityId: deal.id });
    await http('POST', `/automations/${automationId}/activate`);
    const started = await http('POST', `/automations/${automationId}/runs`, { entityType: 'deal', entityId: deal.id });

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('AUTOMATION_STOPPED');
    expect(refused.body.error.message).toContain('activate it first');
    expect(started.status).toBe(202);
  });
});

describe('a redrive', () => {
  it('keeps the failure it fixed on the run, beside the redrive', async () => {
    // Prepare
    const automationId = await anAutomation({
      name: 'plan a task for the responsible',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [
        { type: 'updateFields', set: { title: 'step one' } },
        { type: 'planActivity', subject: 'Follow up', activityType: 'task', due: 'P1D' },
      ],
    });
    const deal = await aDeal({ responsibleId: undefined });
    // Local time may be ahead (a test above moved it): the window is around it.
    const now = Date.parse((await http('GET', '/local/clock')).body.now);
    const window = { from: new Date(now - 86_400_000).toISOString(), to: new Date(now + 86_400_000).toISOString() };
    const failed = await runs.manualRun(automationId, 'deal', deal.id, { stepsLogged: true });
    await http('PATCH', `/deals/${deal.id}`, { responsibleId: 'admin' });

    // Act
    const redrive = await http('POST', `/automations/${automationId}/runs/redrive`, window);
    const redriven = await runs.finished(automationId, failed.runId, { stepsLogged: true });

    // Assess
    expect(failed).toMatchObject({ status: 'FAILED', failedStep: '2 · Plan activity' });
    expect(redrive.body.redriven).toEqual([failed.runId]);
    expect(redriven.status).toBe('SUCCEEDED');
    expect(redriven.redrives).toEqual([
      expect.objectContaining({ fromStep: '2 · Plan activity', failedStep: '2 · Plan activity', error: failed.error, cause: failed.steps.find((step: { name: string }) => step.name === '2 · Plan activity').cause }),
    ]);
    expect(redriven.redrives[0].cause).toMatch(/responsible/);
    // The step's line is the new attempt's: started with the redrive, one attempt, not the failed execution's.
    const before = failed.steps.find((step: { name: string }) => step.name === '2 · Plan activity');
    const after = redriven.steps.find((step: { name: string }) => step.name === '2 · Plan activity');
    expect(after.status).toBe('SUCCEEDED');
    expect(after).not.toHaveProperty('attempts'); // one attempt: the API names more only
    expect(Date.parse(after.startedAt)).toBeGreaterThanOrEqual(Date.parse(redriven.redrives[0].at));
    expect(Date.parse(after.startedAt)).toBeGreaterThan(Date.parse(before.startedAt));
  });
});
