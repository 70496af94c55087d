// What a run's steps sent, as GET /automations/{id}/runs/{runId} answers it on the local system: the body of a
// mail (its start, flagged when cut), a webhook's request without what may carry credentials, and the values an
// update set.
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { KEPT_TEXT } from '#shared/engine/step-outcome.ts';
import { automationClient, httpClient } from '#test/support/local-http.ts';
import { sharedDynamoDb, silentLogger } from '#test/support/table.ts';

let home: string;
// The run's DynamoDB Local (test/support/global-setup.ts), a table of this file's own.
const dynamoDb = sharedDynamoDb();
let system: LocalSystem;

const http = httpClient(() => system);
const runs = automationClient(http);

const aDeal = async (fields: Record<string, unknown> = {}) =>
  (await http('POST', '/deals', { title: 'Heat pump', pipelineId: 'sales', stageId: 'new', responsibleId: 'admin', ...fields })).body;

/** The outcome of the run's first action, as the API shows it. */
async function firstActionOutcome(definition: Record<string, unknown>, deal: { id: string }) {
  const automationId = await runs.anAutomation({ trigger: { type: 'manual', entity: 'deal' }, ...definition });
  const run = await runs.manualRun(automationId, 'deal', deal.id, { stepsLogged: true });
  expect(run.status).toBe('SUCCEEDED');
  const step = run.steps.find((entry: { name: string }) => entry.name.startsWith('1 · '));
  return step.outcome;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-sent-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('a mail step', () => {
  it('keeps the text body it rendered, the same the mail was sent with', async () => {
    // Prepare
    const contact = (await http('POST', '/contacts', { name: 'Mia', emails: ['mia.sent@example.com'] })).body;
    const deal = await aDeal({ contactId: contact.id });

    // Act
    const outcome = await firstActionOutcome(
      { name: 'mail with body', actions: [{ type: 'sendEmail', to: 'contact', subject: 'About {{ deal.title }}', body: 'Dear {{ contact.name }},\nyour {{ deal.title }} is planned.' }] },
      deal,
    );

    // Assess
    const outbox = (await http('GET', '/local/outbox')).body.items.find((mail: { to: string }) => mail.to === 'mia.sent@example.com');
    expect(outcome.mails).toEqual([expect.objectContaining({ to: 'mia.sent@example.com', subject: 'About Heat pump', status: 'sent', body: 'Dear Mia,\nyour Heat pump is planned.' })]);
    expect(outcome.mails[0].body).toBe(outbox.text);
    expect(outcome.mails[0].truncated).toBeUndefined();
  });

  it('keeps the start of a long body, flagged as cut', async () => {
    // Prepare
    const contact = (await http('POST', '/contacts', { name: 'Long', emails: ['long.sent@example.com'] })).body;
    const deal = await aDeal({ contactId: contact.id });
    const long = 'x'.repeat(KEPT_TEXT + 1000);

    // Act
    const outcome = await firstActionOutcome({ name: 'long mail', actions: [{ type: 'sendEmail', to: 'contact', subject: 'Long', body: long }] }, deal);

    // Assess
    expect(outcome.mails[0]).toMatchObject({ status: 'sent', body: 'x'.repeat(KEPT_TEXT), truncated: true });
  });
});

describe('a webhook step', () => {
  let receiver: Server;
  let base: string;
  const received: string[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ticket": "T-7"}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('keeps the request it sent, without the query values, header values or signature', async () => {
    // Prepare
    const secret = (await http('POST', '/webhook-secrets', { name: 'sent-log' })).body;
    const deal = await aDeal();

    // Act
    const outcome = await firstActionOutcome(
      {
        name: 'ticket with secrets',
        actions: [
          {
            type: 'callWebhook',
            url: `${base}/tickets?token=query-credential&team=sales`,
            method: 'PUT',
            headers: { Authorization: 'Bearer header-credential' },
            body: '{"title": {{ deal.title | json }}}',
            secretId: secret.secretId,
          },
        ],
      },
      deal,
    );

    // Assess
    expect(outcome.webhook).toEqual({
      status: 200,
      response: '{"ticket": "T-7"}',
      request: { method: 'PUT', url: `${base}/tickets`, query: ['token', 'team'], headers: ['Authorization'], signed: true, body: '{"title": "Heat pump"}' },
    });
    expect(received.at(-1)).toBe(outcome.webhook.request.body);
    expect(outcome.done).toBe(`PUT ${base}/tickets answered 200`);
    const logged = JSON.stringify(outcome);
    for (const credential of ['query-credential', 'header-credential', secret.secret, 'stagecraft-signature']) expect(logged).not.toContain(credential);
  });
});

describe('an update step', () => {
  it('keeps the value it set for each field it changed', async () => {
    // Prepare
    const deal = await aDeal({ fields: { tier: 'silver' } });

    // Act
    const outcome = await firstActionOutcome(
      { name: 'set values', actions: [{ type: 'updateFields', set: { title: '{{ deal.title }} (checked)', 'fields.tier': 'gold', amount: '1200' } }] },
      deal,
    );

    // Assess
    expect(outcome.records).toEqual([expect.objectContaining({ id: deal.id, change: 'updated', values: { title: 'Heat pump (checked)', 'fields.tier': 'gold', amount: 1200 } })]);
    expect(outcome.records[0].truncated).toBeUndefined();
  });
});
