// `npm run build`: bundles every Lambda (functions/*/handler.ts) with esbuild the way the stack does
// (infra/constructs/functions.ts runs the same bundleFunction), and prints each bundle's size against the
// 300 KB budget, judged without the bundled AWS SDK (docs/ARCHITECTURE.md §12). `npm run bench` adds what each
// bundle holds and its cold init.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, type Metafile, type Plugin, build } from 'esbuild';

export const BUNDLE_BUDGET_BYTES = 300 * 1024;

export function functionNames(root = 'functions'): string[] {
  return readdirSync(root).filter((name) => existsSync(join(root, name, 'handler.ts')));
}

const inZod = (importer: string) => importer.includes(join('node_modules', 'zod'));

/**
 * zod re-exports every locale as a namespace that esbuild cannot tree-shake (≈ 250 KB
 * minified); our error messages are English, so bundles get the English locale only.
 */
export const englishZodLocales: Plugin = {
  name: 'zod-english-locales',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      inZod(args.importer) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-en' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * zod's classic API hangs JSON Schema conversion (both ways) and its ahead-of-time compiler on every schema, so
 * esbuild keeps them (≈ 60 KB) although the functions only validate. Their one user, /openapi.json, is generated
 * at build time (writeOpenApiDocument), so the functions get stand-ins that say so if ever called.
 */
const zodModulesNotRun = ['core/json-schema-processors.js', 'core/to-json-schema.js', 'core/json-schema-generator.js', 'core/compile.js', 'classic/from-json-schema.js'];

export const zodWithoutJsonSchema: Plugin = {
  name: 'zod-without-json-schema',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]zod[\\/]v4[\\/](core|classic)[\\/][\w-]+\.js$/ }, async (args) => {
      const module = zodModulesNotRun.find((name) => args.path.endsWith(join('v4', name)));
      if (!module) return undefined;
      const names = Object.keys(await import(pathToFileURL(args.path).href));
      const notHere = `function notHere() { throw new Error('zod ${module} is not bundled in the Lambda functions (scripts/build.ts): /openapi.json is built ahead of time'); }`;
      // The classic schemas build these two eagerly (e.g. for `~standard`) and call the result only on use.
      const factories = new Set(['createToJSONSchemaMethod', 'createStandardJSONSchemaMethod']);
      const exports = names.map((name) => `export const ${name} = ${factories.has(name) ? '() => notHere' : 'notHere'};`);
      return { contents: `${notHere}\n${exports.join('\n')}\n`, loader: 'js' };
    });
  },
};

/**
 * libphonenumber-js's `min` metadata, without the national formatting rules (≈ 50 of its 83 KB). The functions
 * parse numbers to E.164 and check they are possible (shared/domain/contact-points.ts), which reads the calling
 * codes, prefixes, patterns and lengths but never a format; formatting a number for display would lose its
 * national layout (the console formats in the browser with the full metadata). test/scripts/build.test.ts
 * compares both metadata on every country's example numbers.
 */
export function phoneMetadataForParsing(metadata: { countries: Record<string, unknown[]>; nonGeographic?: Record<string, unknown[]> }) {
  const withoutFormats = (plan: unknown[]) => plan.map((value, index) => (index === 4 ? [] : value));
  const each = (plans: Record<string, unknown[]>) => Object.fromEntries(Object.entries(plans).map(([code, plan]) => [code, withoutFormats(plan)]));
  return { ...metadata, countries: each(metadata.countries), ...(metadata.nonGeographic ? { nonGeographic: each(metadata.nonGeographic) } : {}) };
}

export const parsingPhoneMetadata: Plugin = {
  name: 'phone-metadata-for-parsing',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]libphonenumber-js[\\/]metadata\.min\.json\.js$/ }, (args) => {
      const metadata = JSON.parse(readFileSync(args.path.replace(/\.js$/, ''), 'utf8'));
      return { contents: `export default ${JSON.stringify(phoneMetadataForParsing(metadata))};`, loader: 'js' };
    });
  },
};

export const bundlePlugins = [englishZodLocales, zodWithoutJsonSchema, parsingPhoneMetadata];

/** The same options infra/ gives NodejsFunction, so the sizes here are the deployed ones. */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  treeShaking: true,
  // Stack traces name the sources' files and lines; the sources themselves stay out of the map, which Node
  // reads and parses at init under --enable-source-maps.
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'] as string[],
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  // The AWS SDK is bundled, not taken from the runtime: the version tested is the version run, and a minified,
  // tree-shaken SDK initialises in a fraction of the time the runtime's CommonJS copy takes (`npm run bench`).
  external: [] as string[],
  // What a function imports lazily (the SDK's credential providers beyond the environment's, say) becomes a
  // file of its own beside index.mjs, loaded only if reached.
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
} as const satisfies BuildOptions;

