// An automation triggered by a change of one custom field, in local mode through the HTTP API: a write of another
// custom field starts no run of it (its rule does not match), a write of its own field does.
import { mkdtempSync, rmSync } from 'node:fs';
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
const { anAutomation, finished } = automationClient(http);

interface BusEventSeen {
  'detail-type': string;
  detail: { entityId: string; changedFields: string[] };
  matchedRules: string[];
}

/** The "Deal Updated" event on the local bus for the deal's write that changed `field`. */
async function updateEvent(dealId: string, field: string) {
  return eventually(`the Deal Updated event changing ${field}`, async () => {
    const events = (await http('GET', '/local/events?limit=100')).body.items as BusEventSeen[];
    return events.find((event) => event['detail-type'] === 'Deal Updated' && event.detail.entityId === dealId && event.detail.changedFields.includes(field));
  });
}

async function runsOf(automationId: string) {
  return (await http('GET', `/automations/${automationId}/runs?limit=100`)).body.items as Array<Record<string, any>>;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'stagecraft-custom-field-triggers-'));
  system = await startLocalSystem({ home, port: 0, logger: silentLogger, dynamoDb, seedAutomations: false });
});

afterAll(async () => {
  await system?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('an automation triggered by an update of fields.probe', () => {
  it('starts no run when a PATCH writes only fields.other, and one when a PATCH writes fields.probe', async () => {
    // Prepare
    const automationId = await anAutomation({
      name: 'Probe watcher',
      trigger: { type: 'updated', entity: 'deal', fields: ['fields.probe'] },
      actions: [{ type: 'updateFields', set: { 'fields.seen': 'probe {{ deal.fields.probe }}' } }],
    });
    const deal = (await http('POST', '/deals', { title: 'Probed', pipelineId: 'sales', stageId: 'new', fields: { probe: '0', other: '0' } })).body;

    // Act: another custom field first, then the probe.
    const other = await http('PATCH', `/deals/${deal.id}`, { fields: { other: '1' } });
    const otherEvent = await updateEvent(deal.id, 'fields.other');
    const runsAfterOther = await runsOf(automationId);
    const probe = await http('PATCH', `/deals/${deal.id}`, { fields: { probe: '1' } });
    const probeEvent = await updateEvent(deal.id, 'fields.probe');
    const started = await eventually('a run for the probe write', async () => (await runsOf(automationId))[0]);
    const run = await finished(automationId, started.runId);

    // Assess
    expect([other.status, probe.status]).toEqual([200, 200]);
    expect(otherEvent.detail.changedFields).toEqual(['fields', 'fields.other']);
    expect(otherEvent.matchedRules).not.toContain(`automation-${automationId}`);
    expect(runsAfterOther).toEqual([]);
    expect(probeEvent.detail.changedFields).toEqual(['fields', 'fields.probe']);
    expect(probeEvent.matchedRules).toContain(`automation-${automationId}`);
    expect(run.status).toBe('SUCCEEDED');
    expect((await http('GET', `/deals/${deal.id}`)).body.fields).toMatchObject({ probe: '1', other: '1', seen: 'probe 1' });
    // One run in all: none SKIPPED for the write of fields.other.
    expect((await runsOf(automationId)).map((entry) => entry.status)).toEqual(['SUCCEEDED']);
  });
});
