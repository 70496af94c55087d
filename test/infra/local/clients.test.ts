// Clients of DynamoDB Local without the SDK's steps that only cost CPU there: they still read and write, and
// fail as typed errors, while their requests go out without the headers those steps add.
import { ConditionalCheckFailedException, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { withoutIdleSteps } from '#infra/local/clients.ts';
import { localDynamoClient } from '#infra/local/dynamodb-local.ts';
import { idempotencyPersistence } from '#shared/store/idempotency.ts';
import { createTableInput } from '#shared/store/table.ts';

async function leanClient() {
  const client = withoutIdleSteps(localDynamoClient(inject('dynamoEndpoint'), { maxAttempts: 2 }, { commitBarrier: false }));
  const headers: Array<Record<string, string>> = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      headers.push({ ...(args.request as { headers: Record<string, string> }).headers });
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'recordHeaders' },
  );
  const tableName = `clients-${process.pid}-${Date.now()}`;
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return { client, documents: DynamoDBDocumentClient.from(client), tableName, headers };
}

describe('withoutIdleSteps', () => {
  it('writes and reads an item in DynamoDB Local', async () => {
    // Prepare
    const { documents, tableName } = await leanClient();
    await documents.send(new PutCommand({ TableName: tableName, Item: { pk: 'contact#1', sk: 'contact', name: 'Ada', tags: ['a', 'b'] } }));

    // Act
    const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: { pk: 'contact#1', sk: 'contact' } }));

    // Assess
    expect(Item).toEqual({ pk: 'contact#1', sk: 'contact', name: 'Ada', tags: ['a', 'b'] });
  });

  it('still fails a refused condition with its typed error', async () => {
    // Prepare
    const { documents, tableName } = await leanClient();
    const item = { pk: 'contact#2', sk: 'contact', name: 'Grace' };
    await documents.send(new PutCommand({ TableName: tableName, Item: item }));

    // Act
    const act = documents.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));

    // Assess
    await expect(act).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('sends no SDK user agent, trace or host header of its own', async () => {
    // Prepare
    const { documents, tableName, headers } = await leanClient();

    // Act
    await documents.send(new GetCommand({ TableName: tableName, Key: { pk: 'contact#3', sk: 'contact' } }));

    // Assess
    const sent = headers.at(-1) ?? {};
    const added = Object.keys(sent).filter((name) => /^(user-agent|x-amz-user-agent|x-amzn-trace-id|host)$/i.test(name));
    expect(added).toEqual([]);
    expect(sent['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
  });

  it('keeps the names of the steps it drops, for steps other libraries place after them', async () => {
    // Prepare: the API's idempotency store (Powertools) places its user-agent step after the SDK's.
    const { client, documents, tableName, headers } = await leanClient();
    idempotencyPersistence(tableName, client);

    // Act
    const read = await documents.send(new GetCommand({ TableName: tableName, Key: { pk: 'contact#4', sk: 'contact' } }));

    // Assess
    expect(read.Item).toBeUndefined();
    expect(headers.at(-1)?.['user-agent']).toMatch(/^PT\/idempotency\//);
  });
});
