// Runs tell the truth (issue 9, items 1, 3, 4, 5; issue 10, defect 4), through the HTTP API of the local system:
// what each step did, steps that could not do their job, lifecycle of automations and their runs, runs across
// automations, one clock, and run details and redrives that need no execution history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { executionKey } from '#shared/store/keys.ts';
import { automationClient, eventually, httpClient } from '#test/support/local-http.ts';
import { sharedDynamoDb, silentLogger } from '#test/support/table.ts';

let home: string;
// The run's DynamoDB Local (test/support/global-setup.ts), a table of this file's own.
const dynamoDb = sharedDynamoDb();
let system: LocalSystem;

const http = httpClient(() => system);
const { anAutomation, manualRun } = automationClient(http);

const aDeal = async (fields: Record<string, unknown> = {}) =>
  (await http('POST', '/deals', { title: 'Deal', pipelineId: 'sales', stageId: 'new', responsibleId: 'admin', ...fields })).body;

const stepNamed = (run: { steps: Array<{ name: string }> }, name: string) => run.steps.find((step) => step.name === name) as any;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-truth-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('step outcomes', () => {
  it('show a move of a deal of another pipeline as a no-op with the reason, not as a move', async () => {
    // The step names its pipeline (a stage the deal's pipeline lacks is refused at save); a deal of another one stays.
    const automationId = await anAutomation({
      name: 'to invoice',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'moveToStage', pipelineId: 'sales', stageId: 'invoice' }],
    });
    const deal = await aDeal({ pipelineId: 'installation', stageId: 'new' });

    const run = await manualRun(automationId, 'deal', deal.id);

    expect(run.status).toBe('SUCCEEDED');
    expect(stepNamed(run, '1 · Move to stage').outcome).toMatchObject({ result: 'noop', reason: 'the deal is in installation, not sales' });
    expect(run.summary).toBe('1 · Move to stage: not moved: this step moves deals of pipeline sales');
    expect((await http('GET', `/deals/${deal.id}`)).body.stageId).toBe('new');
  });

  it('show a mail to an excepted address as suppressed, with the reason, and nothing in the outbox', async () => {
    await http('POST', '/exceptions', { value: 'blocked@example.com', reason: 'asked not to be mailed' });
    const automationId = await anAutomation({
      name: 'mail the contact',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'sendEmail', to: 'contact', subject: 'Hello', body: 'About {{ deal.title }}' }],
    });
    const contact = (await http('POST', '/contacts', { name: 'Bea', emails: ['bea@example.com'] })).body;
    const deal = await aDeal({ contactId: contact.id });
    // Excepted after the contact was saved: a create with an excepted address is refused.
    await http('POST', '/exceptions', { value: 'bea@example.com', reason: 'unsubscribed' });
    const outboxBefore = (await http('GET', '/local/outbox?limit=100')).body.items.length;

    const run = await manualRun(automationId, 'deal', deal.id);

    expect(run.status).toBe('SUCCEEDED');
    expect(stepNamed(run, '1 · Send e-mail').outcome).toMatchObject({
      result: 'suppressed',
      reason: 'bea@example.com is on the exceptions list',
      mails: [{ to: 'bea@example.com', subject: 'Hello', status: 'suppressed', reason: 'bea@example.com is on the exceptions list' }],
    });
    expect(run.summary).toBe('1 · Send e-mail: did not mail bea@example.com: it is on the exceptions list');
    expect((await http('GET', '/local/outbox?limit=100')).body.items.length).toBe(outboxBefore);
  });

  it('link the records a step created at their version, and say when a step had nothing to change', async () => {
    const automationId = await anAutomation({
      name: 'lead and title',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [
        { type: 'createLead', title: 'Again: {{ deal.title }}' },
        { type: 'updateFields', set: { title: 'Same' } },
      ],
    });
    const deal = await aDeal({ title: 'Same' });

    const run = await manualRun(automationId, 'deal', deal.id);
    const created = stepNamed(run, '1 · Create lead').outcome.records;
    const lead = await http('GET', created[0].href);

    expect(run.status).toBe('SUCCEEDED');
    expect(created).toEqual([
      { type: 'lead', id: lead.body.id, version: 1, change: 'created', href: `/leads/${lead.body.id}`, values: { title: 'Again: Same', responsibleId: lead.body.responsibleId } },
    ]);
    expect(lead.body).toMatchObject({ title: 'Again: Same', createdBy: 'butler' });
    expect(stepNamed(run, '2 · Update fields').outcome).toMatchObject({ result: 'noop', reason: 'every field already had its value' });
    expect(run.summary).toBe('1 · Create lead: created lead "Again: Same"; 2 · Update fields: title already set');
    expect(run.steps.map((step: { name: string }) => step.name)).toEqual(['Enroll', 'Check conditions', '1 · Create lead', '2 · Update fields', 'Record success']);
  });
});

