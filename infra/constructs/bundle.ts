// `node --import tsx infra/constructs/bundle.ts <entry> <outfile>`: bundles one function with
// scripts/build.ts's options and plugins. StagecraftFunction runs it after NodejsFunction's own
// esbuild step, whose command line cannot load plugins (see functions.ts).
import { build } from 'esbuild';
import { bundleOptions, englishZodLocales } from '../../scripts/build.ts';

export async function bundleFunction(entry: string, outfile: string): Promise<void> {
  await build({ ...bundleOptions, plugins: [englishZodLocales], entryPoints: [entry], outfile, logLevel: 'warning' });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [entry, outfile] = process.argv.slice(2);
  if (!entry || !outfile) {
    console.error('usage: node --import tsx infra/constructs/bundle.ts <entry> <outfile>');
    process.exit(2);
  }
  await bundleFunction(entry, outfile);
}
