// `node --import tsx infra/constructs/bundle.ts <function name> <outdir>`: bundles one function with
// scripts/build.ts's options, plugins and assets (the api's openapi.json). StagecraftFunction runs it after
// NodejsFunction's own esbuild step, whose command line cannot load plugins (see functions.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFunction } from '../../scripts/build.ts';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

if (import.meta.url === `file://${process.argv[1]}`) {
  const [name, outdir] = process.argv.slice(2);
  if (!name || !outdir) {
    console.error('usage: node --import tsx infra/constructs/bundle.ts <function name> <outdir>');
    process.exit(2);
  }
  await bundleFunction(name, outdir, projectRoot);
}
