// Compiled automations run by the local runner against DynamoDB Local with the real
// run-action: each action through a manual run, skips, failures and redrives, stopping,
// dry runs, the loop guard, and a wait that outlives a restart.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { automationClient, eventually, httpClient } from '#test/support/local-http.ts';
import { sharedDynamoDb, silentLogger } from '#test/support/table.ts';

let home: string;
// The run's DynamoDB Local (test/support/global-setup.ts), a table of this file's own.
const dynamoDb = sharedDynamoDb();
let system: LocalSystem;

const http = httpClient(() => system);

const runs = automationClient(http);
const { anAutomation } = runs;
// The run record and the execution's step log are written apart: wait for both to end.
const finished = (automationId: string, runId: string) => runs.finished(automationId, runId, { stepsLogged: true });
const manualRun = (automationId: string, entityType: string, entityId: string) => runs.manualRun(automationId, entityType, entityId, { stepsLogged: true });

const aDeal = async (fields: Record<string, unknown> = {}) =>
  (await http('POST', '/deals', { title: 'Deal', pipelineId: 'sales', stageId: 'new', responsibleId: 'admin', ...fields })).body;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-runs-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('each action, by a manual run', () => {
  it.each([
    ['updateFields', { type: 'updateFields', set: { title: '{{ deal.title }} (checked)' } }, (deal: any) => expect(deal.title).toBe('Deal (checked)')],
    ['moveToStage', { type: 'moveToStage', stageId: 'invoice', pipelineId: 'sales' }, (deal: any) => expect(deal.stageId).toBe('invoice')],
  ])('%s changes the deal as the Butler, and the run succeeds with its steps', async (_name, action, expectDeal) => {
    const automationId = await anAutomation({ name: `manual ${_name}`, trigger: { type: 'manual', entity: 'deal' }, actions: [action] });
    const deal = await aDeal();

    const run = await manualRun(automationId, 'deal', deal.id);

    expect(run).toMatchObject({ status: 'SUCCEEDED', actionsCompleted: 1, actionsTotal: 1 });
    expect(run.steps.map((step: { name: string }) => step.name)).toEqual(['Enroll', 'Check conditions', expect.stringMatching(/^1 · /), 'Record success']);
    const after = (await http('GET', `/deals/${deal.id}`)).body;
    expectDeal(after);
    expect(after.updatedBy).toBe('butler');
  });

  it('sends mail to the contact through the local outbox', async () => {
    const automationId = await anAutomation({
      name: 'manual mail',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'sendEmail', to: 'contact', subject: 'Hello {{ contact.name }}', body: 'About {{ deal.title }}' }],
    });
    const contact = (await http('POST', '/contacts', { name: 'Mia', emails: ['mia@example.com'] })).body;
    const deal = await aDeal({ contactId: contact.id });

    const run = await manualRun(automationId, 'deal', deal.id);
    const outbox = await http('GET', '/local/outbox');

    expect(run.status).toBe('SUCCEEDED');
    expect(outbox.body.items[0]).toMatchObject({ to: 'mia@example.com', subject: 'Hello Mia', text: 'About Deal' });
  });
});

