// A data folder made by an older version keeps working: the indexes added since are created on start.
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureTable } from '#infra/local/system.ts';
import { createTableInput, indexes } from '#shared/store/table.ts';
import { dynamoClient } from '#test/support/table.ts';

describe('ensureTable', () => {
  it('adds the indexes an existing table lacks', async () => {
    const client = dynamoClient();
    const tableName = `upgrade-${process.pid}-${Date.now()}`;
    const old = createTableInput(tableName);
    old.GlobalSecondaryIndexes = old.GlobalSecondaryIndexes?.filter((index) => index.IndexName !== 'gsi4');
    old.AttributeDefinitions = old.AttributeDefinitions?.filter((attribute) => !attribute.AttributeName?.startsWith('gsi4'));
    await client.send(new CreateTableCommand(old));

    await ensureTable(client, tableName);

    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(indexes.map((index) => index.name).sort());
  });
});
