// A record whose item would pass DynamoDB's 400 KB item limit is refused before the write with PayloadTooLarge
// (413), never left to the store's ValidationException (500); the size is estimated by DynamoDB's own rules.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { PayloadTooLarge } from '#shared/errors.ts';
import { type Store, createStore } from '#shared/store/index.ts';
import { MAX_ITEM_BYTES, isItemTooLarge, itemSize } from '#shared/store/records.ts';
import type { TableRef } from '#shared/ports.ts';
import { aContact, asUser } from '#test/support/factories.ts';
import { createTestTable, manualClock, ulidIds } from '#test/support/table.ts';

let table: TableRef;
let store: Store;
const clock = manualClock('2026-03-01T10:00:00.000Z');

beforeAll(async () => {
  table = await createTestTable();
  store = createStore(table, clock, ulidIds(clock));
});

/** `count` custom fields of `bytes` characters each, named from `first` on. */
const bigFields = (count: number, bytes: number, first = 0) =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${first + index}`, 'x'.repeat(bytes)]));

describe('a record too large for one item', () => {
  it('is refused on create with PayloadTooLarge, and nothing is stored', async () => {
    // Prepare
    const before = await store.records.list('contact', { limit: 100 });

    // Act
    const created = store.records.create('contact', aContact({ fields: bigFields(45, 9_500) }), asUser('u1'));

    // Assess
    await expect(created).rejects.toThrow(PayloadTooLarge);
    await expect(created).rejects.toThrow(/contact would be too large to store/);
    expect((await store.records.list('contact', { limit: 100 })).items).toHaveLength(before.items.length);
  });

  it('is refused on an update that grows it past the limit, and the record stays as it was', async () => {
    // Prepare
    const contact = await store.records.create('contact', aContact({ fields: bigFields(25, 9_500) }), asUser('u1'));

    // Act
    const updated = store.records.update('contact', contact.id, (current) => ({ ...current, fields: { ...(current.fields as object), ...bigFields(25, 9_500, 25) } }), asUser('u1'));

    // Assess
    await expect(updated).rejects.toThrow(PayloadTooLarge);
    const read = await store.records.get('contact', contact.id);
    expect(read?.version).toBe(1);
    expect(Object.keys(read?.fields as object)).toHaveLength(25);
  });

  it('is stored when it stays under the limit, and can still be deleted', async () => {
    // Prepare
    const fields = bigFields(40, 9_500);

    // Act
    const contact = await store.records.create('contact', aContact({ fields }), asUser('u1'));
    await store.records.remove('contact', contact.id, asUser('u1'));

    // Assess
    expect(await store.records.get('contact', contact.id)).toBeUndefined();
    expect((await store.records.history('contact', contact.id)).items.map((entry) => entry.action)).toEqual(['deleted', 'created']);
  });
});

describe('the size estimate', () => {
  const put = (item: Record<string, unknown>) => table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
  /** An item of exactly `target` estimated bytes, with maps, lists, numbers and booleans beside one long text. */
  const itemOf = (target: number) => {
    const item: Record<string, unknown> = {
      pk: `SIZE#${target}`,
      sk: 'ITEM',
      nested: { list: [1, 22, 333.5, true, null, 'ü'], map: { a: { b: 'c' } }, empty: {} },
      amount: 123456789.25,
      pad: '',
    };
    item.pad = 'x'.repeat(target - itemSize(item));
    return item;
  };

  it('never counts an item smaller than the store does: one estimated at the limit is accepted', async () => {
    // Prepare
    const item = itemOf(MAX_ITEM_BYTES);

    // Act
    const written = put(item);

    // Assess
    expect(itemSize(item)).toBe(MAX_ITEM_BYTES);
    await expect(written).resolves.toBeDefined();
  });

  it('is close: an item estimated a little past the limit is refused by the store', async () => {
    // Prepare
    const item = itemOf(MAX_ITEM_BYTES + 64);

    // Act
    const written = put(item);

    // Assess
    await expect(written).rejects.toSatisfy(isItemTooLarge);
  });
});

describe("the store's own refusal, mapped when the estimate let an item through", () => {
  it("recognises DynamoDB's ValidationException about item size", () => {
    // Prepare
    const error = Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });

    // Act
    const tooLarge = isItemTooLarge(error);

    // Assess
    expect(tooLarge).toBe(true);
  });

  it("recognises a transaction cancelled for an item's size", () => {
    // Prepare
    const error = new TransactionCanceledException({
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError, None]',
      $metadata: {},
      CancellationReasons: [{ Code: 'ValidationError', Message: 'Item size to update has exceeded the maximum allowed size' }, { Code: 'None' }],
    });

    // Act
    const tooLarge = isItemTooLarge(error);

    // Assess
    expect(tooLarge).toBe(true);
  });

  it('leaves other validation errors and conflicts alone', () => {
    // Prepare
    const validation = Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException' });
    const conflict = new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] });

    // Act
    const answers = [isItemTooLarge(validation), isItemTooLarge(conflict)];

    // Assess
    expect(answers).toEqual([false, false]);
  });
});
