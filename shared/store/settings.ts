// Workspace settings and bookkeeping (the seed marker, the admin of a fresh workspace).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '#shared/ports.ts';
import { settingKey } from './keys.ts';

export function createSettings(table: TableRef) {
  const { client, tableName } = table;

  async function get<T>(name: string): Promise<T | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: settingKey(name), ConsistentRead: true }));
    return result.Item?.value as T | undefined;
  }

  /** Writes the value unless the setting exists; answers whether this call wrote it. */
  async function putOnce<T>(name: string, value: T): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...settingKey(name), itemKind: 'setting', value },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async function put<T>(name: string, value: T): Promise<void> {
    await client.send(new PutCommand({ TableName: tableName, Item: { ...settingKey(name), itemKind: 'setting', value } }));
  }

  /** Writes a value carrying `version` if the stored one still has `expected` (0: none stored); answers whether it wrote. */
  async function putVersioned<T extends { version: number }>(name: string, value: T, expected: number): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...settingKey(name), itemKind: 'setting', value },
          ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : '#value.version = :expected',
          ...(expected === 0 ? {} : { ExpressionAttributeNames: { '#value': 'value' }, ExpressionAttributeValues: { ':expected': expected } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  return { get, put, putOnce, putVersioned };
}

export type Settings = ReturnType<typeof createSettings>;
