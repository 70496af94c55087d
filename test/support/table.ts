// Each test file gets its own table in the one DynamoDB Local of the run.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { localCredentials, localRegion } from '#infra/local/dynamodb-local.ts';
import { ulidIds } from '#shared/ids.ts';
import type { Clock, Logger, TableRef } from '#shared/ports.ts';
import { tableRefOf } from '#shared/store/document-client.ts';
import { createTableInput } from '#shared/store/table.ts';

let tableCount = 0;

export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: localRegion, credentials: localCredentials });
}

export async function createTestTable(): Promise<TableRef & { dynamoClient: DynamoDBClient }> {
  const client = dynamoClient();
  tableCount += 1;
  const tableName = `test-${process.pid}-${Date.now()}-${tableCount}`;
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return { ...tableRefOf(tableName, client), dynamoClient: client };
}

/** A clock the test moves by hand. */
export function manualClock(start = '2026-01-15T09:00:00.000Z'): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (iso) => {
      now = new Date(iso).getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export { ulidIds };
