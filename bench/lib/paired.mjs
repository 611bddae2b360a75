// Paired, sliced throughput (issue 17, item 1). The machine's speed drifts by 10–15 % within a
// run (other processes, the host's neighbours), and a 10-s interval per target measured minutes
// apart from bare YARP's puts that drift into the ratio: the same build measured 0.75× in one round
// and 0.91× in the next. So each round's measured time per target is cut into short slices, the
// targets take turns slice by slice (a cycle: every target once, the order reversed every other
// cycle), and each target's ratio to bare YARP is taken per cycle (its slice against bare YARP's
// slice of the same cycle, seconds apart) and summarised by the median over all cycles: a burst of
// another process spoils one cycle's ratio, not the result.

/** Slices per round: `durationSec` cut into slices of `sliceSec` (0, or ≥ the duration: one). */
export function slicesPerRound(durationSec, sliceSec) {
  if (!(sliceSec > 0) || sliceSec >= durationSec) return 1;
  return Math.max(1, Math.round(durationSec / sliceSec));
}

/** The seconds each slice measures. */
export function sliceSeconds(durationSec, sliceSec) {
  const n = slicesPerRound(durationSec, sliceSec);
  return n === 1 ? durationSec : sliceSec;
}

/** The targets' order in cycle `cycle` (0-based): as given, then reversed, alternately. */
export function cycleOrder(targets, cycle) {
  return cycle % 2 === 0 ? [...targets] : [...targets].reverse();
}

export function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * One round's figures from its slices: requests, allocation, CPU and collections summed (so the
 * rates are per request over all of them); p50 and p99 the median of the slices' (wrk reports
 * percentiles per run, which do not add up); the other processes' share weighted by time; the
 * working set as the last slice left it.
 */
export function combineSlices(slices) {
  if (slices.length === 1) return { ...slices[0], slices: 1 };
  const sum = (key) => slices.reduce((n, s) => n + (Number.isFinite(s[key]) ? s[key] : 0), 0);
  const requests = sum('requests');
  const seconds = sum('seconds');
  const weighted = (key) => slices.reduce((n, s) => n + s[key] * s.seconds, 0) / seconds;
  const last = slices.at(-1);
  return {
    round: last.round,
    slices: slices.length,
    requests,
    seconds,
    rps: requests / seconds,
    avgMs: slices.reduce((n, s) => n + s.avgMs * s.requests, 0) / requests,
    p50Ms: median(slices.map((s) => s.p50Ms)),
    p75Ms: median(slices.map((s) => s.p75Ms)),
    p90Ms: median(slices.map((s) => s.p90Ms)),
    p99Ms: median(slices.map((s) => s.p99Ms)),
    non2xx: sum('non2xx'),
    socketErrors: sum('socketErrors'),
    wrkCpuSeconds: sum('wrkCpuSeconds'),
    allocPerRequest: sum('allocatedBytes') / requests,
    allocatedBytes: sum('allocatedBytes'),
    cpuUsPerRequest: (sum('cpuMs') * 1000) / requests,
    cpuMs: sum('cpuMs'),
    kernelCpuMs: sum('kernelCpuMs'),
    workingSetBytes: last.workingSetBytes,
    peakWorkingSetBytes: Math.max(...slices.map((s) => s.peakWorkingSetBytes ?? 0)),
    gcHeapBytes: last.gcHeapBytes,
    gen0: sum('gen0'),
    gen1: sum('gen1'),
    gen2: sum('gen2'),
    gcPauseMs: sum('gcPauseMs'),
    threadPoolItems: sum('threadPoolItems'),
    lockContentions: sum('lockContentions'),
    contextSwitches: sum('contextSwitches'),
    jitCpuMs: sum('jitCpuMs'),
    warmupSec: sum('warmupSec'),
    waitedForQuietSec: sum('waitedForQuietSec'),
    machineBusyPct: weighted('machineBusyPct'),
    foreignCpuPct: weighted('foreignCpuPct'),
  };
}

/**
 * A target's slices against the floor's, cycle by cycle (the slices of both carry `cycle`): the
 * ratio of `value` (requests/s unless given) and the p99 difference of each cycle both measured
 * in, their medians and ranges. Null when no cycle has both.
 */
export function paired(slices, floorSlices, value = (s) => s.rps) {
  const floorByCycle = new Map(floorSlices.map((s) => [s.cycle, s]));
  const pairs = slices.filter((s) => floorByCycle.has(s.cycle)).map((s) => {
    const f = floorByCycle.get(s.cycle);
    return { cycle: s.cycle, ratio: value(s) / value(f), p99AddedMs: s.p99Ms - f.p99Ms };
  });
  if (!pairs.length) return null;
  const ratios = pairs.map((p) => p.ratio);
  const added = pairs.map((p) => p.p99AddedMs);
  return {
    cycles: pairs.length,
    ratio: median(ratios),
    minRatio: Math.min(...ratios),
    maxRatio: Math.max(...ratios),
    p99AddedMs: median(added),
    minP99AddedMs: Math.min(...added),
    maxP99AddedMs: Math.max(...added),
    pairs,
  };
}
