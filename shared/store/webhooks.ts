// Webhook signing secrets (shown once when made, then only their id and name) and what named webhook steps
// answered, kept for the run's later steps (`{{ steps.<name>.response.… }}`).
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, TableRef } from '#shared/ports.ts';
import { WEBHOOK_SECRETS_INDEX_KEY, stepResultKey, stepResultsPartition, webhookSecretKey } from './keys.ts';
import { ttlAttribute } from './table.ts';

export interface WebhookSecret {
  secretId: string;
  name: string;
  createdAt: string;
  createdBy: string;
}

/** Step results outlive any retry or redrive window of their run's steps. */
const RESULT_DAYS = 30;

export function createWebhooks(table: TableRef, clock: Clock) {
  const { client, tableName } = table;

  async function addSecret(secret: WebhookSecret & { value: string }): Promise<void> {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...webhookSecretKey(secret.secretId), itemKind: 'webhookSecret', ...secret, gsi1pk: WEBHOOK_SECRETS_INDEX_KEY, gsi1sk: secret.secretId },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** The secret's value, for signing: never returned by the API after its creation. */
  async function secretValue(secretId: string): Promise<string | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: webhookSecretKey(secretId), ConsistentRead: true }));
    return typeof result.Item?.value === 'string' ? result.Item.value : undefined;
  }

  async function listSecrets(): Promise<WebhookSecret[]> {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': WEBHOOK_SECRETS_INDEX_KEY },
        ScanIndexForward: false,
        Limit: 100,
      }),
    );
    return (result.Items ?? []).map(({ secretId, name, createdAt, createdBy }) => ({ secretId, name, createdAt, createdBy }) as WebhookSecret);
  }

  /** Answers whether it existed. */
  async function removeSecret(secretId: string): Promise<boolean> {
    const result = await client.send(new DeleteCommand({ TableName: tableName, Key: webhookSecretKey(secretId), ReturnValues: 'ALL_OLD' }));
    return result.Attributes !== undefined;
  }

  async function putResult(runId: string, name: string, value: unknown): Promise<void> {
    const now = clock.now();
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...stepResultKey(runId, name), itemKind: 'stepResult', value, [ttlAttribute]: Math.floor(now.getTime() / 1000) + RESULT_DAYS * 86_400 },
      }),
    );
  }

  /** Every named step result of a run, by name. */
  async function results(runId: string): Promise<Record<string, unknown>> {
    const result = await client.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': stepResultsPartition(runId) }, ConsistentRead: true }),
    );
    return Object.fromEntries((result.Items ?? []).map((item) => [String(item.sk), item.value]));
  }

  return { addSecret, secretValue, listSecrets, removeSecret, putResult, results };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
