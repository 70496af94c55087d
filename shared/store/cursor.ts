// Page cursors: DynamoDB's LastEvaluatedKey as opaque base64url, checked on the way back in.
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationFailed } from '#shared/errors.ts';

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const valid =
      typeof key === 'object' && key !== null && !Array.isArray(key) && Object.values(key).every((value) => typeof value === 'string');
    if (valid && 'pk' in key && 'sk' in key) return key as Record<string, string>;
  } catch {
    // fall through to the validation error
  }
  throw ValidationFailed.field('cursor', 'not a cursor returned by this API');
}

/**
 * Runs a query that starts at a caller's cursor. DynamoDB refuses a start key that
 * does not belong to the query (another listing's cursor, a forged one); that is the
 * caller's mistake, so it is a 400 naming the cursor, not a failure of ours.
 */
export async function fromCursor<T>(cursor: string | undefined, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (cursor !== undefined && error instanceof Error && error.name === 'ValidationException') {
      throw ValidationFailed.field('cursor', 'not a cursor returned by this listing');
    }
    throw error;
  }
}

/**
 * Reads a query from the caller's cursor until `limit` items passed its filter or the
 * index ends: a filter can leave a DynamoDB page short, and a short page would look like the end.
 */
export async function fillPage(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  limit: number,
  cursor: string | undefined,
): Promise<Page<Record<string, unknown>>> {
  const items: Record<string, unknown>[] = [];
  let startKey = decodeCursor(cursor);
  do {
    const exclusiveStartKey = startKey;
    const result = await fromCursor(cursor, () =>
      client.send(new QueryCommand({ ...input, Limit: limit - items.length, ExclusiveStartKey: exclusiveStartKey })),
    );
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return { items, cursor: encodeCursor(startKey) };
}
