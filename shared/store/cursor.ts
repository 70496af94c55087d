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

export interface FillOptions {
  /**
   * A filtered listing (text search) reads this many items per request to DynamoDB rather
   * than only what the page still lacks, and cuts the page at `limit`; its cursor is then the
   * last item's key (`keyNames`: the table's and the queried index's key attributes).
   */
  readAhead?: { items: number; keyNames: readonly string[] };
  /**
   * At most this many items read per call, whatever the filter kept: a search that matches
   * little answers a short page with a cursor rather than reading a whole partition at once.
   */
  maxRead?: number;
}

/**
 * Reads a query from the caller's cursor until `limit` items passed its filter or the
 * index ends: a filter can leave a DynamoDB page short, and a short page would look like the end.
 * With `maxRead` a page may be short (even empty) but then carries a cursor.
 */
export async function fillPage(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  limit: number,
  cursor: string | undefined,
  options: FillOptions = {},
): Promise<Page<Record<string, unknown>>> {
  const items: Record<string, unknown>[] = [];
  let startKey = decodeCursor(cursor);
  let read = 0;
  do {
    const exclusiveStartKey = startKey;
    const want = Math.max(limit - items.length, options.readAhead?.items ?? 0);
    const result = await fromCursor(cursor, () =>
      client.send(new QueryCommand({ ...input, Limit: want, ExclusiveStartKey: exclusiveStartKey })),
    );
    items.push(...(result.Items ?? []));
    read += result.ScannedCount ?? 0;
    startKey = result.LastEvaluatedKey;
  } while (startKey && items.length < limit && read < (options.maxRead ?? Infinity));
  if (items.length > limit && options.readAhead) {
    const page = items.slice(0, limit);
    const last = page[page.length - 1]!;
    return { items: page, cursor: encodeCursor(Object.fromEntries(options.readAhead.keyNames.map((name) => [name, last[name]]))) };
  }
  return { items, cursor: encodeCursor(startKey) };
}
