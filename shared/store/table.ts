// The single table's shape: key schema and indexes. Local mode creates it from this,
// the CDK data construct declares the same, so both stay one definition.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const keyAttributes = { pk: 'pk', sk: 'sk' } as const;

/** Overloaded global secondary indexes; shared/store/keys.ts says what each serves. */
export const indexes = [
  { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
  { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' },
  { name: 'gsi3', pk: 'gsi3pk', sk: 'gsi3sk' },
  { name: 'gsi4', pk: 'gsi4pk', sk: 'gsi4sk' },
  { name: 'gsi5', pk: 'gsi5pk', sk: 'gsi5sk' },
] as const;

export const ttlAttribute = 'expiresAt';

export function createTableInput(tableName: string): CreateTableCommandInput {
  const attributeNames = [keyAttributes.pk, keyAttributes.sk, ...indexes.flatMap((index) => [index.pk, index.sk])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: keyAttributes.pk, KeyType: 'HASH' },
      { AttributeName: keyAttributes.sk, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.pk, KeyType: 'HASH' },
        { AttributeName: index.sk, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}
