// API keys and local user tokens, stored only as SHA-256 hashes: a leaked table
// backup gives no usable credential.
import { createHash, randomBytes } from 'node:crypto';
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
 * instance) stops working there within this; in the process that revoked it, at once (docs/ARCHITECTURE.md, "Caches").
 */
export const CREDENTIAL_TTL_MS = 5_000;
/** Credentials kept per container at most (the oldest found is dropped first). */
const MAX_CACHED_CREDENTIALS = 1_000;

/**
 * Credentials found, per process and keyed by table and the secret's hash: only lookups that found one are kept
 * (a failed or unknown one is asked again next time). Holds the lookup's promise, so concurrent requests with one
 * key share a read.
 */
const found = new Map<string, { until: number; value: Promise<Credential | undefined> }>();

export function createCredentials(table: TableRef, clock: Clock, ttlMs = CREDENTIAL_TTL_MS) {
  const { client, tableName } = table;
  const cacheKey = (hash: string) => `${tableName}\u0000${hash}`;

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
    const key = cacheKey(hash);
    const now = performance.now();
    const hit = found.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = lookUp(hash);
    const entry = { until: now + ttlMs, value };
    found.delete(key);
    found.set(key, entry);
    if (found.size > MAX_CACHED_CREDENTIALS) found.delete(found.keys().next().value!);
    const drop = () => {
      if (found.get(key) === entry) found.delete(key);
    };
    // Never kept: a lookup that failed or found nothing.
    void value.then((credential) => credential ?? drop(), drop);
    return value;
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
      found.delete(cacheKey(hash));
    }
    return true;
  }

  async function getIntegration(integrationId: string): Promise<Integration | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: integrationKey(integrationId) }));
    if (!result.Item) return undefined;
    const item = result.Item;
    return { integrationId, name: item.name as string, createdAt: item.createdAt as string, createdBy: item.createdBy as string };
  }

  return { issue, find, createIntegration, getIntegration, listIntegrations, removeIntegration };
}

export type Credentials = ReturnType<typeof createCredentials>;