describe('an automation’s lifecycle', () => {
  it('keeps the runs and the history of a deleted automation readable', async () => {
    const automationId = await anAutomation({ name: 'short-lived', trigger: { type: 'manual', entity: 'deal' }, actions: [{ type: 'updateFields', set: { title: 'touched' } }] });
    const deal = await aDeal();
    const run = await manualRun(automationId, 'deal', deal.id);

    const deleted = await http('DELETE', `/automations/${automationId}`);
    const runs = await http('GET', `/automations/${automationId}/runs`);
    const byRecord = await http('GET', `/automations/${automationId}/runs?entityId=${deal.id}`);
    const detail = await http('GET', `/automations/${automationId}/runs/${run.runId}`);
    const history = await http('GET', `/automations/${automationId}/history`);

    expect(deleted.status).toBe(204);
    expect(runs.status).toBe(200);
    expect(runs.body.items.map((item: { runId: string }) => item.runId)).toEqual([run.runId]);
    expect(byRecord.body.items.map((item: { runId: string }) => item.runId)).toEqual([run.runId]);
    expect(detail.body).toMatchObject({ status: 'SUCCEEDED', summary: '1 · Update fields: set title' });
    expect(history.body.items.map((entry: { action: string }) => entry.action)).toEqual(['deleted', 'created']);
    // Its actors are named, as in every history.
    expect(history.body.items.map((entry: { actor: { id: string; name?: string } }) => `${entry.actor.id}: ${entry.actor.name}`)).toEqual(['admin: Admin', 'admin: Admin']);
  });

  it('keeps the version and stays ready when a save changes nothing (Save pressed twice)', async () => {
    // Prepare
    const automationId = await anAutomation({ name: 'unchanged', trigger: { type: 'manual', entity: 'deal' }, actions: [{ type: 'updateFields', set: { title: 'x' } }] });
    await eventually('deployed', async () => (await http('GET', `/automations/${automationId}`)).body.provisioning === 'ready');
    const before = (await http('GET', `/automations/${automationId}`)).body;

    // Act
    const patch = async (body: unknown, version: number) => {
      const response = await fetch(`${system.http.url}/automations/${automationId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${system.credentials.adminToken}`, 'if-match': `"${version}"` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };
    const saved = await patch({ actions: before.actions, name: before.name }, before.version);
    const stale = await patch({ name: before.name }, before.version - 1);

    // Assess
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: before.version, provisioning: 'ready' });
    expect(stale.status).toBe(412);
    const history = (await http('GET', `/automations/${automationId}/history`)).body.items as Array<{ action: string }>;
    expect(history.map((entry) => entry.action)).toEqual(['created']);
  });

  it('answers 404 for the history of an automation that never existed', async () => {
    const history = await http('GET', '/automations/01J00000000000000000000000/history');

    expect(history.status).toBe(404);
  });

  it('refuses to remove a stage an automation uses, naming the automation, until it is changed', async () => {
    await http('POST', '/pipelines', { id: 'service', name: 'Service', stages: [{ id: 'open', name: 'Open' }, { id: 'visit', name: 'Visit' }, { id: 'closed', name: 'Closed', kind: 'won' }] });
    const automationId = await anAutomation({
      name: 'book the visit',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'service', stageId: 'visit' },
      actions: [{ type: 'moveToStage', stageId: 'closed' }],
    });
    const withoutVisit = { stages: [{ id: 'open', name: 'Open' }, { id: 'closed', name: 'Closed', kind: 'won' }] };

    const refused = await http('PATCH', '/pipelines/service', withoutVisit);
    await http('PATCH', `/automations/${automationId}`, { trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'service', stageId: 'open' } });
    const accepted = await http('PATCH', '/pipelines/service', withoutVisit);

    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('STAGE_IN_USE');
    expect(refused.body.error.message).toContain(`"book the visit" (${automationId})`);
    expect(refused.body.error.details).toEqual([{ stageId: 'visit', automationId, automationName: 'book the visit', path: 'trigger.stageId' }]);
    expect(accepted.status).toBe(200);
  });

  it('records the automation version a redrive ran with', async () => {
    const colleague = (await http('POST', '/users', { name: 'Leaving Colleague', role: 'member' })).body;
    const automationId = await anAutomation({
      name: 'notify someone',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'notify', to: 'userId', userId: colleague.id, message: 'Look at {{ deal.title }}' }],
    });
    // Deleted after the automation was saved: only the run can find out.
    expect((await http('DELETE', `/users/${colleague.id}`)).status).toBe(204);
    const deal = await aDeal();
    const from = new Date(Date.now() - 60_000).toISOString();
    const failed = await manualRun(automationId, 'deal', deal.id);
    const changed = await http('PATCH', `/automations/${automationId}`, { actions: [{ type: 'notify', to: 'userId', userId: 'admin', message: 'Look at {{ deal.title }}' }] });
    await eventually('version 2 deployed', async () => (await http('GET', `/automations/${automationId}`)).body.provisioning === 'ready');

    const redrive = await http('POST', `/automations/${automationId}/runs/redrive`, { from, to: new Date(Date.now() + 86_400_000).toISOString() });
    const redriven = await eventually('the redriven run to succeed', async () => {
      const run = (await http('GET', `/automations/${automationId}/runs/${failed.runId}`)).body;
      return run.status === 'SUCCEEDED' && run;
    });

    expect(failed).toMatchObject({ status: 'FAILED', automationVersion: 1 });
    expect(stepNamed(failed, '1 · Notify').cause).toBe(`user ${colleague.id} does not exist (deleted after the automation was saved?)`);
    expect(changed.body.version).toBe(2);
    expect(redrive.body.redriven).toEqual([failed.runId]);
    expect(redriven.automationVersion).toBe(2);
    expect(redriven.redrives).toEqual([expect.objectContaining({ fromStep: '1 · Notify', automationVersion: 2 })]);
    // The line is the redrive's attempt (one, so not named); the failed attempt is the redrive entry's.
    expect(stepNamed(redriven, '1 · Notify')).toMatchObject({ status: 'SUCCEEDED', outcome: { notifications: [expect.objectContaining({ userId: 'admin' })] } });
    expect(stepNamed(redriven, '1 · Notify')).not.toHaveProperty('attempts');
  });
});

