// The index upgrade (shared/store/index-upgrade.ts) on DynamoDB Local: contacts written before the contacts-of-a-
// company index get its keys, a page at a time, and an upgrade that ran out of time continues where it stopped.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ulidIds } from '#shared/ids.ts';
import { INDEX_VERSION, upgradeIndexes } from '#shared/store/index-upgrade.ts';
import { type Store, createStore } from '#shared/store/index.ts';
import { entityKey } from '#shared/store/keys.ts';
import { asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock } from '#test/support/table.ts';

let store: Store;
let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable();
  store = createStore(table, manualClock(), ulidIds());
});

/** A contact of the company as a release before the index wrote it: without the index's keys. */
async function aContactFromBefore(companyId: string, name: string): Promise<string> {
  const contact = await store.records.create('contact', { name, emails: [], phones: [], companyId }, asUser('admin'));
  await table.client.send(new UpdateCommand({ TableName: table.tableName, Key: entityKey('contact', contact.id), UpdateExpression: 'REMOVE gsi5pk, gsi5sk' }));
  return contact.id;
}

const contactsOf = async (companyId: string) => (await store.records.list('contact', { filter: { by: 'company', companyId }, limit: 100 })).items.map((item) => item.id);

describe('the index upgrade', () => {
  it('indexes records from before the index, continuing after running out of time, and then has nothing left to do', async () => {
    // Prepare
    const company = await store.records.create('company', { name: 'Acme', emails: [], phones: [] }, asUser('admin'));
    const ids = [await aContactFromBefore(company.id, 'Ann'), await aContactFromBefore(company.id, 'Bo'), await aContactFromBefore(company.id, 'Cy')];
    await store.settings.put('searchIndex', { version: 1 });
    expect(await contactsOf(company.id)).toEqual([]);
    let clock = 0;
    const twoPagesThenLate = () => (clock++ < 2 ? 0 : 1);

    // Act
    const first = await upgradeIndexes(store, { deadlineAt: 1, now: twoPagesThenLate, pageSize: 1 });
    const second = await upgradeIndexes(store);
    const third = await upgradeIndexes(store);

    // Assess
    expect(first.done).toBe(false);
    expect(second.done).toBe(true);
    expect((await contactsOf(company.id)).sort()).toEqual([...ids].sort());
    expect(await store.settings.get('searchIndex', { fresh: true })).toEqual({ version: INDEX_VERSION });
    expect(third).toEqual({ done: true, written: 0 });
  });
});
