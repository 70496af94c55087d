// `npm run build`: bundles every Lambda (functions/*/handler.ts) with esbuild the
// way the stack does, and prints each bundle's size against the 300 KB budget.
import { readdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Plugin, build } from 'esbuild';

export const BUNDLE_BUDGET_BYTES = 300 * 1024;

export function functionNames(root = 'functions'): string[] {
  return readdirSync(root).filter((name) => existsSync(join(root, name, 'handler.ts')));
}

/**
 * zod re-exports every locale as a namespace that esbuild cannot tree-shake (≈ 250 KB
 * minified); our error messages are English, so bundles get the English locale only.
 */
export const englishZodLocales: Plugin = {
  name: 'zod-english-locales',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${join('node_modules', 'zod')}`) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-en' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

/** The same options infra/ gives NodejsFunction, so the sizes here are the deployed ones. */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'] as string[],
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  // The Lambda Node.js 22 runtime ships AWS SDK v3 (the CDK default for NodejsFunction, too).
  external: ['@aws-sdk/*'] as string[],
} as const;

export async function buildFunctions(outRoot = 'dist'): Promise<Array<{ name: string; bytes: number }>> {
  const sizes = [];
  for (const name of functionNames()) {
    const outfile = join(outRoot, name, 'index.mjs');
    await build({ ...bundleOptions, plugins: [englishZodLocales], entryPoints: [join('functions', name, 'handler.ts')], outfile, logLevel: 'warning' });
    sizes.push({ name, bytes: statSync(outfile).size });
  }
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await buildFunctions();
  for (const { name, bytes } of sizes) {
    const flag = bytes > BUNDLE_BUDGET_BYTES ? '  OVER BUDGET' : '';
    console.log(`${name.padEnd(24)} ${(bytes / 1024).toFixed(1).padStart(8)} KB${flag}`);
  }
}
