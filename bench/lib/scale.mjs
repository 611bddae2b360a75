// `npm run bench -- --scale [LIST]`: the cost of a proxied request when the requests are spread
// over 1, 1,000, 10,000 and 100,000 sessions (issue 17, item 2), for every store.
//
// Per store: the real BFF host, one real code-flow login through the dev IdP, then sessions signed
// in through the real cookie handler and ticket store (POST /__bench/cookies: each a copy of the
// login's ticket with a subject and sid of its own) up to each count in turn. wrk then drives
// GET /api/data with a Lua script that gives every request the next session cookie in the list,
// each thread starting at another point of it: a round robin over all the sessions, so with more
// sessions than a cache holds every request misses it (the worst case for bounded caches, not a
// typical traffic mix). Bare YARP runs the same script, before and after each store, as the floor.
// Also per store and count: the cache-miss path alone (POST /__bench/misses: a session out of the
// decrypted-ticket cache, read from the store itself and decrypted), in microseconds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getJson, login, send } from './http.mjs';
import { apiPath, bffArgs, cookieName, host, idpArgs, quietAspNet, reverseProxyArgs, startBff, startRedis } from './hosts.mjs';
import { cpuInterval, cpuSnapshot, threadTicks, ticksToMs } from './cpu.mjs';
import { runningChildren, stopAll } from './processes.mjs';
import { wrk } from './wrk.mjs';
import { fmt, table } from './report.mjs';
import { cycleOrder, paired } from './paired.mjs';

export const defaultScaleCounts = [1, 1_000, 10_000, 100_000];
const signInBatch = 5_000;

/** The wrk script: the session cookies of `cookiesFile`, one per request, in turn. */
export function luaScript(cookiesFile) {
  return `-- written by bench/lib/scale.mjs
local cookies = {}
for line in io.lines(${JSON.stringify(cookiesFile)}) do cookies[#cookies + 1] = line end
local threads = 0
function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end
local i = 0
local used = #cookies
-- args: the offset to start at (default 0), the number of threads (default 2) and how many of the
-- cookies to use (default all); thread k starts at offset + k * used / threads, so the threads
-- share out the list.
function init(args)
  local offset = tonumber(args[1]) or 0
  local count = tonumber(args[2]) or 2
  used = math.min(tonumber(args[3]) or #cookies, #cookies)
  i = offset + math.floor((first or 0) * used / count)
end
function request()
  i = i + 1
  return wrk.format("GET", nil, { ["Cookie"] = cookies[(i % used) + 1], ["X-CSRF"] = "1" })
end
`;
}

/**
 * Signs sessions in through the BFF's `POST /__bench/cookies` (copies of the login whose cookie is
 * `cookieHeader`), in batches, from `signedIn` up to `count`, their cookies appended to
 * `cookiesFile`; answers the new total and the sign-in time in µs.
 */
export async function signInSessions(url, { cookieHeader, cookiesFile, signedIn, count }) {
  let us = 0;
  while (signedIn < count) {
    const batch = Math.min(signInBatch, count - signedIn);
    const answer = await getJson(`${url}/__bench/cookies?count=${batch}&file=${encodeURIComponent(cookiesFile)}`, { method: 'POST', headers: { cookie: cookieHeader }, timeoutMs: 300_000 });
    us += answer.signInMicrosecondsPerSession * batch;
    signedIn = answer.sessions;
  }
  return { signedIn, us };
}

/** The sampled allocations, in all and by type, in bytes per request at the measured rate. */
async function allocationsPerRequest(sample, rps) {
  const { seconds, sampledBytes, types } = await sample;
  return {
    bytesPerRequest: sampledBytes / (rps * seconds),
    byType: types.map((t) => ({ type: t.type, bytesPerRequest: Math.round(t.bytes / (rps * seconds)) })),
  };
}

async function stats(url) {
  return getJson(`${url}/__bench/stats`);
}

/**
 * The first measurement of a process: wrk at 4 connections in 1-second steps until its JIT's
 * background compiler is done (under 50 ms in a step) or 15 s, as the main run's warm-up does.
 */
async function warmUpJit(child, url, script) {
  for (let seconds = 0; seconds < 15; seconds++) {
    const before = threadTicks(child.pid, '.NET Tiered Com');
    await wrk(`${url}${apiPath}`, { threads: 1, connections: 4, durationSec: 1, script });
    if (seconds >= 2 && !(ticksToMs(threadTicks(child.pid, '.NET Tiered Com') - before) >= 50)) return;
  }
}

