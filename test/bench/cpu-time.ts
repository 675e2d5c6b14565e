// CPU time of the server processes and their PostgreSQL backends, read from /proc.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system, all threads) of a process, from /proc; undefined where
 * there is no /proc or the process is gone. CPU per token is steadier than req/s on a
 * machine that other work shares.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS : undefined;
}

/** The live child processes of `pid` (a keymint primary's workers, with WORKER_PROCESSES). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    if (Number(statFields(Number(entry))?.[1]) === pid) out.push(Number(entry));
  }
  return out;
}

/** A server's CPU seconds with its child processes' (workers live through a run). */
export function treeCpuSeconds(pid: number | undefined): number | undefined {
  const own = cpuSeconds(pid);
  if (pid === undefined || own === undefined) return own;
  return own + (sumCpu(childPids(pid)) ?? 0);
}

/** The sum over `pids`, or undefined when any of them cannot be read. */
export function sumCpu(pids: number[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    const s = cpuSeconds(pid);
    if (s === undefined) return undefined;
    total += s;
  }
  return total;
}
