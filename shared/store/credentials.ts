// API keys and local user tokens, stored only as SHA-256 hashes: a leaked table
// backup gives no usable credential.
import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, TableRef } from '#shared/ports.ts';
import { credentialKey } from './keys.ts';

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

  async function revoke(secret: string): Promise<void> {
    await client.send(new DeleteCommand({ TableName: tableName, Key: credentialKey(hashSecret(secret)) }));
  }

  return { issue, find, revoke };
}

export type Credentials = ReturnType<typeof createCredentials>;