/**
 * wrk with the script: a warm-up, then `durationSec` measured; CPU per request from the process's
 * own counters. The warm-up lasts at least 2 s and until every session was used once (at most
 * 60 s; each 2-s run goes on where the last stopped), so that caches large enough for all of them
 * are measured holding them (signing in does not fill the cookie cache) rather than on each
 * session's first request.
 */
async function measure(url, script, o, label, say, sessions = 1, bff = false, used = undefined) {
  let offset = 0; // each thread's position past its own start
  const share = Math.ceil(sessions / o.threads);
  const scriptArgs = (start) => (used === undefined ? [start, o.threads] : [start, o.threads, used]);
  for (let seconds = 0; seconds < 60 && (seconds < 2 || offset < share); seconds += 2) {
    const run = await wrk(`${url}${apiPath}`, { threads: o.threads, connections: o.connections, durationSec: 2, script, scriptArgs: scriptArgs(offset) });
    offset += Math.floor(run.requests / o.threads);
  }
  if (offset < share) say(`  ${label}: the warm-up used ${fmt.int(offset * o.threads)} of ${fmt.int(sessions)} sessions in 60 s`);
  // --settle: full blocking compacting collections before measuring (the BFF's /__bench/heap), so
  // that what the warm-up just created is in gen 2, as in a process that has run for hours,
  // rather than being promoted by the collections of the measured interval.
  if (o.settle && bff) await getJson(`${url}/__bench/heap`, { timeoutMs: 120_000 });
  const before = await stats(url);
  const cpuBefore = cpuSnapshot(runningChildren().map((c) => c.pid));
  // The BFF's allocations by type meanwhile (the runtime's sampling, in the JSON results only).
  const allocations = bff ? getJson(`${url}/__bench/allocations?seconds=${Math.max(1, o.durationSec - 1)}`) : null;
  const result = await wrk(`${url}${apiPath}`, { threads: o.threads, connections: o.connections, durationSec: o.durationSec, script, scriptArgs: scriptArgs(0) });
  const cpu = cpuInterval(cpuBefore, cpuSnapshot(runningChildren().map((c) => c.pid)), result.wrkCpuSeconds);
  const after = await stats(url);
  if (result.non2xx > 0) {
    throw new Error(`${label}: ${result.non2xx} non-2xx answers out of ${result.requests} requests`);
  }
  // Socket errors are wrk's timeouts (5 s) on an overloaded machine: reported, not fatal.
  if (result.socketErrors > 0) say(`  ${label}: ${result.socketErrors} socket errors (timeouts) out of ${result.requests} requests`);
  const r = {
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuUsPerRequest: ((after.cpuMs - before.cpuMs) * 1000) / result.requests,
    allocPerRequest: (after.allocatedBytes - before.allocatedBytes) / result.requests,
    workingSetBytes: after.workingSetBytes,
    foreignCpuPct: cpu.foreignPct,
    socketErrors: result.socketErrors,
    gen0: after.gen0 - before.gen0,
    gen1: after.gen1 - before.gen1,
    gen2: after.gen2 - before.gen2,
    gcPausePct: (100 * (after.gcPauseMs - before.gcPauseMs)) / (result.seconds * 1000),
    gcPauseMsPerCollection: (after.gcPauseMs - before.gcPauseMs) / Math.max(1, after.gen0 - before.gen0),
  };
  if (allocations) {
    const sampled = await allocationsPerRequest(allocations, result.rps);
    r.allocationsByType = sampled.byType;
    // GC.GetTotalAllocatedBytes sums only the GC heaps active when it is read: when DATAS takes one
    // away or adds one during the interval, the difference is off by that heap's total, even
    // negative (dotnet/runtime#131069). The allocation samples' sum is then the figure.
    if (!(Math.abs(r.allocPerRequest - sampled.bytesPerRequest) <= 0.1 * sampled.bytesPerRequest)) {
      r.allocCounterPerRequest = r.allocPerRequest;
      r.allocPerRequest = sampled.bytesPerRequest;
      r.allocSampled = true;
    }
  }
  say(`  ${label}: ${fmt.int(r.rps)} req/s, p50 ${fmt.ms(r.p50Ms)}, p99 ${fmt.ms(r.p99Ms)}, ${fmt.us(r.cpuUsPerRequest)} CPU/req, ${r.allocSampled ? '≈' : ''}${fmt.bytes(r.allocPerRequest)}/req${r.allocSampled ? ` (sampled: the allocation counter said ${fmt.bytes(r.allocCounterPerRequest)} as a GC heap came or went)` : ''}; GC paused ${r.gcPausePct.toFixed(1)} % of the time (${r.gen0} collections: ${r.gen1} gen1, ${r.gen2} gen2; ${fmt.ms(r.gcPauseMsPerCollection)} each); other processes used ${r.foreignCpuPct.toFixed(0)} % of the machine`);
  return r;
}

