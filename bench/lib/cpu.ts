/**
 * CPU time a process has used, read from /proc (Linux). Wall-clock figures on a shared machine
 * move with whatever else runs; CPU time per operation is what the process itself spent, so it
 * is the steadier measure of a code change and says how many operations one core could serve.
 */
import { readFile } from 'node:fs/promises';

/** Clock ticks per second as the kernel reports /proc times; 100 on every Linux we run. */
const TICKS_PER_SECOND = 100;

/** utime + stime of `pid` in ms, or undefined where /proc is not there. */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** Measures the CPU `pid` spends while `work` runs. */
export async function cpuDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpuMs: number | undefined }> {
  const before = await processCpuMs(pid);
  const result = await work();
  const after = await processCpuMs(pid);
  return { result, cpuMs: before === undefined || after === undefined ? undefined : after - before };
}
