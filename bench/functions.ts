// The functions' budgets (docs/ARCHITECTURE.md §12): each bundle's JavaScript evaluated at init ≤ 300 KB minified
// without the bundled AWS SDK (shown beside with it), what it is made of, and its cold init ≤ 100 ms, measured the
// way Lambda loads it.
// `npm run bench` prints this section; `npx tsx bench/functions.ts` prints only it.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_BUDGET_BYTES, type BuiltFunction, buildFunctions, kb, sdkPackage } from '../scripts/build.ts';

export const COLD_INIT_BUDGET_MS = 100;
const RUNS = Number(process.env.BENCH_INIT_RUNS ?? 7);

/**
 * What a deployed function finds in its environment: the variables the stack sets (placeholders; nothing is
 * called at init), the ones Lambda's Node.js runtime sets, and StagecraftFunction's NODE_OPTIONS.
 */
function lambdaEnvironment(name: string): NodeJS.ProcessEnv {
  const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:000000000000:${resource}`;
  return {
    PATH: process.env.PATH,
    // Lambda's runtime
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: `stagecraft-bench-${name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_ACCESS_KEY_ID: 'ASIABENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    LAMBDA_TASK_ROOT: resolve('dist', name),
    TZ: ':UTC',
    // StagecraftFunction
    POWERTOOLS_SERVICE_NAME: name,
    NODE_OPTIONS: '--enable-source-maps',
    // the stack's configuration (infra/constructs/*)
    TABLE_NAME: 'stagecraft-bench',
    EVENT_BUS_NAME: 'stagecraft-bench',
    STAGE: 'bench',
    PARTITION: 'aws',
    ACCOUNT_ID: '000000000000',
    AUTOMATION_NAME_PREFIX: 'stagecraft-bench-auto-',
    EVENT_PATTERN_MAX_LENGTH: '2048',
    USER_POOL_ID: 'us-east-1_bench',
    USER_POOL_CLIENT_ID: 'bench',
    MAIL_FROM: 'bench@example.com',
    DOCUMENT_LINK_BASE: 'https://bench.example.com',
    EXECUTION_ROLE_ARN: arn('iam', 'role/bench'),
    EVENTS_ROLE_ARN: arn('iam', 'role/bench'),
    RULES_DLQ_ARN: arn('sqs', 'bench'),
    RUN_ACTION_FUNCTION_ARN: arn('lambda', 'function:bench'),
  };
}

/**
 * Cold init: a fresh Node process with the function's environment imports its index.mjs, as Lambda's init phase
 * does, timed from the import to a handler in hand (not Node's own start). CPU time is what a loaded shared
 * machine measures reliably; wall time is shown beside it.
 */
export function coldInit(name: string, runs = RUNS): { cpuMs: number; wallMs: number } | { error: string } {
  const url = pathToFileURL(resolve('dist', name, 'index.mjs')).href;
  const script =
    `const cpu=process.cpuUsage();const t=performance.now();const m=await import(${JSON.stringify(url)});` +
    `if(typeof m.handler!=='function')throw new Error('no handler');const c=process.cpuUsage(cpu);` +
    'console.log(JSON.stringify({wallMs:performance.now()-t,cpuMs:(c.user+c.system)/1000}))';
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let run = 0; run < runs; run++) {
    try {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: lambdaEnvironment(name), cwd: join('dist', name), stdio: ['ignore', 'pipe', 'pipe'] });
      const figures = JSON.parse(out.toString().trim().split('\n').pop() as string) as { cpuMs: number; wallMs: number };
      cpu.push(figures.cpuMs);
      wall.push(figures.wallMs);
    } catch (error) {
      return { error: String((error as { stderr?: Buffer }).stderr ?? error).split('\n').find((line) => /Error/.test(line)) ?? 'failed' };
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return { cpuMs: median(cpu), wallMs: median(wall) };
}

/**
 * Why the SDK counts in the size: loading the runtime's own copy instead (CommonJS, unminified; here the same
 * packages from node_modules) for the DynamoDB clients every function uses, in a fresh process with Lambda's
 * NODE_OPTIONS, CPU time, median of `runs`.
 */
export function runtimeSdkInit(runs = RUNS): number {
  const script =
    "const cpu=process.cpuUsage();require('@aws-sdk/client-dynamodb');require('@aws-sdk/lib-dynamodb');" +
    'const c=process.cpuUsage(cpu);console.log((c.user+c.system)/1000)';
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    const out = execFileSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, NODE_OPTIONS: '--enable-source-maps' }, stdio: ['ignore', 'pipe', 'ignore'] });
    cpu.push(Number(out.toString().trim().split('\n').pop()));
  }
  return cpu.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

/** An output file and what it imports statically: what evaluating it evaluates. */
function staticClosure(built: BuiltFunction, file: string): Set<string> {
  const { outputs } = built.metafile;
  const files = new Set<string>();
  const visit = (next: string) => {
    if (files.has(next)) return;
    files.add(next);
    for (const imported of outputs[next]?.imports ?? []) if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path);
  };
  visit(file);
  return files;
}

/** The output files Lambda evaluates at init: index.mjs and what it imports statically. */
function filesAtInit(built: BuiltFunction): Set<string> {
  const { outputs } = built.metafile;
  return staticClosure(built, Object.keys(outputs).find((file) => outputs[file]?.entryPoint?.endsWith(join('functions', built.name, 'handler.ts'))) as string);
}