/**
 * Item 2's question, measured seconds apart (lib/paired.mjs): `--scale-cycles` cycles of two
 * slices of `--slice` seconds each (at least 1), the traffic spread over all `held` sessions in
 * one and on one of them in the other (the order reversed every other cycle), the spread slice
 * going on through the sessions where the last one stopped. Answers the spread slices' requests/s
 * and CPU per request against the held ones', cycle by cycle: their medians and ranges.
 */
async function spreadAgainstHeld(url, script, o, held, say, store) {
  const sliceSec = Math.max(1, o.sliceSec || 2);
  say(`${store}: ${o.scaleCycles} cycles of ${sliceSec} s spread over ${fmt.int(held)} sessions against ${sliceSec} s on one of them`);
  const slices = { spread: [], held: [] };
  let offset = 0;
  for (let cycle = 0; cycle < o.scaleCycles; cycle++) {
    for (const kind of cycleOrder(['spread', 'held'], cycle)) {
      const before = await stats(url);
      const scriptArgs = kind === 'spread' ? [offset, o.threads, held] : [0, o.threads, 1];
      const run = await wrk(`${url}${apiPath}`, { threads: o.threads, connections: o.connections, durationSec: sliceSec, script, scriptArgs });
      const after = await stats(url);
      if (run.non2xx > 0) throw new Error(`${store}: ${run.non2xx} non-2xx answers out of ${run.requests} requests`);
      if (kind === 'spread') offset += Math.floor(run.requests / o.threads);
      slices[kind].push({ cycle, rps: run.rps, p99Ms: run.p99Ms, cpuUsPerRequest: ((after.cpuMs - before.cpuMs) * 1000) / run.requests });
    }
  }
  const rps = paired(slices.spread, slices.held);
  const cpu = paired(slices.spread, slices.held, (x) => x.cpuUsPerRequest);
  const result = {
    cycles: rps.cycles,
    sliceSec,
    rpsRatio: rps.ratio,
    minRpsRatio: rps.minRatio,
    maxRpsRatio: rps.maxRatio,
    cpuRatio: cpu.ratio,
    minCpuRatio: cpu.minRatio,
    maxCpuRatio: cpu.maxRatio,
    p99AddedMs: rps.p99AddedMs,
    slices,
  };
  say(`  spread over ${fmt.int(held)} against one of them, cycle by cycle (median of ${result.cycles}): requests/s ${fmt.ratio(result.rpsRatio)} (${fmt.ratio(result.minRpsRatio)}–${fmt.ratio(result.maxRpsRatio)}), CPU per request ${fmt.ratio(result.cpuRatio)} (${fmt.ratio(result.minCpuRatio)}–${fmt.ratio(result.maxCpuRatio)}), p99 ${fmt.signedMs(result.p99AddedMs)}`);
  return result;
}

