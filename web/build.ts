// How the console is built, for `npm start` (build when missing or stale, so the first start
// after `npm install` needs no third command) and for the Console construct's asset.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const webRoot = join(root, 'web');
export const consoleDist = join(webRoot, 'dist');
const stamp = join(consoleDist, '.vite', 'manifest.json');
/** What the bundle is made of: a change to any of these makes the build stale. */
const sources = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'shared/domain', 'package-lock.json'];

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

export async function ensureConsoleBuilt(log: (line: string) => void): Promise<void> {
  if (!consoleBuildIsStale()) return;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log(existsSync(stamp) ? 'The console sources changed but vite is not installed: serving the previous build.' : 'The console is not built and vite is not installed (npm install installs it).');
    return;
  }
  log('Building the console (web/) …');
  await vite.build({ configFile: join(webRoot, 'vite.config.ts'), logLevel: 'warn' });
}

/** For CDK's synchronous local bundling: the current build copied, or a fresh one built, into `outDir`. */
export function buildConsoleInto(outDir: string): void {
  if (consoleBuildIsStale()) {
    const viteBin = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
    execFileSync(process.execPath, [viteBin, 'build', webRoot, '--logLevel', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  cpSync(consoleDist, outDir, { recursive: true, filter: (source) => !source.includes(`${join(consoleDist, '.vite')}`) });
}
