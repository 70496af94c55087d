// `npm run reindex` against DynamoDB Local: records of a table from before text search (no search text, deals
// without their contact index) become findable, page by page, and a run resumes from a position it printed.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TableRef } from '#shared/ports.ts';
import { createStore } from '#shared/store/index.ts';
import { reindexTable } from '../../scripts/reindex.ts';
import { aDeal, asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock, ulidIds } from '#test/support/table.ts';

let table: TableRef;
let store: ReturnType<typeof createStore>;

beforeEach(async () => {
  table = await createTestTable();
  const clock = manualClock();
  store = createStore(table, clock, ulidIds(clock));
});

/** What a table deployed before search holds: the record without its search text and contact index keys. */
async function asBeforeSearch(type: string, id: string): Promise<void> {
  await table.client.send(
    new UpdateCommand({ TableName: table.tableName, Key: { pk: `${type}#${id}`, sk: 'entity' }, UpdateExpression: 'REMOVE #s, gsi4pk, gsi4sk', ExpressionAttributeNames: { '#s': 'search' } }),
  );
}

const contact = (name: string) => store.records.create('contact', { name, emails: [], phones: [] }, asUser('u1'));
const dealIdsOf = async (contactId: string, search: string) =>
  (await store.records.list('deal', { filter: { by: 'contact', contactId }, search })).items.map((deal) => deal.id);

describe('npm run reindex', () => {
  it('makes old contacts and deals findable, deals also by their contact', async () => {
    // Prepare
    const greta = await contact('Greta Garbo');
    const deal = await store.records.create('deal', aDeal({ title: 'Windows', contactId: greta.id }), asUser('u1'));
    await asBeforeSearch('contact', greta.id);
    await asBeforeSearch('deal', deal.id);
    const lines: string[] = [];

    // Act
    const written = await reindexTable(table, { print: (line) => lines.push(line) });

    // Assess
    expect(written).toBe(2);
    expect((await store.records.list('contact', { search: 'garbo' })).items.map((item) => item.id)).toEqual([greta.id]);
    expect(await dealIdsOf(greta.id, 'garbo')).toEqual([deal.id]);
    expect(lines.at(-1)).toBe('Done: 2 records reindexed.');
  });

  it("gives contacts written before the contacts-of-a-company index their company's index keys", async () => {
    // Prepare
    const company = await store.records.create('company', { name: 'Acme', emails: [], phones: [] }, asUser('u1'));
    const greta = await store.records.create('contact', { name: 'Greta Garbo', emails: [], phones: [], companyId: company.id }, asUser('u1'));
    await table.client.send(
      new UpdateCommand({ TableName: table.tableName, Key: { pk: `contact#${greta.id}`, sk: 'entity' }, UpdateExpression: 'REMOVE gsi5pk, gsi5sk' }),
    );
    const contactsOf = async () => (await store.records.list('contact', { filter: { by: 'company', companyId: company.id } })).items.map((item) => item.id);
    const before = await contactsOf();

    // Act
    await reindexTable(table, { print: () => {} });

    // Assess
    expect(before).toEqual([]);
    expect(await contactsOf()).toEqual([greta.id]);
  });

  it('resumes from a position it printed, reindexing what follows it', async () => {
    // Prepare
    const first = await contact('Ingrid First');
    const second = await contact('Ingrid Second');
    await asBeforeSearch('contact', first.id);
    await asBeforeSearch('contact', second.id);
    const lines: string[] = [];
    await reindexTable(table, { pageSize: 1, print: (line) => lines.push(line) });
    const position = /resume with --from (contact:\S+)/.exec(lines[0]!)?.[1];
    await asBeforeSearch('contact', first.id);
    await asBeforeSearch('contact', second.id);

    // Act
    const written = await reindexTable(table, { from: position!, pageSize: 1, print: () => {} });

    // Assess: newest first, so the first page was the second contact; the resumed run starts after it.
    expect(written).toBe(1);
    expect((await store.records.list('contact', { search: 'ingrid' })).items.map((item) => item.id)).toEqual([first.id]);
  });

  it('refuses a position it did not print', async () => {
    // Act
    const run = reindexTable(table, { from: 'users:abc', print: () => {} });

    // Assess
    await expect(run).rejects.toThrow(/not a position this script printed/);
  });
});