/** Runs the scale measurement; answers the run's record (the caller writes the report). */
export async function runScale(o, { tmp, stores, redisOnPath, say }) {
  const counts = o.scale;
  say(`scale: ${counts.map(fmt.int).join(', ')} sessions, stores ${stores.join(', ')}`);
  const upstream = host('upstream', 'upstream', ['--Logging:LogLevel:Default=Warning', '--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information']);
  // Access tokens of an hour: every session is a copy of one login, with its refresh token, so a
  // run longer than the dev IdP's default 5 minutes would end in 100,000 refreshes of one token
  // (refused as reuse), not in a measurement of proxied requests.
  const idp = host('idp', 'idp', idpArgs(join(tmp, 'idp'), ['--Idp:AccessTokenLifetime=01:00:00']));
  const redis = stores.includes('Redis') && redisOnPath ? await startRedis(tmp) : null;
  const [upstreamUrl, idpUrl] = await Promise.all([upstream.listening(), idp.listening()]);
  const yarp = host('yarp', 'yarp', [...quietAspNet, ...reverseProxyArgs(upstreamUrl)]);
  const yarpUrl = await yarp.listening();

  const results = [];
  for (const store of stores) {
    if (store === 'Redis' && !redis) {
      results.push({ store, unavailable: 'redis-server not on PATH' });
      continue;
    }

    const args = bffArgs({ idpUrl, upstreamUrl, store, spaPath: tmp, redis: redis?.socket, dataPath: join(tmp, `bff-scale-${store}`), extra: ['--Logging:LogLevel:OpenBff=Warning', ...(o.cachedSessions ? [`--Bff:Session:CachedSessions=${o.cachedSessions}`] : [])] });
    const { child } = await startBff(`bff-scale-${store.toLowerCase()}`, args, { optional: false });
    const jar = await login(child.url);
    const cookieHeader = `${cookieName}=${jar.get(cookieName)}`;
    const cookiesDir = join(tmp, `scale-${store}`);
    mkdirSync(cookiesDir, { recursive: true });
    const cookiesFile = join(cookiesDir, 'cookies.txt');
    writeFileSync(cookiesFile, '');
    const script = join(cookiesDir, 'cycle.lua');
    writeFileSync(script, luaScript(cookiesFile));

    let signedIn = 0;
    const signInUpTo = async (count) => {
      const done = await signInSessions(child.url, { cookieHeader, cookiesFile, signedIn, count }).catch((error) => {
        throw new Error(`${error.message}\n${child.tail(40)}`);
      });
      signedIn = done.signedIn;
      return done.us;
    };
    await signInUpTo(counts[0]); // the script needs cookies, for bare YARP too
    say(`${store}: warming up bare YARP and the BFF until their JIT is done`);
    await warmUpJit(yarp, yarpUrl, script);
    await warmUpJit(child, child.url, script);
    say(`${store}: bare YARP with the same script (floor, before)`);
    const yarpBefore = await measure(yarpUrl, script, o, 'bare YARP', say);
    const rows = [];
    for (const count of counts) {
      const t = performance.now();
      const signInUs = await signInUpTo(count);
      const signInSec = (performance.now() - t) / 1000;
      const check = await send(`${child.url}${apiPath}`, { headers: { cookie: cookieHeader, 'x-csrf': '1' } });
      if (check.status !== 200) throw new Error(`${store}: the login's own session answered ${check.status} after ${count} sign-ins`);
      say(`${store}: ${fmt.int(count)} sessions (signed in through the cookie handler in ${fmt.sec(signInSec)})`);
      const bff = await measure(child.url, script, o, `BFF, ${fmt.int(count)} sessions`, say, count, true);
      const misses = await getJson(`${child.url}/__bench/misses?count=${Math.min(count, 2_000)}`, { method: 'POST', timeoutMs: 300_000 });
      say(`  cache-miss path (store read + decrypt): ${fmt.us(misses.microsecondsPerMiss)} per session`);
      rows.push({ sessions: count, bff, missUs: misses.microsecondsPerMiss, signInUsPerSession: signInUs / Math.max(1, count) });
    }
    const held = counts[counts.length - 1];
    if (held > 1) {
      // The largest count's sessions all still held in memory (cached, within their idle
      // lifetime), the traffic on one of them: the cost of the heap alone, without a request
      // touching another session's objects each time.
      // --rounds: the pair measured again, alternately, so that the machine's drift between
      // intervals shows rather than being read as the sessions' cost.
      for (let round = 1; round <= o.rounds; round++) {
        if (round > 1) {
          say(`${store}: ${fmt.int(held)} sessions again (round ${round})`);
          rows.push({ sessions: held, round, bff: await measure(child.url, script, o, `BFF, ${fmt.int(held)} sessions`, say, held, true) });
        }
        say(`${store}: 1 session in use, ${fmt.int(held)} held (round ${round})`);
        rows.push({ sessions: 1, held, round, bff: await measure(child.url, script, o, `BFF, 1 of ${fmt.int(held)} sessions`, say, 1, true, 1) });
      }
    }
    const flatness = held > 1 && o.scaleCycles > 0 ? await spreadAgainstHeld(child.url, script, o, held, say, store) : null;
    // The managed heap after full collections, every session still held: what the sessions in use
    // cost in memory at this count (measured last: the collections move them all to gen 2).
    const heap = await getJson(`${child.url}/__bench/heap`, { timeoutMs: 300_000 });
    say(`${store}: managed heap after full collections, ${fmt.int(held)} sessions held: ${fmt.bytes(heap.heapBytes)} (${fmt.bytes(heap.heapBytes / held)} per session), working set ${fmt.bytes(heap.workingSetBytes)}; cache entries ${JSON.stringify(heap.caches)}`);
    say(`${store}: bare YARP with the same script (floor, after)`);
    const yarpAfter = await measure(yarpUrl, script, o, 'bare YARP', say);
    const floorRps = (yarpBefore.rps + yarpAfter.rps) / 2;
    for (const row of rows) row.ratio = row.bff.rps / floorRps;
    results.push({ store, yarpBefore, yarpAfter, floorRps, rows, flatness, heapAfter: { held, heapBytes: heap.heapBytes, workingSetBytes: heap.workingSetBytes, caches: heap.caches } });
    await child.stop?.();
  }

  await stopAll();
  return { counts, results };
}

