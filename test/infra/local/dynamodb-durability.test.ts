// DynamoDB Local answers a transaction before it has committed it (docs/local-durability.md):
// the client local mode uses must not, so a write it acknowledged outlives a SIGKILL of the JVM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, type DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createCommitTracker, localDynamoClient, startDynamoDbLocal } from '#infra/local/dynamodb-local.ts';
import { bodyText } from '#infra/local/group-commit.ts';
import { dynamoClient } from '#test/support/table.ts';

const folder = mkdtempSync(join(tmpdir(), 'stagecraft-durability-'));

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const table = 'durability';

describe('a transaction acknowledged by the local client', () => {
  // Without the barrier about half the rounds lose a write (measured: 5 of 10 single
  // transactions); with 8 transactions answered before each kill, more often.
  it('is on disk when DynamoDB Local is killed the moment it answers', async () => {
    const found = await killAfterTransactions('barrier', { commitBarrier: true }, async () => undefined, 4);

    expect(found).toHaveLength(4 * 8);
    expect(found.every(Boolean)).toBe(true);
  }, 180_000);

  // Group commit (infra/local/group-commit.ts) sends the transactions made while one is in flight as one request.
  // A merged request is one COMMIT, which runs within a millisecond of its answer: this checks that every answered
  // transaction was written and kept, not the barrier's timing (the test above does).
  it('is on disk when it travelled with others in one request (group commit)', async () => {
    let merges = 0;
    const countMerges = (client: DynamoDBClient) =>
      client.middlewareStack.add(
        (next) => async (args) => {
          // Each caller's transaction writes two items: a request with more carries several callers' transactions.
          const text = bodyText((args.request as { body?: unknown } | undefined)?.body) ?? '';
          if (text.startsWith('{"TransactItems"') && (JSON.parse(text) as { TransactItems: unknown[] }).TransactItems.length > 2) merges += 1;
          return next(args);
        },
        { step: 'finalizeRequest', name: 'countMerges' },
      );

    const found = await killAfterTransactions('grouped', { commitBarrier: true, sortKey: true, watch: countMerges }, async () => undefined);

    // Each round: the first transaction alone, those sent while it was in flight together (one request, or more
    // when the machine is busy and some arrive while the merged one is in flight): merged requests were made.
    expect(merges).toBeGreaterThanOrEqual(1);
    expect(found).toHaveLength(3 * 8);
    expect(found.every(Boolean)).toBe(true);
  }, 180_000);
});

/**
 * Rounds of: start DynamoDB Local on the same folder, check the previous round's transactions are there, answer
 * `writers` transactions through a client with or without the barrier, run `then`, kill the JVM. Answers what was found.
 * `sortKey`: the table has one (as the workspace's does), so group commit merges the transactions sent together;
 * without one it leaves them alone and the barrier is tested on its own. `watch` sees each round's client.
 */
async function killAfterTransactions(
  name: string,
  { commitBarrier, sortKey = false, watch }: { commitBarrier: boolean; sortKey?: boolean; watch?: (client: DynamoDBClient) => void },
  then: (client: DynamoDBClient, tracker: ReturnType<typeof createCommitTracker>) => Promise<unknown>,
  rounds = 3,
  writers = 8,
): Promise<boolean[]> {
  const found: boolean[] = [];
  const path = mkdtempSync(join(folder, `${name}-`));
  const keyOf = (pk: string) => ({ pk: { S: pk }, ...(sortKey ? { sk: { S: 'item' } } : {}) });
  const keys = sortKey ? (['pk', 'sk'] as const) : (['pk'] as const);
  for (let round = 0; round <= rounds; round++) {
    const dynamo = await startDynamoDbLocal({ path });
    const tracker = createCommitTracker();
    const client = tracker.observe(localDynamoClient(dynamo.endpoint, { maxAttempts: 1 }, { commitBarrier }), { commitBarrier });
    watch?.(client);
    try {
      if (round === 0) {
        await client.send(
          new CreateTableCommand({
            TableName: table,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: keys.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
            KeySchema: keys.map((AttributeName, index) => ({ AttributeName, KeyType: index === 0 ? 'HASH' : 'RANGE' })),
          }),
        );
      } else {
        for (let writer = 0; writer < writers; writer++) {
          const key = keyOf(`write-${round - 1}-${writer}`);
          found.push((await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item !== undefined);
        }
      }
      if (round < rounds) {
        await Promise.all(
          Array.from({ length: writers }, (_, writer) =>
            client.send(
              new TransactWriteItemsCommand({
                TransactItems: [
                  { Put: { TableName: table, Item: keyOf(`write-${round}-${writer}`) } },
                  { Put: { TableName: table, Item: keyOf(`write-${round}-${writer}-history`) } },
                ],
              }),
            ),
          ),
        );
        await then(client, tracker);
      }
      process.kill(dynamo.pid!, 'SIGKILL');
      await dynamo.stop();
    } finally {
      client.destroy();
    }
  }
  return found;
}

describe("the engine's client, without the barrier per transaction", () => {
  it("has every transaction on disk once a later single-item write was answered (a run's next run-log write)", async () => {
    const found = await killAfterTransactions('next-write', { commitBarrier: false }, (client) =>
      client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'run-log' } } })),
    );

    expect(found).toHaveLength(3 * 8);
    expect(found.every(Boolean)).toBe(true);
  }, 180_000);

  it('has every transaction on disk once settled (before the stream checkpoint moves)', async () => {
    const found = await killAfterTransactions('settled', { commitBarrier: false }, (client, tracker) => tracker.settle(client));

    expect(found).toHaveLength(3 * 8);
    expect(found.every(Boolean)).toBe(true);
  }, 180_000);

  it('settles without a barrier when a later call already waited on the queue, and with one when none did', async () => {
    const tracker = createCommitTracker();
    const client = tracker.observe(dynamoClient(), { commitBarrier: false });
    const name = `commit-tracker-${process.pid}-${Date.now()}`;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const transaction = () => client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: name, Item: { pk: { S: 'a' } } } }] }));
    const send = vi.spyOn(client, 'send');
    try {
      await transaction();
      expect(tracker.unsettled()).toBe(true);
      await client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'run-log' } } }));
      expect(tracker.unsettled()).toBe(false);
      await tracker.settle(client);
      expect(send.mock.calls.filter(([command]) => command instanceof ListTablesCommand)).toHaveLength(0);

      await transaction();
      await tracker.settle(client);

      expect(send.mock.calls.filter(([command]) => command instanceof ListTablesCommand)).toHaveLength(1);
      expect(tracker.unsettled()).toBe(false);
    } finally {
      send.mockRestore();
      client.destroy();
    }
  });
});