describe('a run whose execution history is gone (Step Functions keeps it 90 days)', () => {
  it('still shows its steps and outcomes from the table, and a redrive starts from the input kept there', async () => {
    const automationId = await anAutomation({
      name: 'plan a call',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'planActivity', subject: 'Call', activityType: 'call', due: 'P1D' }],
    });
    const deal = await aDeal({ responsibleId: undefined });
    const from = new Date(Date.now() - 60_000).toISOString();
    const failed = await manualRun(automationId, 'deal', deal.id);
    await system.table.client.send(new DeleteCommand({ TableName: system.table.tableName, Key: executionKey(failed.executionId) }));
    await http('PATCH', `/deals/${deal.id}`, { responsibleId: 'admin' });

    const detail = (await http('GET', `/automations/${automationId}/runs/${failed.runId}`)).body;
    const redrive = await http('POST', `/automations/${automationId}/runs/redrive`, { from, to: new Date(Date.now() + 86_400_000).toISOString() });
    const redriven = await eventually('the redriven run to succeed', async () => {
      const run = (await http('GET', `/automations/${automationId}/runs/${failed.runId}`)).body;
      return run.status === 'SUCCEEDED' && run;
    });

    expect(stepNamed(detail, '1 · Plan activity')).toMatchObject({ status: 'FAILED', cause: 'the deal has no responsible user and the step names none' });
    expect(redrive.body.redriven).toEqual([failed.runId]);
    expect(stepNamed(redriven, '1 · Plan activity').outcome.records[0]).toMatchObject({ type: 'activity', change: 'created' });
  });
});

