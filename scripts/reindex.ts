// Gives the records of a table deployed before text search (and the deals-of-a-contact/company indexes) their
// search text and index keys (docs/ARCHITECTURE.md §3), page by page, at any table size:
//
//   npm run reindex -- --table <TableName> --region <region> [--from <position>]
//
// Uses the AWS credentials of the environment. Each page prints the position after it; after an interruption,
// `--from <position>` resumes there. Safe to run again, and while the API serves: it writes only item attributes
// (no new version, no event), and a record written meanwhile already carries them.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type SearchableType, searchableTypes } from '#shared/domain/search.ts';
import { systemClock, ulidIds } from '#shared/ids.ts';
import type { TableRef } from '#shared/ports.ts';
import { createStore } from '#shared/store/index.ts';

export interface ReindexOptions {
  /** Where to start: a position printed by an earlier run (`<type>` or `<type>:<cursor>`). */
  from?: string;
  /** Records per page. @default 100 */
  pageSize?: number;
  print: (line: string) => void;
}

function parsePosition(position: string | undefined): { type: SearchableType; cursor?: string } {
  if (!position) return { type: searchableTypes[0] };
  const split = position.indexOf(':');
  const type = (split === -1 ? position : position.slice(0, split)) as SearchableType;
  if (!searchableTypes.includes(type)) throw new Error(`--from ${position}: not a position this script printed (it starts with one of ${searchableTypes.join(', ')})`);
  return split === -1 ? { type } : { type, cursor: position.slice(split + 1) };
}

/** Reindexes from `from` to the end; answers how many records it wrote. */
export async function reindexTable(table: TableRef, options: ReindexOptions): Promise<number> {
  const store = createStore(table, systemClock, ulidIds());
  const start = parsePosition(options.from);
  let total = 0;
  for (const type of searchableTypes.slice(searchableTypes.indexOf(start.type))) {
    let cursor = type === start.type ? start.cursor : undefined;
    do {
      const page = await store.records.reindexPage(type, { ...(cursor ? { cursor } : {}), limit: options.pageSize ?? 100 });
      total += page.written;
      cursor = page.cursor;
      const next = cursor ? `${type}:${cursor}` : searchableTypes[searchableTypes.indexOf(type) + 1];
      options.print(`${type}: ${page.written} written (${total} in all)${next ? `; resume with --from ${next}` : ''}`);
    } while (cursor);
  }
  options.print(`Done: ${total} records reindexed.`);
  return total;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { table: { type: 'string' }, region: { type: 'string' }, from: { type: 'string' } } });
  if (!values.table || !values.region) throw new Error('Usage: npm run reindex -- --table <TableName> --region <region> [--from <position>]');
  const client = new DynamoDBClient({ region: values.region });
  const table = { tableName: values.table, client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }) };
  await reindexTable(table, { ...(values.from ? { from: values.from } : {}), print: (line) => console.log(line) });
  client.destroy();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
