// Whether a process id recorded in a file (local mode's running marker, the console's build lock) is still the
// Node process that wrote it.
import { readFileSync } from 'node:fs';

/** Whether `pid` is a live Node process (a pid reused by another program after a crash is not). */
export function isNodeProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    // No /proc (macOS): a live pid is taken for the other run.
    return true;
  }
}