/** Bytes of some output files by package (our own code by top folder), largest first; the SDK and its helpers as one. */
function partsOf(built: BuiltFunction, files: Iterable<string>): Array<{ part: string; bytes: number }> {
  const parts = new Map<string, number>();
  for (const file of files) {
    for (const [input, { bytesInOutput }] of Object.entries(built.metafile.outputs[file]?.inputs ?? {})) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const part = sdkPackage.test(input) ? 'AWS SDK' : pkg ? (pkg.startsWith('@aws-lambda-powertools') ? 'powertools' : pkg) : input.split('/').slice(0, 2).join('/');
      parts.set(part, (parts.get(part) ?? 0) + bytesInOutput);
    }
  }
  return [...parts].map(([part, bytes]) => ({ part, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Bytes at init by package (our own code by top folder), largest first; the SDK and its helpers as one. */
export function partsAtInit(built: BuiltFunction): Array<{ part: string; bytes: number }> {
  return partsOf(built, filesAtInit(built));
}

/**
 * What the first call that reaches a lazy import() of ours pays (Liquid for the first action with templates, say):
 * the CPU time to load the imported chunk and the chunks it imports, in a fresh process that has evaluated
 * index.mjs first, median of `runs`. The SDK's (credential providers Lambda's environment never reaches) and
 * imports under 8 KB are left out.
 */
export function lazyChunks(built: BuiltFunction, runs = RUNS): Array<{ parts: string; bytes: number; cpuMs: number }> {
  const { outputs } = built.metafile;
  const atInit = filesAtInit(built);
  const targets = new Set(Object.values(outputs).flatMap(({ imports }) => imports.filter(({ kind }) => kind === 'dynamic-import').map(({ path }) => path)));
  const index = pathToFileURL(resolve('dist', built.name, 'index.mjs')).href;
  return [...targets].flatMap((chunk) => {
    if (atInit.has(chunk) || !outputs[chunk]) return [];
    const loaded = [...staticClosure(built, chunk)].filter((file) => !atInit.has(file));
    const parts = partsOf(built, loaded);
    const bytes = loaded.reduce((sum, file) => sum + (outputs[file]?.bytes ?? 0), 0);
    if (parts[0]?.part === 'AWS SDK' || bytes < 8 * 1024) return [];
    const script =
      `await import(${JSON.stringify(index)});const cpu=process.cpuUsage();await import(${JSON.stringify(pathToFileURL(resolve(chunk)).href)});` +
      'const c=process.cpuUsage(cpu);console.log((c.user+c.system)/1000)';
    const cpu: number[] = [];
    for (let run = 0; run < runs; run++) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: lambdaEnvironment(built.name), cwd: join('dist', built.name), stdio: ['ignore', 'pipe', 'ignore'] });
      cpu.push(Number(out.toString().trim().split('\n').pop()));
    }
    const named = parts.filter(({ bytes: partBytes }) => partBytes >= 1024).map(({ part }) => part).join(' + ') || 'small parts';
    return [{ parts: named, bytes, cpuMs: cpu.sort((a, b) => a - b)[Math.floor(runs / 2)] as number }];
  });
}

export async function functionFigures(): Promise<void> {
  console.log(
    `Function bundles (minified, as deployed): JavaScript evaluated at init without the bundled AWS SDK (budget ${kb(BUNDLE_BUDGET_BYTES)}), ` +
      `with it beside, and all files with the lazy chunks; cold init, median of ${RUNS} fresh processes with Lambda's environment (budget ${COLD_INIT_BUDGET_MS} ms CPU):`,
  );
  console.log(
    `  Size is judged without the AWS SDK (the issue's measure, taken when the SDK came from the runtime); each function still bundles its own ` +
      `minified, tree-shaken copy ("AWS SDK" below, counted in "with SDK" and in the cold init) because loading the runtime's CommonJS SDK for the ` +
      `DynamoDB clients alone takes ${runtimeSdkInit().toFixed(0)} ms CPU here. Lazy chunks (loaded by the first call that needs them) count in "in all", not at init.`,
  );
  for (const built of await buildFunctions()) {
    const init = coldInit(built.name);
    const size = `${kb(built.initBytesWithoutSdk).padStart(9)} ${built.initBytesWithoutSdk <= BUNDLE_BUDGET_BYTES ? 'ok  ' : 'MISS'} (${kb(built.initBytes)} with SDK, ${kb(built.totalBytes)} in all)`;
    const time = 'error' in init ? `init failed: ${init.error}` : `init ${init.cpuMs.toFixed(0).padStart(4)} ms CPU ${init.cpuMs <= COLD_INIT_BUDGET_MS ? 'ok  ' : 'MISS'} (${init.wallMs.toFixed(0)} ms wall)`;
    console.log(`  ${built.name.padEnd(22)} ${size.padEnd(52)} ${time}`);
    const parts = partsAtInit(built).filter(({ bytes }) => bytes >= 8 * 1024);
    console.log(`    ${parts.map(({ part, bytes }) => `${part} ${(bytes / 1024).toFixed(0)}`).join(', ')} (KB, parts ≥ 8 KB at init)`);
    for (const lazy of lazyChunks(built)) console.log(`    lazy: ${lazy.parts}, ${kb(lazy.bytes)}, +${lazy.cpuMs.toFixed(0)} ms CPU for the first call that needs it`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await functionFigures();
