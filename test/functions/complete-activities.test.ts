// The complete-activities composition root: configured from the environment, it completes
// a deal's activities, rewrites a renamed contact's deals' search text, and unlinks what linked to a deleted
// record, in the table it is given
// (DynamoDB Local standing in for DynamoDB).
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { localCredentials } from '#infra/local/dynamodb-local.ts';
import type { CrmEvent } from '#shared/crm/complete-activities.ts';
import type { Tidied } from '#shared/crm/unlink-deleted.ts';
import { createStore } from '#shared/store/index.ts';
import { aDeal, asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock, ulidIds } from '#test/support/table.ts';

let handler: (event: CrmEvent, context: Context) => Promise<{ completed: string[] } | { rewritten: number } | Tidied>;
let store: ReturnType<typeof createStore>;
const clock = manualClock();

beforeAll(async () => {
  const table = await createTestTable();
  store = createStore(table, clock, ulidIds(clock));
  await store.records.create('pipeline', { name: 'Sales', stages: [{ id: 'new', name: 'New', kind: 'open' }] }, asUser('u1'), { id: 'sales' });
  vi.stubEnv('TABLE_NAME', table.tableName);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamoEndpoint'));
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', localCredentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', localCredentials.secretAccessKey);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  ({ handler } = await import('#functions/complete-activities/handler.ts'));
});

afterAll(() => {
  vi.unstubAllEnvs();
});

/** An event as EventBridge hands it to the function (the CRM bus's envelope around publish-changes' detail). */
const busEvent = (id: string, detailType: string, detail: Record<string, unknown>) =>
  ({ version: '0', id, source: 'stagecraft.crm', 'detail-type': detailType, account: '123456789012', region: 'us-east-1', time: '2026-01-15T09:00:00Z', resources: [], detail }) as unknown as CrmEvent;

const context = { functionName: 'complete-activities', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

describe('the complete-activities function', () => {
  it('completes the activity planned in the stage the deal left', async () => {
    const deal = await store.records.create('deal', aDeal({ stageId: 'new' }), asUser('u1'));
    const activity = await store.records.create(
      'activity',
      { subject: 'Call', activityType: 'call', dueAt: '2026-01-20T10:00:00.000Z', responsibleId: 'u1', entityType: 'deal', entityId: deal.id, status: 'open', autoComplete: true, plannedInStageId: 'new' },
      asUser('u1'),
    );
    const event = busEvent('eb-1', 'Deal Stage Changed', {
      eventId: 'stream-1.stage',
      entityType: 'deal',
      entityId: deal.id,
      occurredAt: clock.now().toISOString(),
      actor: { kind: 'user', id: 'u1' },
      cause: { automationId: 'none', depth: 0 },
      before: { ...deal, stageId: 'new' },
      after: { ...deal, stageId: 'won' },
      changedFields: ['stageId'],
    });

    const result = await handler(event, context);

    expect(result).toEqual({ completed: [activity.id] });
    expect((await store.records.get('activity', activity.id))?.status).toBe('completed');
  });

  it("rewrites a renamed contact's deals' search text on Contact Updated", async () => {
    // Prepare
    const contact = await store.records.create('contact', { name: 'Greta Garbo', emails: [], phones: [] }, asUser('u1'));
    const deal = await store.records.create('deal', aDeal({ contactId: contact.id }), asUser('u1'));
    const renamed = await store.records.update('contact', contact.id, (current) => ({ ...current, name: 'Greta Lovisa' }), asUser('u1'));
    const event = busEvent('eb-2', 'Contact Updated', {
      eventId: 'stream-2',
      entityType: 'contact',
      entityId: contact.id,
      occurredAt: clock.now().toISOString(),
      actor: { kind: 'user', id: 'u1' },
      cause: { automationId: 'none', depth: 0 },
      before: contact,
      after: renamed,
      changedFields: ['name'],
    });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result).toEqual({ rewritten: 1 });
    const found = await store.records.list('deal', { filter: { by: 'contact', contactId: contact.id }, search: 'lovisa' });
    expect(found.items.map((item) => item.id)).toEqual([deal.id]);
  });

  it('unlinks the deals of a deleted contact on Contact Deleted', async () => {
    // Prepare
    const contact = await store.records.create('contact', { name: 'Greta Garbo', emails: [], phones: [] }, asUser('u1'));
    const deal = await store.records.create('deal', aDeal({ contactId: contact.id }), asUser('u1'));
    await store.records.remove('contact', contact.id, asUser('u1'));
    const event = busEvent('eb-3', 'Contact Deleted', {
      eventId: 'stream-3',
      entityType: 'contact',
      entityId: contact.id,
      occurredAt: clock.now().toISOString(),
      actor: { kind: 'user', id: 'u1' },
      cause: { automationId: 'none', depth: 0 },
      before: contact,
      after: null,
      // As publish-changes derives a deletion: every field of the record changed.
      changedFields: Object.keys(contact).sort(),
    });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result).toEqual({ unlinked: [`deal#${deal.id}`], deleted: [] });
    expect(await store.records.get('deal', deal.id)).not.toHaveProperty('contactId');
  });
});
