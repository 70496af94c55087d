// Reads a V8 .cpuprofile (node --cpu-prof, or BENCH_TRIPS_PROFILE of bench/round-trips.ts) and prints
// where the CPU went: self time by package, then functions by self time and by total time.
// npx tsx bench/profile.ts <file.cpuprofile> [--runs N] [--top N] [--from S] [--to S] [--match TEXT] [--callers TEXT] [--timeline]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The package a script belongs to: `@scope/name` or `name` under node_modules, else the project folder. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const [first, second] = url.slice(inModules + '/node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? url);
  }
  const project = /\/(shared|infra|functions|bench|dist|test)\/(?:([^/]+)\/)?/.exec(url);
  if (project) return project[2] && !project[2].includes('.') ? `${project[1]}/${project[2]}` : project[1]!;
  return url;
}

export function summarise(profile: Profile, options: { fromS?: number; toS?: number; callers?: string } = {}) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(shared|infra|functions|bench|dist)\//, '$1/');
    return `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const packages = new Map<string, number>();
  let time = 0;
  let counted = 0;
  let idle = 0;
  const perSecond: number[] = [];
  const fromUs = (options.fromS ?? 0) * 1e6;
  const toUs = (options.toS ?? Infinity) * 1e6;
  profile.samples.forEach((sample, index) => {
    // A sample's weight is the time to the next one (the delta after it).
    time += profile.timeDeltas[index] ?? 0;
    const weight = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    if (time < fromUs || time > toUs) return;
    const node = byId.get(sample)!;
    const name = node.callFrame.functionName;
    const second = Math.floor(time / 1e6);
    if (name !== '(idle)') perSecond[second] = (perSecond[second] ?? 0) + weight;
    if (name === '(idle)') {
      idle += weight;
      return;
    }
    counted += weight;
    self.set(label(node), (self.get(label(node)) ?? 0) + weight);
    const pkg = packageOf(node.callFrame.url, name);
    packages.set(pkg, (packages.get(pkg) ?? 0) + weight);
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const key = label(byId.get(id)!);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + weight);
    }
  });
  // For --callers: the stacks (innermost first, up to 8 frames) that end in a matching function.
  const stacks = new Map<string, number>();
  if (options.callers) {
    time = 0;
    profile.samples.forEach((sample, index) => {
      time += profile.timeDeltas[index] ?? 0;
      const weight = (profile.timeDeltas[index + 1] ?? 0) / 1000;
      if (time < fromUs || time > toUs) return;
      const frames: string[] = [];
      for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) frames.push(label(byId.get(id)!));
      const at = frames.findIndex((frame) => frame.includes(options.callers!));
      if (at < 0) return;
      const key = frames.slice(at, at + Number(process.env.PROFILE_DEPTH ?? 8)).join('\n    ← ');
      stacks.set(key, (stacks.get(key) ?? 0) + weight);
    });
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { busyMs: counted, idleMs: idle, packages: sorted(packages), self: sorted(self), total: sorted(total), stacks: sorted(stacks), perSecond };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args.splice(index, 2)[1] : undefined;
  };
  const runs = Number(option('--runs') ?? 1);
  const top = Number(option('--top') ?? 25);
  const fromS = option('--from');
  const toS = option('--to');
  const match = option('--match');
  const callers = option('--callers');
  const file = args[0];
  if (!file) throw new Error('usage: bench/profile.ts <file.cpuprofile> [--runs N] [--top N] [--from S] [--to S] [--match TEXT] [--callers TEXT] [--timeline]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const summary = summarise(profile, { ...(fromS ? { fromS: Number(fromS) } : {}), ...(toS ? { toS: Number(toS) } : {}), ...(callers ? { callers } : {}) });
  const unit = runs > 1 ? 'ms per run' : 'ms';
  const show = (ms: number) => (ms / runs).toFixed(runs > 1 ? 3 : 0).padStart(9);
  const pct = (ms: number) => `${((100 * ms) / summary.busyMs).toFixed(1).padStart(5)} %`;
  if (callers) {
    for (const [stack, ms] of summary.stacks.slice(0, top)) console.log(`${show(ms)} ${pct(ms)}  ${stack}`);
    process.exit(0);
  }
  if (args.includes('--timeline')) console.log(`busy ms per second from the start: ${Array.from(summary.perSecond, (ms) => Math.round(ms ?? 0)).join(' ')}`);
  console.log(`busy ${show(summary.busyMs)} ${unit}, idle ${show(summary.idleMs)} ${unit}`);
  console.log(`\nself time by package (${unit}):`);
  for (const [name, ms] of summary.packages.slice(0, top)) console.log(`${show(ms)} ${pct(ms)}  ${name}`);
  const filter = ([name]: [string, number]) => !match || name.includes(match);
  console.log(`\nfunctions by self time (${unit}):`);
  for (const [name, ms] of summary.self.filter(filter).slice(0, top)) console.log(`${show(ms)} ${pct(ms)}  ${name}`);
  console.log(`\nfunctions by total time (${unit}):`);
  for (const [name, ms] of summary.total.filter(filter).slice(0, top)) console.log(`${show(ms)} ${pct(ms)}  ${name}`);
}
