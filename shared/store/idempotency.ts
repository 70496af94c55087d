// Where the API keeps its Idempotency-Key records (Powertools idempotency): each record in a partition of
// its own, so integrator traffic spreads over the table instead of heating one partition key.
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { idempotencyKey } from './keys.ts';

/**
 * Powertools' DynamoDB layer with a single-table key: pk `idempotency#<record key>`, sk `idempotency`.
 * The record key is Powertools' hash of the caller and the Idempotency-Key, so a retry finds the same item
 * (the replay guarantee), and two callers' records never share a partition.
 */
class SpreadPersistenceLayer extends DynamoDBPersistenceLayer {
  protected override getKey(recordKey: string): Record<string, AttributeValue> {
    const { pk, sk } = idempotencyKey(recordKey);
    return { pk: { S: pk }, sk: { S: sk } };
  }
}

export function idempotencyPersistence(tableName: string, dynamoClient: DynamoDBClient): DynamoDBPersistenceLayer {
  // keyAttr/sortKeyAttr name the table's key attributes; getKey above gives their values.
  return new SpreadPersistenceLayer({ tableName, keyAttr: 'pk', sortKeyAttr: 'sk', awsSdkV3Client: dynamoClient });
}
