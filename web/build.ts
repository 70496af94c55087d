// How the console is built, for `npm start` (build when missing or stale, so the first start
// after `npm install` needs no third command) and for the Console construct's asset. Always in a
// process of its own: Vite's bundler is a native addon whose allocator keeps what it took (~400 MB
// of transparent huge pages on Linux) for the life of the process that loaded it, and local mode's
// process lives for hours.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNodeProcess } from '#infra/local/processes.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
export const webRoot = join(root, 'web');
export const consoleDist = join(webRoot, 'dist');
const stamp = join(consoleDist, '.vite', 'manifest.json');
/**
 * What the bundle is made of: a change to any of these makes the build stale. The console imports shared code from
 * several folders (the automation schema, templates, domain, store types), and those import others: all of `shared`.
 */
const sources = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'shared', 'package-lock.json'];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestChange(join(path, entry))), stats.mtimeMs);
}

export function consoleBuildIsStale(): boolean {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return sources.some((source) => newestChange(join(root, source)) > built);
}

/** The command that builds the console with the project's Vite; undefined when Vite is not installed. */
function viteBuild(): string[] | undefined {
  try {
    const viteBin = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
    return [viteBin, 'build', webRoot, '--logLevel', 'warn'];
  } catch {
    return undefined;
  }
}

export interface FileLockOptions {
  /** @default 200 */
  pollMs?: number;
  /** A lock older than this is taken over whoever holds it (a process id reused after a reboot). @default 10 min */
  staleAfterMs?: number;
  /** Told once when the lock is held by another process and this one waits. */
  onWait?: (holder: number) => void;
}

/**
 * Runs `work` while holding `lockFile` (created exclusively, holding this process's id): other processes wait
 * for it, so two builds never write one folder at once (test files in parallel workers, two starts). A lock whose
 * process has ended, or older than `staleAfterMs`, is taken over.
 */
export async function withFileLock<T>(lockFile: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const { pollMs = 200, staleAfterMs = 10 * 60_000, onWait } = options;
  let told = false;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = Number.NaN;
    let ageMs = 0;
    try {
      holder = Number(readFileSync(lockFile, 'utf8'));
      ageMs = Date.now() - statSync(lockFile).mtimeMs;
    } catch {
      continue; // Released meanwhile: try again at once.
    }
    // An empty file is a lock being written this instant: wait for it like any other.
    const ended = Number.isInteger(holder) && holder > 0 && !isNodeProcess(holder);
    if (ended || ageMs > staleAfterMs) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (!told) onWait?.(holder);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

export async function ensureConsoleBuilt(log: (line: string) => void): Promise<void> {
  if (!consoleBuildIsStale()) return;
  // Another process may be building it: wait for it, and build only if it is still stale then.
  await withFileLock(
    join(webRoot, '.console-build.lock'),
    async () => {
      if (consoleBuildIsStale()) await buildConsole(log);
    },
    { onWait: (holder) => log(`Waiting for the console build of another process (${holder}) …`) },
  );
}

async function buildConsole(log: (line: string) => void): Promise<void> {
  const command = viteBuild();
  if (!command) {
    log(existsSync(stamp) ? 'The console sources changed but vite is not installed: serving the previous build.' : 'The console is not built and vite is not installed (npm install installs it).');
    return;
  }
  log('Building the console (web/) …');
  const child = spawn(process.execPath, command, { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    log(existsSync(stamp) ? 'The console build failed (above): serving the previous build.' : 'The console build failed (above): the console is not available, the API is.');
  }
}

/** For CDK's synchronous local bundling: the current build copied, or a fresh one built, into `outDir`. */
export function buildConsoleInto(outDir: string): void {
  if (consoleBuildIsStale()) {
    const command = viteBuild();
    if (!command) throw new Error('The console is not built and vite is not installed (npm install installs it).');
    execFileSync(process.execPath, command, { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  cpSync(consoleDist, outDir, { recursive: true, filter: (source) => !source.includes(`${join(consoleDist, '.vite')}`) });
}
