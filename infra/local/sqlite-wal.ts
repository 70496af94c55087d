// DynamoDB Local keeps local mode's data in one SQLite file and sets no PRAGMA of its own, so SQLite's
// defaults apply: a rollback journal with synchronous=FULL, several fsyncs per COMMIT on the one queue
// every statement waits in. In write-ahead-log mode a COMMIT appends to `-wal` and fsyncs it once, and a
// committed transaction survives a SIGKILL or a power cut just the same (docs/local-durability.md).
// WAL mode is a property of the file (header bytes 18 and 19 set to 2, https://sqlite.org/fileformat2.html
// "File format version numbers"), so it is set here before the JVM opens the file.
import { closeSync, existsSync, openSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The file `-sharedDb` makes DynamoDB Local keep every table in. */
export const SHARED_DB_FILE = 'shared-local-instance.db';

const MAGIC = 'SQLite format 3\0';
const PAGE_SIZE = 4096;
/** Header offsets of the file format's write and read versions: 1 = rollback journal, 2 = WAL. */
const WRITE_VERSION = 18;
const READ_VERSION = 19;
const WAL = 2;

export type WalOutcome =
  /** No file yet: an empty database in WAL mode was written for DynamoDB Local to fill. */
  | 'created'
  /** A rollback-journal file, closed cleanly: switched to WAL. */
  | 'converted'
  | 'already'
  /** A hot rollback journal is waiting to be rolled back by SQLite: left as it is until the next start. */
  | 'deferred';

/**
 * The bytes of an empty SQLite database in WAL mode, as `sqlite3 file "PRAGMA journal_mode=WAL"` writes
 * them: the 100-byte header and page 1, the schema table's empty leaf page.
 */
export function emptyWalDatabase(): Buffer {
  const page = Buffer.alloc(PAGE_SIZE);
  page.write(MAGIC, 0, 'latin1');
  page.writeUInt16BE(PAGE_SIZE, 16);
  page[WRITE_VERSION] = WAL;
  page[READ_VERSION] = WAL;
  page[21] = 64; // maximum embedded payload fraction (fixed by the format)
  page[22] = 32; // minimum embedded payload fraction
  page[23] = 32; // leaf payload fraction
  page.writeUInt32BE(1, 24); // file change counter
  page.writeUInt32BE(1, 28); // database size in pages
  // Schema format and text encoding stay 0 ("not chosen yet"): SQLite sets them with the first table.
  page.writeUInt32BE(1, 92); // version-valid-for: the change counter the size was written with
  page.writeUInt32BE(3_040_001, 96); // the SQLite version that wrote the file (informational)
  page[100] = 0x0d; // page 1's b-tree: a table leaf …
  page.writeUInt16BE(PAGE_SIZE, 105); // … with no cells; its content area starts at the page's end
  return page;
}

/** Puts `folder`'s DynamoDB Local database in WAL mode; call it while no process has the file open. */
export function useWriteAheadLog(folder: string): WalOutcome {
  const file = join(folder, SHARED_DB_FILE);
  if (!existsSync(file) || statSync(file).size === 0) {
    writeFileSync(file, emptyWalDatabase());
    return 'created';
  }
  const fd = openSync(file, 'r+');
  try {
    const header = Buffer.alloc(100);
    if (readSync(fd, header, 0, header.length, 0) < header.length || header.toString('latin1', 0, 16) !== MAGIC) {
      throw new Error(`${file} is not an SQLite database; move it away to start with an empty one`);
    }
    if (header[WRITE_VERSION] === WAL && header[READ_VERSION] === WAL) return 'already';
    const journal = `${file}-journal`;
    if (existsSync(journal) && statSync(journal).size > 0) return 'deferred';
    writeSync(fd, Buffer.from([WAL, WAL]), 0, 2, WRITE_VERSION);
    return 'converted';
  } finally {
    closeSync(fd);
  }
}
