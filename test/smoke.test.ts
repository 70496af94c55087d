import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { expect, inject, it } from 'vitest';
import { localCredentials, localRegion } from '#infra/local/dynamodb-local.ts';

it('reaches the DynamoDB Local started by globalSetup', async () => {
  const client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: localRegion, credentials: localCredentials });
  const tables = await client.send(new ListTablesCommand({}));
  expect(Array.isArray(tables.TableNames)).toBe(true);
});
