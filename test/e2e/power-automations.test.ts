// What power users of other automation tools expect, through the HTTP API of the local system: round-robin
// assignment, working-time delays, manual runs by members, and re-enrolment policies.
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { automationClient, httpClient } from '#test/support/local-http.ts';
import { sharedDynamoDb, silentLogger } from '#test/support/table.ts';
import { verifyWebhook } from '#shared/webhooks/signature.ts';

let home: string;
// The run's DynamoDB Local (test/support/global-setup.ts), a table of this file's own.
const dynamoDb = sharedDynamoDb();
let system: LocalSystem;

const http = httpClient(() => system);

const { anAutomation } = automationClient(http);

async function aUser(name: string, role: 'admin' | 'member' = 'member') {
  const created = await http('POST', '/users', { name, role });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

/** Polls for longer than `eventually`: a hundred runs on two busy cores take a while. */
async function until<T>(what: string, check: () => Promise<T | undefined | false>, seconds = 90): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function allRuns(automationId: string, query = '') {
  const runs: Array<Record<string, any>> = [];
  let cursor: string | undefined;
  do {
    const page = await http('GET', `/automations/${automationId}/runs?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    runs.push(...page.body.items);
    cursor = page.body.cursor;
  } while (cursor);
  return runs;
}

async function asUser(userId: string) {
  const issued = await http('POST', '/local/tokens', { userId });
  const token = issued.body.token as string;
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.http.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

// Many runs on two shared cores: these stories take longer than the default per-test limit.
vi.setConfig({ testTimeout: 300_000 });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-power-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('round-robin assignment', () => {
  it('shares 100 leads created at once fairly between four users, 25 each', async () => {
    // Prepare
    const users = [await aUser('Ana'), await aUser('Ben'), await aUser('Cho'), await aUser('Dev')];
    const automationId = await anAutomation({
      name: 'Share new leads',
      trigger: { type: 'created', entity: 'lead' },
      actions: [{ type: 'assign', users }],
    });

    // Act
    const leads = await Promise.all(
      Array.from({ length: 100 }, async (_, index) => (await http('POST', '/leads', { title: `Lead ${index}`, fields: { batch: 'rr' } })).body),
    );
    await until('100 runs to succeed', async () => (await allRuns(automationId, '&status=SUCCEEDED')).length === 100, 270);

    // Assess
    const assigned = await Promise.all(leads.map(async (lead) => (await http('GET', `/leads/${lead.id}`)).body.responsibleId as string));
    const counts = Object.fromEntries(users.map((user) => [user, assigned.filter((id) => id === user).length]));
    expect(counts).toEqual(Object.fromEntries(users.map((user) => [user, 25])));
  });

  it('passes over a deactivated user and records the choice in the step', async () => {
    const [first, second] = [await aUser('Eve'), await aUser('Fay')];
    await http('PATCH', `/users/${first}`, { active: false });
    const automationId = await anAutomation({
      name: 'Deals to active people',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'assign', users: [first, second] }],
    });
    const deal = (await http('POST', '/deals', { title: 'Roof', pipelineId: 'sales', stageId: 'new' })).body;

    const started = await http('POST', `/automations/${automationId}/runs`, { entityType: 'deal', entityId: deal.id });
    expect(started.status).toBe(202);
    await until('the run to succeed', async () => (await http('GET', `/automations/${automationId}/runs/${started.body.runId}`)).body.status === 'SUCCEEDED');

    expect((await http('GET', `/deals/${deal.id}`)).body.responsibleId).toBe(second);
  });

  it('refuses at save a user that does not exist, naming the path', async () => {
    const refused = await http('POST', '/automations', {
      name: 'Ghosts',
      trigger: { type: 'created', entity: 'lead' },
      actions: [{ type: 'assign', users: ['ghost'] }],
    });

    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'actions.0.users.0' })]));
  });
});

describe('a delay in working time', () => {
  it('made on a Friday evening is due on Tuesday at opening time in the calendar zone', async () => {
    // Prepare: the calendar, then the local clock moved to the coming Friday 19:30 in Berlin
    const calendar = await http('PATCH', '/settings/calendar', {
      timeZone: 'Europe/Berlin',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      hours: { start: '09:00', end: '17:00' },
      holidays: [],
    });
    expect(calendar.status).toBe(200);
    const automationId = await anAutomation({
      name: 'Call back in two working days',
      trigger: { type: 'created', entity: 'contact' },
      conditions: { all: [{ field: 'fields.source', op: 'eq', value: 'friday' }] },
      delay: { after: 'P2D', workingTime: true },
      actions: [{ type: 'updateFields', set: { name: '{{ contact.name }} (called back)' } }],
    });
    const now = DateTime.fromISO((await http('GET', '/local/clock')).body.now, { zone: 'Europe/Berlin' });
    let friday = now.set({ hour: 19, minute: 30, second: 0, millisecond: 0 });
    while (friday.weekday !== 5 || friday <= now) friday = friday.plus({ days: 1 });
    await http('POST', '/local/clock', { advance: `PT${Math.ceil(friday.diff(now).as('seconds'))}S` });

    // Act
    await http('POST', '/contacts', { name: 'Weekend caller', fields: { source: 'friday' } });
    const waiting = await until('a waiting run', async () => (await allRuns(automationId, '&status=WAITING'))[0]);

    // Assess
    const due = DateTime.fromISO(waiting.dueAt, { zone: 'Europe/Berlin' });
    expect(due.weekday).toBe(2);
    expect(due.toFormat('HH:mm')).toBe('09:00');
    expect(due.diff(friday, 'days').days).toBeGreaterThan(3);
    expect(due.diff(friday, 'days').days).toBeLessThan(5);
  });

  it('refuses a calendar whose day ends before it starts, naming the field', async () => {
    const refused = await http('PATCH', '/settings/calendar', { hours: { start: '18:00', end: '08:00' } });

    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: 'hours.end' })]);
  });
});

describe('who may run a manual automation', () => {
  it('lets a member run it only when the automation allows members', async () => {
    const member = await aUser('Gus');
    const asMember = await asUser(member);
    const closed = await anAutomation({ name: 'Admins only', trigger: { type: 'manual', entity: 'deal' }, actions: [{ type: 'updateFields', set: { title: '{{ deal.title }} (checked)' } }] });
    const open = await anAutomation({
      name: 'Anyone may check',
      trigger: { type: 'manual', entity: 'deal' },
      allowMembers: true,
      actions: [{ type: 'updateFields', set: { title: '{{ deal.title }} (checked)' } }],
    });
    const deal = (await http('POST', '/deals', { title: 'Shed', pipelineId: 'sales', stageId: 'new' })).body;

    const refused = await asMember('POST', `/automations/${closed}/runs`, { entityType: 'deal', entityId: deal.id });
    const accepted = await asMember('POST', `/automations/${open}/runs`, { entityType: 'deal', entityId: deal.id });

    expect(refused.status).toBe(403);
    expect(accepted.status).toBe(202);
    await until('the member run to succeed', async () => (await http('GET', `/automations/${open}/runs/${accepted.body.runId}`)).body.status === 'SUCCEEDED');
  });

  it('refuses a record of another type with 400', async () => {
    const automationId = await anAutomation({ name: 'Deals only', trigger: { type: 'manual', entity: 'deal' }, actions: [{ type: 'updateFields', set: { title: '{{ deal.title }} (x)' } }] });
    const contact = (await http('POST', '/contacts', { name: 'Not a deal' })).body;

    const refused = await http('POST', `/automations/${automationId}/runs`, { entityType: 'contact', entityId: contact.id });

    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: 'entityType' })]);
  });
});

describe('re-enrolment', () => {
  const stageTrigger = { type: 'updated', entity: 'deal', fields: ['amount'] };

  it('"never" runs once per record however often the trigger fires', async () => {
    const automationId = await anAutomation({
      name: 'Once per deal',
      trigger: stageTrigger,
      reenroll: 'never',
      actions: [{ type: 'updateFields', set: { title: '{{ deal.title }} (seen)' } }],
    });
    const deal = (await http('POST', '/deals', { title: 'Once', pipelineId: 'sales', stageId: 'new', amount: 1 })).body;

    await http('PATCH', `/deals/${deal.id}`, { amount: 2 });
    await until('the first run', async () => (await allRuns(automationId, '&status=SUCCEEDED')).length === 1);
    await http('PATCH', `/deals/${deal.id}`, { amount: 3 });
    const skipped = await until('the second run to be skipped', async () => (await allRuns(automationId, '&status=SKIPPED'))[0]);

    expect(skipped.reason).toMatch(/enrols a record once/);
    expect(await allRuns(automationId, '&status=SUCCEEDED')).toHaveLength(1);
  });

  it('"afterFinish" lets a record enrol again only once its waiting run has finished', async () => {
    const automationId = await anAutomation({
      name: 'One follow-up at a time',
      trigger: stageTrigger,
      reenroll: 'afterFinish',
      delay: { after: 'P1D' },
      actions: [{ type: 'updateFields', set: { title: '{{ deal.title }} (followedUp)' } }],
    });
    const deal = (await http('POST', '/deals', { title: 'Follow', pipelineId: 'sales', stageId: 'new', amount: 1 })).body;

    await http('PATCH', `/deals/${deal.id}`, { amount: 2 });
    await until('a waiting run', async () => (await allRuns(automationId, '&status=WAITING')).length === 1);
    await http('PATCH', `/deals/${deal.id}`, { amount: 3 });
    const refused = await until('the second trigger to be skipped', async () => (await allRuns(automationId, '&status=SKIPPED'))[0]);
    await http('POST', '/local/clock', { advance: 'P1DT1H' });
    await until('the first run to succeed', async () => (await allRuns(automationId, '&status=SUCCEEDED')).length === 1);
    await http('PATCH', `/deals/${deal.id}`, { amount: 4 });
    await until('a new waiting run', async () => (await allRuns(automationId, '&status=WAITING')).length === 1);

    expect(refused.reason).toMatch(/has not finished/);
  });

  it('is refused at save on a manual automation', async () => {
    const refused = await http('POST', '/automations', {
      name: 'Manual once',
      trigger: { type: 'manual', entity: 'deal' },
      reenroll: 'never',
      actions: [{ type: 'updateFields', set: { title: '{{ deal.title }} (x)' } }],
    });

    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: 'reenroll' })]);
  });
});

describe('an if/else branch', () => {
  const bigOrSmall = {
    name: 'Big or small',
    trigger: { type: 'manual', entity: 'deal' },
    actions: [
      {
        type: 'branch',
        name: 'big deal',
        if: { all: [{ field: 'amount', op: 'gte', value: 10000 }] },
        then: [{ type: 'updateFields', set: { title: '{{ deal.title }} (big)' } }],
        else: [
          { type: 'updateFields', set: { title: '{{ deal.title }} (small)' } },
          { type: 'branch', name: 'no amount', if: { all: [{ field: 'amount', op: 'exists', value: false }] }, then: [{ type: 'moveToStage', pipelineId: 'sales', stageId: 'spam' }], else: [] },
        ],
      },
    ],
  };

  async function runOn(automationId: string, amount?: number) {
    const deal = (await http('POST', '/deals', { title: 'Pump', pipelineId: 'sales', stageId: 'new', ...(amount === undefined ? {} : { amount }) })).body;
    const started = await http('POST', `/automations/${automationId}/runs`, { entityType: 'deal', entityId: deal.id });
    expect(started.status).toBe(202);
    const run = await until('the run and its steps', async () => {
      const body = (await http('GET', `/automations/${automationId}/runs/${started.body.runId}`)).body;
      return body.status === 'SUCCEEDED' && body.steps?.some((step: { name: string }) => step.name === 'Record success') && body;
    });
    return { run, deal: (await http('GET', `/deals/${deal.id}`)).body };
  }

  it('runs "then" when the conditions hold: one Choice transition plus its actions', async () => {
    const automationId = await anAutomation(bigOrSmall);

    const { run, deal } = await runOn(automationId, 25_000);

    expect(deal.title).toBe('Pump (big)');
    expect(run.steps.map((step: { name: string }) => step.name)).toEqual(['Enroll', 'Check conditions', '1 · If big deal', '2 · Update fields', 'Record success']);
    expect(run.steps[2].outcome).toMatchObject({ done: 'took "then"', branch: 'then' });
    expect([run.actionsCompleted, run.actionsTotal]).toEqual([1, 1]);
  });

  it('runs "else", and a nested branch inside it, when they do not', async () => {
    const automationId = await anAutomation({ ...bigOrSmall, name: 'Big or small (2)' });

    const { run, deal } = await runOn(automationId);

    expect(deal).toMatchObject({ title: 'Pump (small)', stageId: 'spam' });
    expect(run.steps.map((step: { name: string }) => step.name)).toEqual(
      expect.arrayContaining(['1 · If big deal', '3 · Update fields', '4 · If no amount', '5 · Move to stage']),
    );
    expect(run.steps.map((step: { name: string }) => step.name)).not.toContain('2 · Update fields');
    expect(run.steps.find((step: { name: string }) => step.name === '1 · If big deal').outcome).toMatchObject({ done: 'took "else"', reason: expect.stringContaining('amount') });
    expect([run.actionsCompleted, run.actionsTotal]).toEqual([2, 2]);
  });

  it('shows the path and why in a dry run', async () => {
    const automationId = await anAutomation({ ...bigOrSmall, name: 'Big or small (3)' });
    const deal = (await http('POST', '/deals', { title: 'Tiny', pipelineId: 'sales', stageId: 'new', amount: 10 })).body;

    const dry = await http('POST', `/automations/${automationId}/test`, { entityType: 'deal', entityId: deal.id });

    expect(dry.status).toBe(200);
    expect(dry.body.actions[0]).toMatchObject({ step: '1 · If big deal', branch: 'else', why: expect.stringContaining('amount') });
    expect(dry.body.actions.filter((step: { onPath: boolean }) => step.onPath).map((step: { step: string }) => step.step)).toEqual([
      '1 · If big deal',
      '3 · Update fields',
      '4 · If no amount',
    ]);
  });

  it('names the step inside an arm that failed, not the branch before it', async () => {
    // Prepare: "else" notifies the responsible, and the deal has none.
    const automationId = await anAutomation({
      name: 'Small deals notify',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [
        { type: 'branch', name: 'big deal', if: { all: [{ field: 'amount', op: 'gte', value: 10000 }] }, then: [], else: [{ type: 'notify', to: 'responsible', message: 'Small deal' }] },
      ],
    });
    const deal = (await http('POST', '/deals', { title: 'Pump', pipelineId: 'sales', stageId: 'new', amount: 10 })).body;

    // Act
    const started = await http('POST', `/automations/${automationId}/runs`, { entityType: 'deal', entityId: deal.id });
    const run = await until('the run to fail', async () => {
      const body = (await http('GET', `/automations/${automationId}/runs/${started.body.runId}`)).body;
      return body.status === 'FAILED' && body;
    });

    // Assess
    expect(run.failedStep).toBe('2 · Notify');
    expect(run.summary).toMatch(/2 · Notify/);
    expect(run.summary).not.toMatch(/If big deal/);
  });

  it('refuses branches nested deeper than three, naming the path', async () => {
    const deep = (depth: number): Record<string, unknown> =>
      depth === 0
        ? { type: 'updateFields', set: { title: 'deep' } }
        : { type: 'branch', if: { all: [{ field: 'amount', op: 'gt', value: depth }] }, then: [deep(depth - 1)], else: [] };

    const refused = await http('POST', '/automations', { name: 'Too deep', trigger: { type: 'manual', entity: 'deal' }, actions: [deep(4)] });

    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'actions.0.then.0.then.0.then.0.type' })]));
  });
});

describe('a webhook step', () => {
  interface Received {
    headers: IncomingMessage['headers'];
    body: string;
  }
  let receiver: Server;
  let base: string;
  const received: Received[] = [];
  /** What the receiver answers next, in order; then 200 with a ticket. */
  const answers: number[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const status = answers.shift() ?? 200;
        response.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"ticket": "T-42"}' : '{"error": "busy"}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('posts a signed body the receiver verifies, retries on 503, and passes the response to the next step', async () => {
    // Prepare
    const secret = await http('POST', '/webhook-secrets', { name: 'ticketing' });
    expect(secret.status).toBe(201);
    const automationId = await anAutomation({
      name: 'Open a ticket',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [
        {
          type: 'callWebhook',
          name: 'ticketing',
          url: `${base}/tickets`,
          headers: { 'X-Team': 'sales' },
          body: '{"title": {{ deal.title | json }}, "amount": {{ deal.amount | json }}}',
          secretId: secret.body.secretId,
        },
        { type: 'updateFields', set: { title: '{{ deal.title }} [{{ steps.ticketing.response.ticket }}]' } },
      ],
    });
    const deal = (await http('POST', '/deals', { title: 'Boiler', pipelineId: 'sales', stageId: 'new', amount: 900 })).body;
    received.length = 0;
    answers.push(503, 503);

    // Act
    const started = await http('POST', `/automations/${automationId}/runs`, { entityType: 'deal', entityId: deal.id });
    const run = await until('the run to succeed', async () => {
      const body = (await http('GET', `/automations/${automationId}/runs/${started.body.runId}`)).body;
      return body.status === 'SUCCEEDED' && body;
    });

    // Assess
    expect(received).toHaveLength(3);
    const last = received[2] as Received;
    expect(JSON.parse(last.body)).toEqual({ title: 'Boiler', amount: 900 });
    expect(last.headers['x-team']).toBe('sales');
    expect(last.headers['idempotency-key']).toBe(received[0]?.headers['idempotency-key']);
    expect(verifyWebhook(secret.body.secret, last.body, String(last.headers['stagecraft-signature']), new Date())).toBe(true);
    expect((await http('GET', `/deals/${deal.id}`)).body.title).toBe('Boiler [T-42]');
    expect(run.actionsCompleted).toBe(2);
  });

  it('fails the step with what the receiver said on a 4xx and what was sent, without retrying', async () => {
    const automationId = await anAutomation({
      name: 'Refused ticket',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'callWebhook', url: `${base}/tickets` }],
    });
    const deal = (await http('POST', '/deals', { title: 'Tank', pipelineId: 'sales', stageId: 'new' })).body;
    received.length = 0;
    answers.push(422);

    const started = await http('POST', `/automations/${automationId}/runs`, { entityType: 'deal', entityId: deal.id });
    const run = await until('the run to fail', async () => {
      const body = (await http('GET', `/automations/${automationId}/runs/${started.body.runId}`)).body;
      return body.status === 'FAILED' && body;
    });

    expect(received).toHaveLength(1);
    expect(JSON.parse((received[0] as Received).body)).toMatchObject({ entityType: 'deal', entity: { id: deal.id, title: 'Tank' } });
    expect(run).toMatchObject({ failedStep: '1 · Call webhook', errorCause: expect.stringContaining('answered 422') });
    // The cause says what was sent, beside what the receiver said about it.
    expect(run.errorCause).toContain(`(the body sent: ${(received[0] as Received).body.slice(0, 200)}`);
  });

  it('refuses at save a secret that does not exist and a URL that is not http(s)', async () => {
    const refused = await http('POST', '/automations', {
      name: 'Bad hook',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'callWebhook', url: 'ftp://example.org/x' }],
    });
    const unknownSecret = await http('POST', '/automations', {
      name: 'Unsigned hook',
      trigger: { type: 'manual', entity: 'deal' },
      actions: [{ type: 'callWebhook', url: 'https://example.org/x', secretId: 'nope' }],
    });

    expect([refused.status, unknownSecret.status]).toEqual([400, 400]);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: 'actions.0.url' })]);
    expect(unknownSecret.body.error.details).toEqual([expect.objectContaining({ path: 'actions.0.secretId' })]);
  });
});
