// The system rule that keeps deals findable by their contact's name, in local mode: a rename through the HTTP
// API, the Contact Updated event on the local bus, the deals' search text rewritten — and replays of the event.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalEvents } from '#infra/local/events.ts';
import type { CrmEvent } from '#shared/crm/complete-activities.ts';
import { REFRESH_DEAL_SEARCH_RULE, createRefreshDealSearch } from '#shared/crm/deal-search.ts';
import type { TestApp } from '#test/support/app.ts';
import { contactBody, dealBody, must } from '#test/support/http-factories.ts';
import { systemRuleUnderTest } from '#test/support/system-rule.ts';
import { silentLogger } from '#test/support/table.ts';

const eventually = { timeout: 15_000, interval: 20 };
const rule = systemRuleUnderTest('deal-search', (t) => {
  const refreshDealSearch = createRefreshDealSearch({ store: t.app.store, logger: silentLogger });
  return { refreshDealSearch: (event) => refreshDealSearch(event) };
});
let t: TestApp;
let events: LocalEvents;
beforeAll(() => {
  ({ t, events } = rule);
});

const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);
const dealsOf = async (contactId: string, q: string) => ids((await t.call('GET', `/deals?contactId=${contactId}&q=${encodeURIComponent(q)}`)).body.items);

/** Renames the contact and waits until the rule has handled that rename; answers its event. */
async function rename(contactId: string, name: string): Promise<CrmEvent> {
  await must(t, 'PATCH', `/contacts/${contactId}`, { name });
  let handled: CrmEvent | undefined;
  await vi.waitFor(() => {
    const record = events.bus
      .recent(1000)
      .find((item) => item.event['detail-type'] === 'Contact Updated' && item.event.detail.entityId === contactId && (item.event.detail.after as { name?: string })?.name === name);
    expect(record?.deliveries).toEqual([expect.objectContaining({ rule: REFRESH_DEAL_SEARCH_RULE, status: 'delivered' })]);
    handled = record?.event as unknown as CrmEvent;
  }, eventually);
  return handled!;
}

/** What a crash between the rename and its upkeep would leave: the deal's search text with the old name. */
async function searchTextIs(dealId: string, text: string): Promise<void> {
  await t.table.client.send(
    new UpdateCommand({ TableName: t.table.tableName, Key: { pk: `deal#${dealId}`, sk: 'entity' }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'search' }, ExpressionAttributeValues: { ':s': text } }),
  );
}

describe("a contact's rename", () => {
  it('makes its deals findable by the new name and no longer by the old one', async () => {
    // Prepare
    const contact = await must(t, 'POST', '/contacts', contactBody({ name: 'Greta Garbo' }));
    const deal = await must(t, 'POST', '/deals', dealBody({ title: 'Windows', contactId: contact.id }));

    // Act
    await rename(contact.id, 'Greta Lovisa Gustafsson');

    // Assess
    expect(await dealsOf(contact.id, 'gustafsson')).toEqual([deal.id]);
    expect(await dealsOf(contact.id, 'garbo')).toEqual([]);
  });

  it('leaves other changes of the contact to their writes: no rule delivery without a new name', async () => {
    // Prepare
    const contact = await must(t, 'POST', '/contacts', contactBody({ name: 'Ingrid Bergman' }));

    // Act
    await must(t, 'PATCH', `/contacts/${contact.id}`, { phones: ['+46 8 123 456 78'] });

    // Assess
    await vi.waitFor(() => {
      const record = events.bus.recent(1000).find((item) => item.event['detail-type'] === 'Contact Updated' && item.event.detail.entityId === contact.id);
      expect(record?.matchedRules).toEqual([]);
    }, eventually);
  });
});

describe('replays', () => {
  it('repairs what a crash after the rename left behind when the event is delivered again', async () => {
    // Prepare
    const contact = await must(t, 'POST', '/contacts', contactBody({ name: 'Selma Lagerlof' }));
    const deal = await must(t, 'POST', '/deals', dealBody({ title: 'Roof', contactId: contact.id }));
    const renamed = await rename(contact.id, 'Selma Ottilia');
    await searchTextIs(deal.id, 'roof\nselma lagerlof');
    const refreshDealSearch = createRefreshDealSearch({ store: t.app.store, logger: silentLogger });

    // Act
    const replay = await refreshDealSearch(renamed);

    // Assess
    expect(replay).toEqual({ rewritten: 1 });
    expect(await dealsOf(contact.id, 'ottilia')).toEqual([deal.id]);
    expect(await dealsOf(contact.id, 'lagerlof')).toEqual([]);
  });

  it('writes the current name, not the replayed event’s, when an older rename arrives late', async () => {
    // Prepare
    const contact = await must(t, 'POST', '/contacts', contactBody({ name: 'Astrid Ericsson' }));
    const deal = await must(t, 'POST', '/deals', dealBody({ title: 'Barn', contactId: contact.id }));
    const first = await rename(contact.id, 'Astrid Lindgren');
    await rename(contact.id, 'Astrid Anna Emilia');
    const refreshDealSearch = createRefreshDealSearch({ store: t.app.store, logger: silentLogger });

    // Act
    await refreshDealSearch(first);

    // Assess
    expect(await dealsOf(contact.id, 'emilia')).toEqual([deal.id]);
    expect(await dealsOf(contact.id, 'lindgren')).toEqual([]);
  });
});