describe('runs across automations', () => {
  it('lists every run newest first, by automation, by record, by status and by date, in pages', async () => {
    const succeeding = await anAutomation({ name: 'touch', trigger: { type: 'manual', entity: 'deal' }, actions: [{ type: 'updateFields', set: { title: 'touched' } }] });
    const skipping = await anAutomation({
      name: 'big only',
      trigger: { type: 'manual', entity: 'deal' },
      conditions: { all: [{ field: 'amount', op: 'gte', value: 1_000_000 }] },
      actions: [{ type: 'updateFields', set: { title: 'big' } }],
    });
    const deal = await aDeal({ amount: 5 });
    const first = await manualRun(succeeding, 'deal', deal.id);
    const second = await manualRun(skipping, 'deal', deal.id);

    const all = (await http('GET', '/runs?limit=100')).body.items.map((run: { runId: string }) => run.runId);
    const byRecord = (await http('GET', `/runs?entityType=deal&entityId=${deal.id}`)).body.items;
    const byAutomation = (await http('GET', `/runs?automationId=${skipping}`)).body.items;
    const skipped = (await http('GET', `/runs?status=SKIPPED&entityType=deal&entityId=${deal.id}`)).body.items;
    const page1 = await http('GET', `/runs?entityType=deal&entityId=${deal.id}&limit=1`);
    const page2 = await http('GET', `/runs?entityType=deal&entityId=${deal.id}&limit=1&cursor=${page1.body.cursor}`);
    const window = (await http('GET', `/runs?from=${encodeURIComponent(second.startedAt)}&to=${encodeURIComponent(second.startedAt)}`)).body.items;

    expect(all.indexOf(second.runId)).toBeLessThan(all.indexOf(first.runId));
    expect(all.indexOf(first.runId)).toBeGreaterThanOrEqual(0);
    expect(byRecord.map((run: { runId: string }) => run.runId)).toEqual([second.runId, first.runId]);
    expect(byAutomation.map((run: { runId: string }) => run.runId)).toEqual([second.runId]);
    expect(skipped).toEqual([expect.objectContaining({ runId: second.runId, status: 'SKIPPED', summary: expect.stringMatching(/^skipped: /) })]);
    expect([page1.body.items[0].runId, page2.body.items[0].runId]).toEqual([second.runId, first.runId]);
    expect(window.map((run: { runId: string }) => run.runId)).toEqual([second.runId]);
  });

  it('answers 400 naming the field for a record filter without its type, or a range that ends before it starts', async () => {
    const halfFilter = await http('GET', '/runs?entityId=01J00000000000000000000000');
    const backwards = await http('GET', '/runs?from=2020-01-02T00:00:00Z&to=2019-01-01T00:00:00Z');

    expect(halfFilter.status).toBe(400);
    expect(halfFilter.body.error.details).toEqual([expect.objectContaining({ path: 'query.entityId' })]);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details).toEqual([expect.objectContaining({ path: 'query.to' })]);
  });

  it('is in /openapi.json with its filters', async () => {
    const document = (await http('GET', '/openapi.json')).body;

    const parameters = document.paths['/runs'].get.parameters.map((parameter: { name: string }) => parameter.name);

    expect(parameters).toEqual(expect.arrayContaining(['automationId', 'entityType', 'entityId', 'status', 'from', 'to', 'limit', 'cursor']));
  });
});

describe('one clock', () => {
  it('times runs, their steps, the records they write and Liquid’s "now" by the local clock once it is moved', async () => {
    const automationId = await anAutomation({
      name: 'stamp',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'updateFields', set: { title: '{{ "now" | date: "%Y" }} / {{ now | date: "%Y" }}' } }],
    });
    const deal = await aDeal();
    const moved = (await http('POST', '/local/clock', { advance: 'P2Y' })).body;
    const movedAt = Date.parse(moved.now);
    const year = new Date(movedAt).getUTCFullYear();

    const run = await manualRun(automationId, 'deal', deal.id);
    const after = (await http('GET', `/deals/${deal.id}`)).body;
    const inWindow = (await http('GET', `/runs?from=${encodeURIComponent(new Date(movedAt).toISOString())}&automationId=${automationId}`)).body.items;
    const times = [run.startedAt, run.endedAt, ...run.steps.flatMap((step: { startedAt: string; endedAt?: string }) => [step.startedAt, step.endedAt])];

    expect(Number.isNaN(movedAt)).toBe(false);
    expect(times.length).toBeGreaterThan(0);
    for (const time of times) expect(Date.parse(time)).toBeGreaterThanOrEqual(movedAt - 1000);
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(movedAt - 1000);
    expect(after.title).toBe(`${year} / ${year}`);
    expect(inWindow.map((item: { runId: string }) => item.runId)).toEqual([run.runId]);
  });
});
