// Workspace settings and bookkeeping (the seed marker, the admin of a fresh workspace).
//
// Settings are read on most requests (who an integration's write is credited to, the default country of a
// phone number) and change rarely, so a container keeps what it read for SETTINGS_TTL_MS: a request reads
// them at most once, concurrent requests share one read, and a write through this process drops its copy
// at once. Another container (another Lambda instance) sees a change within SETTINGS_TTL_MS
// (docs/ARCHITECTURE.md §8).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '#shared/ports.ts';
import { settingKey } from './keys.ts';

/** How long a container trusts a setting it read: the bound on how late another container sees a change. */
export const SETTINGS_TTL_MS = 2_000;

/**
 * Per process (a Lambda container, or local mode where the API and the engine may hold separate stores over one
 * table), keyed by table and setting. Holds the read's promise, so concurrent readers share it; values are shared,
 * treat them as read-only.
 */
const cached = new Map<string, { until: number; value: Promise<unknown> }>();

export function createSettings(table: TableRef, ttlMs = SETTINGS_TTL_MS) {
  const { client, tableName } = table;
  const cacheKey = (name: string) => `${tableName}\u0000${name}`;

  async function read<T>(name: string): Promise<T | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: settingKey(name), ConsistentRead: true }));
    return result.Item?.value as T | undefined;
  }

  /**
   * The setting as this container last read it (at most `ttlMs` ago), else as stored now. `fresh` reads the table:
   * for a write that must start from the stored version, or a view that must show it.
   */
  async function get<T>(name: string, options: { fresh?: boolean } = {}): Promise<T | undefined> {
    const key = cacheKey(name);
    const now = performance.now();
    const hit = options.fresh ? undefined : cached.get(key);
    if (hit && hit.until > now) return hit.value as Promise<T | undefined>;
    const value = read<T>(name);
    const entry = { until: now + ttlMs, value };
    cached.set(key, entry);
    // A failed read is not kept: the next caller reads again.
    void value.catch(() => {
      if (cached.get(key) === entry) cached.delete(key);
    });
    return value;
  }

  /** Drops this container's copy: called after every write (and failed conditional write) of the setting. */
  const forget = (name: string) => cached.delete(cacheKey(name));

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
    } finally {
      forget(name);
    }
  }

  async function put<T>(name: string, value: T): Promise<void> {
    try {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...settingKey(name), itemKind: 'setting', value } }));
    } finally {
      forget(name);
    }
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
    } finally {
      forget(name);
    }
  }

  return { get, put, putOnce, putVersioned };
}

export type Settings = ReturnType<typeof createSettings>;
