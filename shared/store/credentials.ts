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

export function createCredentials(table: TableRef, clock: Clock) {
  const { client, tableName } = table;

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

  async function find(secret: string): Promise<Credential | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: credentialKey(hashSecret(secret)) }));
    if (!result.Item) return undefined;
    return { principal: result.Item.principal as Principal, name: result.Item.name as string, createdAt: result.Item.createdAt as string };
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
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: tableName, Key: integrationKey(integrationId) } },
          { Delete: { TableName: tableName, Key: credentialKey(result.Item.keyHash as string) } },
        ],
      }),
    );
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
