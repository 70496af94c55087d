// Tracked document links: one unguessable token per recipient,
// stored only as its SHA-256 hash; the views recorded through it (once per recipient and day);
// and the request counters that rate-limit the public page.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, TableRef } from '#shared/ports.ts';
import { hashSecret } from './credentials.ts';
import { documentLinkKey, documentViewKey, rateKey } from './keys.ts';

export interface DocumentLink {
  /** The first characters of the token's hash: names the link in views and history, never the token. */
  linkId: string;
  documentId: string;
  channel: 'email' | 'sms';
  address: string;
  createdAt: string;
  expiresAt: string;
}

/** Items stay a week past their expiry (TTL), then DynamoDB removes them. */
const TTL_SLACK_SECONDS = 7 * 24 * 3600;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export const linkIdOf = (token: string) => hashSecret(token).slice(0, 16);

export function createDocumentLinks(table: TableRef, clock: Clock) {
  const { client, tableName } = table;

  async function put(token: string, link: Omit<DocumentLink, 'linkId'>): Promise<DocumentLink> {
    const stored: DocumentLink = { ...link, linkId: linkIdOf(token) };
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...documentLinkKey(hashSecret(token)), itemKind: 'documentLink', ...stored, expiresAt: epochSeconds(link.expiresAt) + TTL_SLACK_SECONDS, expiresAtIso: link.expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return stored;
  }

  /** The link a token names, expired or not; undefined for a token never issued. */
  async function find(token: string): Promise<DocumentLink | undefined> {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: documentLinkKey(hashSecret(token)) }));
    const item = result.Item;
    if (!item) return undefined;
    return {
      linkId: item.linkId as string,
      documentId: item.documentId as string,
      channel: item.channel as DocumentLink['channel'],
      address: item.address as string,
      createdAt: item.createdAt as string,
      expiresAt: item.expiresAtIso as string,
    };
  }

  /** Records a view unless this link viewed the document that day already; answers whether it is the first. */
  async function recordView(link: DocumentLink, view: { at: string; userAgent?: string; sourceIp?: string }): Promise<boolean> {
    const day = view.at.slice(0, 10);
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...documentViewKey(link.documentId, day, link.linkId),
            itemKind: 'documentView',
            documentId: link.documentId,
            linkId: link.linkId,
            recipient: link.address,
            at: view.at,
            ...(view.userAgent ? { userAgent: view.userAgent.slice(0, 500) } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Counts a request in its minute; false once `limit` requests were counted there. */
  async function allow(bucket: string, limit: number): Promise<boolean> {
    const now = clock.now();
    const window = now.toISOString().slice(0, 16);
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: rateKey(bucket, window),
          UpdateExpression: 'ADD hits :one SET itemKind = :kind, expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':kind': 'rate', ':expires': Math.floor(now.getTime() / 1000) + 120 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  return { put, find, recordView, allow };
}

export type DocumentLinks = ReturnType<typeof createDocumentLinks>;
