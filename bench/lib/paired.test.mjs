// `node --test bench/lib/`: the paired, sliced throughput's arithmetic (lib/paired.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineSlices, cycleOrder, median, paired, sliceSeconds, slicesPerRound } from './paired.mjs';

const slice = (cycle, rps, p99Ms, extra = {}) => ({
  round: 1,
  cycle,
  requests: rps * 2,
  seconds: 2,
  rps,
  avgMs: 2,
  p50Ms: 2,
  p75Ms: 3,
  p90Ms: 4,
  p99Ms,
  non2xx: 0,
  socketErrors: 0,
  wrkCpuSeconds: 1,
  allocatedBytes: rps * 2 * 6000,
  cpuMs: (rps * 2 * 80) / 1000,
  workingSetBytes: 100,
  peakWorkingSetBytes: 120,
  gcHeapBytes: 50,
  gen0: 3,
  gen1: 0,
  gen2: 0,
  gcPauseMs: 2,
  jitCpuMs: 0,
  warmupSec: 0,
  waitedForQuietSec: 0,
  machineBusyPct: 100,
  foreignCpuPct: 5,
  ...extra,
});

test('a round is cut into slices of the given seconds, or left whole', () => {
  assert.equal(slicesPerRound(10, 2), 5);
  assert.equal(sliceSeconds(10, 2), 2);
  assert.equal(slicesPerRound(10, 0), 1);
  assert.equal(sliceSeconds(10, 0), 10);
  assert.equal(slicesPerRound(10, 10), 1);
  assert.equal(slicesPerRound(10, 15), 1);
  assert.equal(slicesPerRound(10, 3), 3);
});

test('the order is reversed every other cycle', () => {
  assert.deepEqual(cycleOrder(['yarp', 'a', 'b'], 0), ['yarp', 'a', 'b']);
  assert.deepEqual(cycleOrder(['yarp', 'a', 'b'], 1), ['b', 'a', 'yarp']);
  assert.deepEqual(cycleOrder(['yarp', 'a', 'b'], 2), ['yarp', 'a', 'b']);
});

test('the median of an even count is the mean of the middle two; non-numbers are left out', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([NaN, 5]), 5);
  assert.ok(Number.isNaN(median([])));
});

test('a round sums its slices: requests/s and per-request figures over all of them, p99 the median', () => {
  const r = combineSlices([slice(0, 1000, 5), slice(1, 3000, 9), slice(2, 2000, 7, { foreignCpuPct: 20 })]);
  assert.equal(r.slices, 3);
  assert.equal(r.requests, 12000);
  assert.equal(r.seconds, 6);
  assert.equal(r.rps, 2000);
  assert.equal(r.p99Ms, 7);
  assert.equal(r.allocPerRequest, 6000);
  assert.ok(Math.abs(r.cpuUsPerRequest - 80) < 1e-9);
  assert.equal(r.gen0, 9);
  assert.equal(r.gcPauseMs, 6);
  assert.equal(r.foreignCpuPct, 10);
  assert.equal(r.peakWorkingSetBytes, 120);
});

test('a target is compared with bare YARP cycle by cycle: one disturbed cycle does not move the median', () => {
  const floor = [slice(0, 10000, 5), slice(1, 10000, 5), slice(2, 4000, 30), slice(3, 10000, 5), slice(4, 10000, 5)];
  // The BFF at 0.9× in every cycle; in cycle 2 another process took the machine from bare YARP only.
  const bff = [slice(0, 9000, 5.5), slice(1, 9000, 5.5), slice(2, 9000, 6), slice(3, 9000, 5.5), slice(4, 9000, 5.5)];
  const p = paired(bff, floor);
  assert.equal(p.cycles, 5);
  assert.ok(Math.abs(p.ratio - 0.9) < 1e-9);
  assert.ok(Math.abs(p.maxRatio - 2.25) < 1e-9);
  assert.ok(Math.abs(p.p99AddedMs - 0.5) < 1e-9);
  assert.equal(p.minP99AddedMs, -24);
});

test('only cycles both were measured in are paired', () => {
  const p = paired([slice(0, 9000, 5), slice(1, 8000, 5)], [slice(1, 10000, 5), slice(2, 10000, 5)]);
  assert.equal(p.cycles, 1);
  assert.ok(Math.abs(p.ratio - 0.8) < 1e-9);
  assert.equal(paired([slice(0, 9000, 5)], [slice(3, 10000, 5)]), null);
});

test('another figure than requests/s is compared the same way when its value is given', () => {
  const p = paired([slice(0, 9000, 5, { cpuUsPerRequest: 90 })], [slice(0, 10000, 5, { cpuUsPerRequest: 80 })], (s) => s.cpuUsPerRequest);
  assert.ok(Math.abs(p.ratio - 1.125) < 1e-9);
});