/** The AWS SDK and the packages only it uses: bundled in every function, left out of the size budget. */
export const sdkPackage = /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws\/lambda-invoke-store|bowser|fast-xml-parser|strnum|tslib|mnemonist|obliterator)\//;

export interface BuiltFunction {
  name: string;
  /** The JavaScript Lambda evaluates at init: index.mjs and the chunks it imports statically. */
  initBytes: number;
  /** The same without the bundled AWS SDK's code: what the 300 KB budget is judged on (the measure). */
  initBytesWithoutSdk: number;
  /** Every JavaScript file of the bundle, lazy chunks included. */
  totalBytes: number;
  metafile: Metafile;
}

/** Bundles functions/<name>/handler.ts into `outdir` (index.mjs, its chunks, source maps, assets). */
export async function bundleFunction(name: string, outdir: string, root = '.'): Promise<BuiltFunction> {
  // Chunk names change with their content: the previous build's must not linger beside the new ones.
  if (existsSync(outdir)) for (const file of readdirSync(outdir)) if (file.startsWith('chunk-')) rmSync(join(outdir, file));
  const result = await build({
    ...bundleOptions,
    plugins: bundlePlugins,
    entryPoints: [join(root, 'functions', name, 'handler.ts')],
    outdir,
    metafile: true,
    logLevel: 'warning',
  });
  if (name === 'api') await writeOpenApiDocument(join(outdir, 'openapi.json'));
  const outputs = result.metafile.outputs;
  const jsFiles = Object.keys(outputs).filter((file) => file.endsWith('.mjs'));
  const entry = jsFiles.find((file) => outputs[file]?.entryPoint?.endsWith(join('functions', name, 'handler.ts'))) as string;
  const loadedAtInit = new Set<string>();
  const visit = (file: string) => {
    if (loadedAtInit.has(file)) return;
    loadedAtInit.add(file);
    for (const imported of outputs[file]?.imports ?? []) if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path);
  };
  visit(entry);
  const size = (files: Iterable<string>) => [...files].reduce((sum, file) => sum + statSync(file).size, 0);
  // A file's bytes less what the SDK's inputs put in it (the rest is ours, our packages', and esbuild's glue).
  const sdkBytes = (file: string) =>
    Object.entries(outputs[file]?.inputs ?? {}).reduce((sum, [input, { bytesInOutput }]) => sum + (sdkPackage.test(input) ? bytesInOutput : 0), 0);
  const initBytes = size(loadedAtInit);
  const initBytesWithoutSdk = initBytes - [...loadedAtInit].reduce((sum, file) => sum + sdkBytes(file), 0);
  return { name, initBytes, initBytesWithoutSdk, totalBytes: size(jsFiles), metafile: result.metafile };
}

/**
 * /openapi.json, generated from the api's route table and zod schemas as shared/http/openapi.ts does at run
 * time, written beside the api bundle; the api function serves that file (shared/http/openapi-route.ts).
 */
export async function writeOpenApiDocument(file: string): Promise<void> {
  const { apiRoutesForDocument } = await import('./openapi-routes.ts');
  await (await import('../shared/automation/definition-schemas.ts')).loadDefinitionSchemas();
  const { openApiDocument } = await import('../shared/http/openapi.ts');
  writeFileSync(file, JSON.stringify(openApiDocument(apiRoutesForDocument(), { title: 'Stagecraft API', version: '1' })));
}

export async function buildFunctions(outRoot = 'dist'): Promise<BuiltFunction[]> {
  const built = [];
  for (const name of functionNames()) built.push(await bundleFunction(name, join(outRoot, name)));
  return built;
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`JavaScript evaluated at init without the bundled AWS SDK (budget ${kb(BUNDLE_BUDGET_BYTES)}); with it, and all files with the lazy chunks:`);
  for (const { name, initBytes, initBytesWithoutSdk, totalBytes } of await buildFunctions()) {
    const flag = initBytesWithoutSdk > BUNDLE_BUDGET_BYTES ? '  OVER BUDGET' : '';
    console.log(`${name.padEnd(24)} ${kb(initBytesWithoutSdk).padStart(10)} at init (${kb(initBytes)} with the SDK), ${kb(totalBytes).padStart(10)} in all${flag}`);
  }
}