describe('a mail with HTML', () => {
  /** The .eml the outbox wrote for `to`: its head and, for multipart, each part's head and decoded content. */
  const emlTo = (to: string) => {
    const folder = join(home, 'outbox');
    const raw = readdirSync(folder)
      .map((name) => readFileSync(join(folder, name), 'utf8'))
      .find((text) => text.includes(`\r\nTo: ${to}\r\n`));
    if (!raw) throw new Error(`no mail to ${to} in the outbox`);
    const [folded = '', body = ''] = raw.split(/\r\n\r\n(.*)/s);
    // A header longer than a line goes on in lines that start with white space (RFC 5322 §2.2.3).
    const head = folded.replace(/\r\n(?=[ \t])/g, '');
    const boundary = /^Content-Type: multipart\/alternative;\s*boundary="([^"]+)"$/m.exec(head)?.[1] ?? '';
    const sections = body.split(`--${boundary}`);
    const parts = sections.slice(1, -1).map((section) => {
      const [partHead = '', content = ''] = section.replace(/^\r\n/, '').split('\r\n\r\n');
      return { head: partHead, decoded: Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8') };
    });
    return { head, boundary, parts, epilogue: sections.at(-1) };
  };

  it('goes as multipart/alternative: the body as its text part, the HTML with escaped values as its HTML part', async () => {
    // Prepare
    const automationId = await anAutomation({
      name: 'manual html mail',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'sendEmail', to: 'contact', subject: 'Hello {{ contact.name }}', body: 'Dear {{ contact.name }}, about {{ deal.title }}', html: '<p>Dear <b>{{ contact.name }}</b>, about {{ deal.title }}</p>' }],
    });
    const contact = (await http('POST', '/contacts', { name: '<script>alert("x")</script> Jürgen', emails: ['juergen@example.com'] })).body;
    const deal = await aDeal({ contactId: contact.id, title: 'Roof & Solar' });

    // Act
    const run = await manualRun(automationId, 'deal', deal.id);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    const eml = emlTo('juergen@example.com');
    expect(eml.head).toMatch(/^MIME-Version: 1\.0$/m);
    expect(eml.boundary).not.toBe('');
    expect(eml.epilogue).toBe('--\r\n');
    // Header names and the charset are case-insensitive (RFC 2045 §5.1).
    expect(eml.parts.map((part) => part.head.toLowerCase())).toEqual([
      'content-type: text/plain; charset=utf-8\r\ncontent-transfer-encoding: base64',
      'content-type: text/html; charset=utf-8\r\ncontent-transfer-encoding: base64',
    ]);
    expect(eml.parts[0]?.decoded).toBe('Dear <script>alert("x")</script> Jürgen, about Roof & Solar');
    expect(eml.parts[1]?.decoded).toBe('<p>Dear <b>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Jürgen</b>, about Roof &amp; Solar</p>');
    // The run log keeps both parts as they were sent.
    const sent = run.steps.find((step: { name: string }) => step.name === '1 · Send e-mail').outcome.mails[0];
    expect(sent).toMatchObject({ body: eml.parts[0]?.decoded, html: eml.parts[1]?.decoded, status: 'sent' });
  });

  it('is listed by the local outbox with its HTML part', async () => {
    // Prepare
    const automationId = await anAutomation({
      name: 'manual html mail listed',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'sendEmail', to: 'address', address: 'listed@example.com', subject: 'Grüße', body: 'Text part', html: '<p>{{ deal.title }}</p>' }],
    });
    const deal = await aDeal({ title: 'A <b>bold</b> deal' });

    // Act
    await manualRun(automationId, 'deal', deal.id);
    const outbox = await http('GET', '/local/outbox?limit=200');

    // Assess
    expect(outbox.body.items.find((item: { to: string }) => item.to === 'listed@example.com')).toMatchObject({
      subject: 'Grüße',
      text: 'Text part',
      html: '<p>A &lt;b&gt;bold&lt;/b&gt; deal</p>',
    });
  });

  it('shows its rendered, escaped HTML in a dry run', async () => {
    // Prepare
    const automationId = await anAutomation({
      name: 'dry html mail',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'sendEmail', to: 'address', address: 'dry@example.com', subject: 's', body: '{{ deal.title }}', html: '<i>{{ deal.title }}</i>' }],
    });
    const deal = await aDeal({ title: '<img src=x onerror=alert(1)>' });

    // Act
    const dryRun = await http('POST', `/automations/${automationId}/test`, { entityType: 'deal', entityId: deal.id });

    // Assess
    expect(dryRun.body.actions[0].action).toMatchObject({ body: '<img src=x onerror=alert(1)>', html: '<i>&lt;img src=x onerror=alert(1)&gt;</i>' });
  });
});

describe('a run by hand of an automation triggered by a custom field', () => {
  it('runs its actions: the field change the trigger names is taken as given', async () => {
    // Prepare
    const automationId = await anAutomation({
      name: 'probe changed',
      trigger: { type: 'updated', entity: 'deal', fields: ['fields.probe'] },
      actions: [{ type: 'updateFields', set: { title: '{{ deal.title }} (probed)' } }],
    });
    const deal = await aDeal({ fields: { probe: 'x' } });

    // Act
    const run = await manualRun(automationId, 'deal', deal.id);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect((await http('GET', `/deals/${deal.id}`)).body.title).toBe('Deal (probed)');
  });
});

describe('conditions', () => {
  it('skip a run whose record does not meet them, with the reason', async () => {
    const automationId = await anAutomation({
      name: 'big deals only',
      trigger: { type: 'manual', entity: 'deal' },
      conditions: { all: [{ field: 'amount', op: 'gte', value: 1000 }] },
      actions: [{ type: 'moveToStage', stageId: 'invoice', pipelineId: 'sales' }],
    });
    const deal = await aDeal({ amount: 10 });

    const run = await manualRun(automationId, 'deal', deal.id);

    expect(run.status).toBe('SKIPPED');
    expect(run.reason).toContain('amount');
    expect((await http('GET', `/deals/${deal.id}`)).body.stageId).toBe('new');
  });
});

describe('a failing action', () => {
  it('fails the run naming the step, and a redrive finishes it once the cause is fixed', async () => {
    const automationId = await anAutomation({
      name: 'plan a task for the responsible',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [
        { type: 'updateFields', set: { title: 'step one' } },
        { type: 'planActivity', subject: 'Follow up', activityType: 'task', due: 'P1D' },
      ],
    });
    const deal = await aDeal({ responsibleId: undefined });
    const from = new Date(Date.now() - 60_000).toISOString();

    const failed = await manualRun(automationId, 'deal', deal.id);
    await http('PATCH', `/deals/${deal.id}`, { responsibleId: 'admin' });
    const redrive = await http('POST', `/automations/${automationId}/runs/redrive`, { from, to: new Date(Date.now() + 86_400_000).toISOString() });
    const redriven = await finished(automationId, failed.runId);
    const activities = await http('GET', `/activities?entityType=deal&entityId=${deal.id}`);

    expect(failed).toMatchObject({ status: 'FAILED', failedStep: '2 · Plan activity', actionsCompleted: 1 });
    expect(redrive.body.redriven).toEqual([failed.runId]);
    expect(redriven.status).toBe('SUCCEEDED');
    expect(activities.body.items).toHaveLength(1);
  });
});

