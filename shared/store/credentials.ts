// API keys and local user tokens, stored only as SHA-256 hashes: a leaked table
// backup gives no usable credential.
import { createHash, randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '#shared/domain/actors.ts';
import type { Clock, TableRef } from '#shared/ports.ts';
import { INTEGRATIONS_INDEX_KEY, credentialKey, integrationKey } from './keys.ts';

export interface Integration {
  integrationId: string;
  name: string;
  createdAt: string;
  createdBy: string;
}

export type Principal = { kind: 'user'; userId: string } | { kind: 'integration'; integrationId: string };

export interface Credential {
  principal: Principal;
  name: string;
  createdAt: string;
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function newSecret(prefix: 'sc_key' | 'sc_user'): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/**
 * How long a container trusts a credential it found: a key revoked through another container (another Lambda
 * instance) stops working there within this; in the process that revoked it, at once (docs/ARCHITECTURE.md §8).
 */
export const CREDENTIAL_TTL_MS = 5_000;
/** Credentials (and integrations) kept per container at most (the oldest found is dropped first). */
const MAX_KEPT = 1_000;

/**
 * Found ones only, per process, keyed by table and the secret's hash (`credential:`) or the integration's id
 * (`integration:`, whose creator and name an integration's write is credited and shown with): a lookup that
 * failed or found nothing is asked again next time. Holds the lookup's promise, so concurrent requests share a read.
 */
const found = new Map<string, { until: number; value: Promise<unknown> }>();

/** `load()` as found at most `ttlMs` ago under `key` in this process, else now. */
function keptFor<T>(key: string, ttlMs: number, load: () => Promise<T | undefined>): Promise<T | undefined> {
  const now = performance.now();
  const hit = found.get(key);
  if (hit && hit.until > now) return hit.value as Promise<T | undefined>;
  const value = load();
  const entry = { until: now + ttlMs, value };
  found.delete(key);
  found.set(key, entry);
  if (found.size > MAX_KEPT) found.delete(found.keys().next().value!);
  const drop = () => {
    if (found.get(key) === entry) found.delete(key);
  };
  void value.then((item) => item ?? drop(), drop);
  return value;
}

export function createCredentials(table: TableRef, clock: Clock, ttlMs = CREDENTIAL_TTL_MS) {
  const { client, tableName } = table;
  const credentialCacheKey = (hash: string) => `${tableName}\u0000credential:${hash}`;
  const integrationCacheKey = (integrationId: string) => `${tableName}\u0000integration:${integrationId}`;

  /** Stores a new credential for a principal and returns its secret, shown this once. */
  async function issue(principal: Principal, name: string): Promise<string> {
    const secret = newSecret(principal.kind === 'user' ? 'sc_user' : 'sc_key');
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...credentialKey(hashSecret(secret)), itemKind: 'credential', principal, name, createdAt: clock.now().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return secret;
  }

  async function lookUp(hash: string): Promise<Credential | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: credentialKey(hash) }));
    if (!result.Item) return undefined;
    return { principal: result.Item.principal as Principal, name: result.Item.name as string, createdAt: result.Item.createdAt as string };
  }

  /** The credential a secret is, as found at most `ttlMs` ago in this container, else as stored now. */
  async function find(secret: string): Promise<Credential | undefined> {
    const hash = hashSecret(secret);
    return keptFor(credentialCacheKey(hash), ttlMs, () => lookUp(hash));
  }

  /** An integration and its API key in one write; the key is returned this once. */
  async function createIntegration(integrationId: string, name: string, actor: Actor): Promise<{ integration: Integration; key: string }> {
    const key = newSecret('sc_key');
    const hash = hashSecret(key);
    const integration: Integration = { integrationId, name, createdAt: clock.now().toISOString(), createdBy: actor.id };
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { ...integrationKey(integrationId), itemKind: 'integration', ...integration, keyHash: hash, gsi1pk: INTEGRATIONS_INDEX_KEY, gsi1sk: integrationId },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { ...credentialKey(hash), itemKind: 'credential', principal: { kind: 'integration', integrationId }, name, createdAt: integration.createdAt },
            },
          },
        ],
      }),
    );
    return { integration, key };
  }

  /**
   * Records an integration for a key issued before integrations had records (local mode's demo key in homes
   * seeded earlier): listed and revocable from now on, the key unchanged. Nothing happens if it is recorded already.
   */
  async function adoptIntegration(integrationId: string, name: string, key: string, createdBy: string, createdAt: string): Promise<void> {
    const integration: Integration = { integrationId, name, createdAt, createdBy };
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...integrationKey(integrationId), itemKind: 'integration', ...integration, keyHash: hashSecret(key), gsi1pk: INTEGRATIONS_INDEX_KEY, gsi1sk: integrationId },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async function listIntegrations(): Promise<Integration[]> {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': INTEGRATIONS_INDEX_KEY },
      }),
    );
    return (result.Items ?? []).map((item) => ({
      integrationId: item.integrationId as string,
      name: item.name as string,
      createdAt: item.createdAt as string,
      createdBy: item.createdBy as string,
    }));
  }

  /** Revokes the integration's key at once; its past writes keep naming it. */
  async function removeIntegration(integrationId: string): Promise<boolean> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: integrationKey(integrationId), ConsistentRead: true }));
    if (!result.Item) return false;
    const hash = result.Item.keyHash as string;
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: tableName, Key: integrationKey(integrationId) } },
            { Delete: { TableName: tableName, Key: credentialKey(hash) } },
          ],
        }),
      );
    } finally {
      // Revoked in this container at once, lookups under way included; elsewhere within the TTL.
      found.delete(credentialCacheKey(hash));
      found.delete(integrationCacheKey(integrationId));
    }
    return true;
  }

  /** The integration as found at most `ttlMs` ago in this container (its name and creator never change), else now. */
  function getIntegration(integrationId: string): Promise<Integration | undefined> {
    return keptFor(integrationCacheKey(integrationId), ttlMs, () => readIntegration(integrationId));
  }

  async function readIntegration(integrationId: string): Promise<Integration | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: integrationKey(integrationId) }));
    if (!result.Item) return undefined;
    const item = result.Item;
    return { integrationId, name: item.name as string, createdAt: item.createdAt as string, createdBy: item.createdBy as string };
  }

  return { issue, find, createIntegration, adoptIntegration, getIntegration, listIntegrations, removeIntegration };
}

export type Credentials = ReturnType<typeof createCredentials>;
