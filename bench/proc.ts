// CPU time and memory of a process and everything it started (local mode's node and its
// JVM), read from /proc: counts, not wall-clock, so other load on the machine skews them less.
import { Agent } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** `root` and its descendants, by walking every process's parent id. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** User + system CPU seconds the processes have used so far. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // Fields 14 and 15 of stat (utime, stime); index 11 and 12 after the command name.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone: its time is lost, as it is for any ended process.
    }
  }
  return ticks / ticksPerSecond;
}

/** Resident memory of the processes, in bytes. */
export function rssBytes(pids: number[]): number {
  return rssParts(pids).reduce((sum, part) => sum + part.rss, 0);
}

/** Each process's resident memory and what it is made of (anonymous, file-backed, shared), to name who grew. */
export function rssParts(pids: number[]): { pid: number; name: string; rss: number; anon: number; file: number; shmem: number }[] {
  return pids.flatMap((pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;
      const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?';
      return [{ pid, name, rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') }];
    } catch {
      return [];
    }
  });
}

/** The machine's busy and total CPU ticks so far (/proc/stat, all cores). */
export function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = fields[3]! + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** TCP connections node's http agents (the SDK clients') opened since `countConnections` was called: keep-alive reuses them. */
export function countConnections(): () => number {
  let opened = 0;
  const createConnection = Agent.prototype.createConnection;
  Agent.prototype.createConnection = function (this: Agent, ...args: Parameters<Agent['createConnection']>) {
    opened++;
    return createConnection.apply(this, args);
  } as Agent['createConnection'];
  return () => opened;
}
