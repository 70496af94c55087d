// The one recipe of the document client every runtime reads and writes the table with: undefined
// attributes are dropped, not refused, so optional fields are simply absent from items.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '#shared/ports.ts';

export function tableRefOf(tableName: string, dynamoClient: DynamoDBClient): TableRef {
  return { tableName, client: DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } }) };
}