export function scaleMarkdown(scale) {
  const lines = [];
  for (const r of scale.results) {
    if (r.unavailable) {
      lines.push(`**${r.store}**: ${r.unavailable}`, '');
      continue;
    }
    lines.push(
      `**${r.store} store** (bare YARP with the same cookies: ${fmt.int(r.yarpBefore.rps)} req/s before, ${fmt.int(r.yarpAfter.rps)} after)`,
      '',
      table(
        ['sessions', 'req/s', '× bare YARP', 'p50', 'p99', 'CPU/req', 'alloc/req', 'miss path (store + decrypt)', 'BFF working set', 'GC paused (collections: all, gen1, gen2)', 'pause per collection', 'other CPU', 'timeouts'],
        r.rows.map((x) => [`${x.held ? `1 (${fmt.int(x.held)} held)` : fmt.int(x.sessions)}${x.round ? `, round ${x.round}` : ''}`, fmt.int(x.bff.rps), `${x.ratio.toFixed(2)}×`, fmt.ms(x.bff.p50Ms), fmt.ms(x.bff.p99Ms), fmt.us(x.bff.cpuUsPerRequest), `${x.bff.allocSampled ? '≈ ' : ''}${fmt.bytes(x.bff.allocPerRequest)}`, x.missUs === undefined ? '—' : fmt.us(x.missUs), fmt.bytes(x.bff.workingSetBytes), x.bff.gcPausePct === undefined ? '—' : `${x.bff.gcPausePct.toFixed(1)} % (${x.bff.gen0 ?? '—'}, ${x.bff.gen1}, ${x.bff.gen2})`, x.bff.gcPauseMsPerCollection === undefined ? '—' : fmt.ms(x.bff.gcPauseMsPerCollection), `${x.bff.foreignCpuPct.toFixed(0)} %`, fmt.int(x.bff.socketErrors ?? 0)]),
      ),
      '',
    );
    const f = r.flatness;
    if (f) {
      const held = r.rows.find((x) => x.held)?.held;
      lines.push(
        `Spread over ${fmt.int(held)} sessions against one of them in the same heap, cycle by cycle (${f.cycles} cycles of ${f.sliceSec} s + ${f.sliceSec} s, the order reversed every other cycle): requests/s **${fmt.ratio(f.rpsRatio)}** (median; ${fmt.ratio(f.minRpsRatio)}–${fmt.ratio(f.maxRpsRatio)}), CPU per request **${fmt.ratio(f.cpuRatio)}** (${fmt.ratio(f.minCpuRatio)}–${fmt.ratio(f.maxCpuRatio)}), p99 ${fmt.signedMs(f.p99AddedMs)}. A flat cost is 1.00× for both.`,
        '',
      );
    }
    if (r.heapAfter) {
      const h = r.heapAfter;
      lines.push(`Managed heap after full collections at the end, ${fmt.int(h.held)} sessions held: ${fmt.bytes(h.heapBytes)} (${fmt.bytes(h.heapBytes / h.held)} per session), working set ${fmt.bytes(h.workingSetBytes)}.`, '');
    }
  }
  return lines.join('\n');
}
