// Group commit on the real DynamoDB Local (infra/local/group-commit.ts): transactions sent while one is in flight
// travel as one, and each caller still gets the answer its own transaction earns.
import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand, TransactionCanceledException, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { freePort, localCredentials, localRegion } from '#infra/local/dynamodb-local.ts';
import { groupCommits } from '#infra/local/group-commit.ts';
import { createTestTable, dynamoClient } from '#test/support/table.ts';

async function setUp() {
  const { tableName } = await createTestTable();
  const merged: number[] = [];
  const client = groupCommits(dynamoClient(), { onMerged: (transactions) => merged.push(transactions) });
  const put = (id: string, extra: Partial<NonNullable<TransactWriteItem['Put']>> = {}): TransactWriteItem => ({
    Put: { TableName: tableName, Item: { pk: { S: id }, sk: { S: 'item' }, note: { S: `note of ${id}` } }, ...extra },
  });
  const transaction = (...items: TransactWriteItem[]) => client.send(new TransactWriteItemsCommand({ TransactItems: items }));
  const stored = async (id: string) => (await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: id }, sk: { S: 'item' } }, ConsistentRead: true }))).Item;
  return { tableName, client, merged, put, transaction, stored };
}

describe('group commit', () => {
  it('sends transactions made while one is in flight as one, and writes every item', async () => {
    const { merged, put, transaction, stored } = await setUp();

    await Promise.all(Array.from({ length: 6 }, (_, index) => transaction(put(`a${index}`), put(`b${index}`))));

    // The first goes at once; the five sent meanwhile wait for it and go together.
    expect(merged).toEqual([5]);
    for (let index = 0; index < 6; index += 1) {
      expect((await stored(`a${index}`))?.note?.S).toBe(`note of a${index}`);
      expect((await stored(`b${index}`))?.note?.S).toBe(`note of b${index}`);
    }
  });

  it('sends a transaction alone when none is in flight', async () => {
    const { merged, put, transaction } = await setUp();

    for (let index = 0; index < 4; index += 1) await transaction(put(`alone${index}`));

    expect(merged).toEqual([]);
  });

  it("gives a transaction whose condition fails its own cancellation, and writes the others' items", async () => {
    const { merged, put, transaction, stored } = await setUp();
    await transaction(put('taken'));

    const answers = await Promise.allSettled([
      transaction(put('first')),
      transaction(put('ok1'), put('ok2')),
      transaction(put('fresh'), put('taken', { ConditionExpression: 'attribute_not_exists(pk)' })),
      transaction(put('ok3')),
    ]);

    expect(merged).toEqual([3]);
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const refused = (answers[2] as PromiseRejectedResult).reason as TransactionCanceledException;
    expect(refused).toBeInstanceOf(TransactionCanceledException);
    // Its own two items' reasons, in its own order: not the merged transaction's.
    expect(refused.CancellationReasons?.map((reason) => reason.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(refused.message).toContain('[None, ConditionalCheckFailed]');
    expect(await stored('fresh')).toBeUndefined();
    expect(await stored('ok1')).toBeDefined();
    expect(await stored('ok2')).toBeDefined();
    expect(await stored('ok3')).toBeDefined();
  });

  it('never merges two transactions on one item: the later one sees the earlier one written', async () => {
    const { tableName, merged, put, transaction, stored } = await setUp();
    const update = (note: string): TransactWriteItem => ({
      Update: {
        TableName: tableName,
        Key: { pk: { S: 'shared' }, sk: { S: 'item' } },
        UpdateExpression: 'SET note = :note',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':note': { S: note } },
      },
    });

    await Promise.all([transaction(put('in flight')), transaction(put('shared')), transaction(update('changed'))]);

    expect(merged).toEqual([]);
    expect((await stored('shared'))?.note?.S).toBe('changed');
  });

  it("keeps each item's writes in the order they were sent when one has to wait", async () => {
    const { tableName, merged, put, transaction, stored } = await setUp();
    const note = (id: string, text: string): TransactWriteItem => ({
      Update: {
        TableName: tableName,
        Key: { pk: { S: id }, sk: { S: 'item' } },
        UpdateExpression: 'SET note = :note',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':note': { S: text } },
      },
    });
    await transaction(put('x'));

    // Sent while the first is in flight. Of the three waiting, the one after the head shares x with it and waits; so
    // the last, which writes y after that one creates it, must wait too — merged with the head it would run first.
    const answers = await Promise.allSettled([
      transaction(put('in flight')),
      transaction(note('x', 'first')),
      transaction(note('x', 'second'), put('y')),
      transaction(note('y', 'third'), put('z')),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(merged).toEqual([]);
    expect((await stored('x'))?.note?.S).toBe('second');
    expect((await stored('y'))?.note?.S).toBe('third');
  });

  it('answers each transaction of a merged group that DynamoDB refuses as a whole on its own', async () => {
    const { merged, put, transaction, stored } = await setUp();
    // An item over DynamoDB's 400 KB limit fails the whole request with a ValidationException.
    const huge = put('huge', { Item: { pk: { S: 'huge' }, sk: { S: 'item' }, note: { S: 'x'.repeat(410 * 1024) } } });

    const answers = await Promise.allSettled([transaction(put('lead')), transaction(put('small')), transaction(huge)]);

    expect(merged).toEqual([2]);
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(((answers[2] as PromiseRejectedResult).reason as Error).name).toBe('ValidationException');
    expect(await stored('small')).toBeDefined();
    expect(await stored('huge')).toBeUndefined();
  });

  it('gives every caller of a group a failure that may have left the request applied, and sends none again', async () => {
    const merged: number[] = [];
    const nowhere = await freePort();
    const client = groupCommits(
      new DynamoDBClient({ endpoint: `http://127.0.0.1:${nowhere}`, region: localRegion, credentials: localCredentials, maxAttempts: 1 }),
      { onMerged: (transactions) => merged.push(transactions) },
    );
    const sent: string[] = [];
    client.middlewareStack.add((next) => async (args) => ((sent.push('request'), next(args))), { step: 'finalizeRequest', name: 'countSent' });
    const item = (id: string): TransactWriteItem => ({ Put: { TableName: 'anywhere', Item: { pk: { S: id }, sk: { S: 'item' } } } });

    const answers = await Promise.allSettled(['x', 'y', 'z'].map((id) => client.send(new TransactWriteItemsCommand({ TransactItems: [item(id)] }))));

    expect(merged).toEqual([2]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected', 'rejected']);
    // The first alone, then the two together: nothing sent a second time.
    expect(sent).toHaveLength(2);
  });

  it("merges a DocumentClient's transactions too", async () => {
    const { tableName, client, merged } = await setUp();
    const documents = DynamoDBDocumentClient.from(client);

    await Promise.all(
      ['d1', 'd2', 'd3'].map((id) => documents.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tableName, Item: { pk: id, sk: 'item', tags: ['x'] } } }] }))),
    );

    expect(merged).toEqual([2]);
    const read = await documents.send(new GetCommand({ TableName: tableName, Key: { pk: 'd3', sk: 'item' }, ConsistentRead: true }));
    expect(read.Item).toEqual({ pk: 'd3', sk: 'item', tags: ['x'] });
  });
});