describe('stopping an automation', () => {
  it('cancels its waiting runs', async () => {
    const automationId = await anAutomation({
      name: 'later',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'lost' },
      delay: { after: 'P1M' },
      actions: [{ type: 'moveToStage', stageId: 'new', allowBackward: true }],
    });
    const deal = await aDeal();
    await http('PATCH', `/deals/${deal.id}`, { stageId: 'lost' });
    const waiting = await eventually('a waiting run', async () => (await http('GET', `/automations/${automationId}/runs?status=WAITING`)).body.items[0]);

    await http('POST', `/automations/${automationId}/stop`);
    const cancelled = await finished(automationId, waiting.runId);

    expect(cancelled).toMatchObject({ status: 'CANCELLED', reason: 'the automation was stopped' });
  });
});

describe('a dry run', () => {
  it('says whether the trigger and conditions hold and fills every template, changing nothing', async () => {
    // The deal exists before the automation, so no real run starts for it.
    const deal = await aDeal({ stageId: 'won', amount: 500, title: 'Dry deal' });
    const automationId = await anAutomation({
      name: 'dry',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      conditions: { all: [{ field: 'amount', op: 'gte', value: 100 }] },
      actions: [{ type: 'createLead', title: 'Renewal: {{ deal.title }}' }],
    });
    const leadsBefore = (await http('GET', '/leads?limit=100')).body.items.length;

    const result = await http('POST', `/automations/${automationId}/test`, { entityType: 'deal', entityId: deal.id });

    expect(result.body).toMatchObject({ triggerMatches: true, conditionsHold: true, wouldRun: true });
    expect(result.body.actions[0]).toMatchObject({ step: '1 · Create lead', action: { title: 'Renewal: Dry deal' } });
    expect((await http('GET', '/leads?limit=100')).body.items.length).toBe(leadsBefore);
  });
});

describe('the loop guard', () => {
  it('stops two automations that undo each other within the depth limit, and says so in the log of the one it stopped', async () => {
    const ping = await anAutomation({
      name: 'ping',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' },
      actions: [{ type: 'moveToStage', stageId: 'invoice' }],
    });
    await anAutomation({
      name: 'pong',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'invoice' },
      actions: [{ type: 'moveToStage', stageId: 'contract', allowBackward: true }],
    });
    const deal = await aDeal({ title: 'Ping-pong' });

    await http('PATCH', `/deals/${deal.id}`, { stageId: 'contract' });
    // Each hop is one automation write deeper; events up to depth 5 trigger, so six writes happen and the sixth
    // (by pong, at depth 6) would start ping again: the loop guard stops that run.
    const stopped = await eventually('the loop guard to stop the chain', async () => {
      const runs = (await http('GET', `/automations/${ping}/runs?status=LOOP_STOPPED&entityId=${deal.id}`)).body.items;
      return runs[0];
    });
    const history = (await http('GET', `/deals/${deal.id}/history?limit=100`)).body.items;
    // The admins are told after the stopped run is recorded.
    const told = await eventually('the admins to be told', async () => {
      const notifications = (await http('GET', '/notifications?limit=100')).body.items as Array<{ from: { automationId?: string; runId?: string } }>;
      return notifications.find((item) => item.from.automationId === ping && item.from.runId === stopped.runId);
    });

    expect(history.filter((entry: { actor: { id: string } }) => entry.actor.id === 'butler')).toHaveLength(6);
    expect(stopped).toMatchObject({ status: 'LOOP_STOPPED', entityType: 'deal', entityId: deal.id, actionsCompleted: 0 });
    expect(stopped.summary).toContain('the loop guard stopped a chain of automation writes at depth 6');
    expect(told.from).toMatchObject({ automationId: ping, runId: stopped.runId });
  });
});

describe('a wait across a restart', () => {
  it('resumes after local mode is stopped and started again', async () => {
    const automationId = await anAutomation({
      name: 'after a restart',
      trigger: { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' },
      delay: { after: 'P40D' },
      actions: [{ type: 'updateFields', set: { title: 'followed up' } }],
    });
    const deal = await aDeal({ title: 'restart me' });
    await http('PATCH', `/deals/${deal.id}`, { stageId: 'won' });
    const waiting = await eventually('a waiting run', async () => (await http('GET', `/automations/${automationId}/runs?status=WAITING`)).body.items[0]);

    await system.stop();
    system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
    await http('POST', '/local/clock', { advance: 'P41D' });
    const done = await finished(automationId, waiting.runId);

    expect(done.status).toBe('SUCCEEDED');
    expect((await http('GET', `/deals/${deal.id}`)).body.title).toBe('followed up');
    // A restart starts DynamoDB Local and redeploys every automation: on a busy machine, longer than the default.
  }, 120_000);
});
