// CPU accounting from /proc, to tell a clean measurement from one disturbed by other work on the
// machine (a build, another test run): machine-wide busy time from /proc/stat, minus the CPU
// time of the benchmark's own processes (its children from /proc/<pid>/stat, this driver, and wrk,
// which reports its own through the shell's `times`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const ticksPerSecond = 100; // USER_HZ: 100 on every Linux ABI in use

function machineTicks() {
  if (!existsSync('/proc/stat')) return null;
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
  return { busy: user + nice + system + irq + softirq + steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/** utime + stime of one process, in ticks (0 when it is gone). */
export function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15 of the man page)
  } catch {
    return 0;
  }
}

/** A snapshot of the machine's and the given processes' CPU time. */
export function cpuSnapshot(pids) {
  return { at: performance.now(), machine: machineTicks(), mine: pids.reduce((n, pid) => n + processTicks(pid), 0) + processTicks(process.pid) };
}

/**
 * Over the interval between two snapshots: the machine's busy share and the share used by other
 * processes than the benchmark's (both in % of all cores). `extraSeconds`: CPU the benchmark used
 * in processes that are gone by the second snapshot (wrk).
 */
export function cpuInterval(before, after, extraSeconds = 0) {
  if (!before.machine || !after.machine) return { busyPct: NaN, foreignPct: NaN };
  const elapsedTicks = after.machine.total - before.machine.total;
  const busy = after.machine.busy - before.machine.busy;
  const mine = after.mine - before.mine + extraSeconds * ticksPerSecond;
  return {
    busyPct: (100 * busy) / elapsedTicks,
    foreignPct: Math.max(0, (100 * (busy - mine)) / elapsedTicks),
  };
}

export const cores = availableParallelism();

/** CPU ticks of the threads of `pid` whose name starts with `prefix` (e.g. '.NET Tiered Com', the JIT's background compiler). */
export function threadTicks(pid, prefix) {
  let ticks = 0;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (!name.startsWith(prefix)) continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        /* the thread ended */
      }
    }
  } catch {
    return NaN;
  }
  return ticks;
}

export const ticksToMs = (ticks) => ticks * (1000 / ticksPerSecond);

/** `pid` and every process below it (Apache's workers under its parent), from /proc. */
export function processTree(pid) {
  const parents = new Map();
  for (const entry of existsSync('/proc') ? readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!parents.has(ppid)) parents.set(ppid, []);
      parents.get(ppid).push(Number(entry));
    } catch {
      /* the process ended */
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]) ?? []));
  return tree;
}

/** CPU ticks per process of `pids` (a Map), to subtract two of them process by process. */
export function ticksByPid(pids) {
  return new Map(pids.map((pid) => [pid, processTicks(pid)]));
}

/** CPU ticks used between two `ticksByPid` maps: a process absent before counts from 0, one gone after is not counted (a fixed pool has neither). */
export function ticksBetween(before, after) {
  let ticks = 0;
  for (const [pid, t] of after) ticks += Math.max(0, t - (before.get(pid) ?? 0));
  return ticks;
}
