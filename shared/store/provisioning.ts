// Where each automation's deployment stands (pending | ready | error). Kept apart from
// the automation record: writing it there would be an "Automation Updated" event and
// provision the automation again, forever.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, TableRef } from '#shared/ports.ts';
import { provisioningKey } from './keys.ts';

export type ProvisioningStatus = 'pending' | 'ready' | 'error';

export interface Provisioning {
  status: ProvisioningStatus;
  /** The automation version this state describes; an older one means a newer edit is pending. */
  automationVersion: number;
  stateMachine?: string;
  stateMachineVersion?: string;
  /**
   * The digest of what is deployed (AutomationInfra.fingerprint), on a ready record: a deployment's pass leaves an
   * automation alone while its version and digest are unchanged. Records from before it have none, and are deployed.
   */
  fingerprint?: string;
  error?: string;
  at: string;
}

export function createProvisioning(table: TableRef, clock: Clock) {
  const { client, tableName } = table;

  async function get(automationId: string): Promise<Provisioning | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: provisioningKey(automationId), ConsistentRead: true }));
    if (!result.Item) return undefined;
    const { pk: _pk, sk: _sk, itemKind: _kind, ...state } = result.Item;
    return state as Provisioning;
  }

  /** Records a result unless a newer version's result is there already (deliveries may arrive out of order). */
  async function record(automationId: string, state: Omit<Provisioning, 'at'>): Promise<void> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...provisioningKey(automationId), itemKind: 'provisioning', ...state, at: clock.now().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR automationVersion <= :version',
          ExpressionAttributeValues: { ':version': state.automationVersion },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /**
   * Drops the digest before a deployment changes what is deployed: if that deployment is cut short (a timeout, a
   * rolled-back release), the record no longer vouches for a state half replaced, and the next pass deploys again.
   */
  async function markDeploying(automationId: string): Promise<void> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: provisioningKey(automationId),
          UpdateExpression: 'REMOVE fingerprint',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  return { get, record, markDeploying };
}

export type ProvisioningStore = ReturnType<typeof createProvisioning>;
