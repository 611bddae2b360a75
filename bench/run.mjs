// `npm run bench`: the reproducible benchmark of the BFF against bare YARP (see docs/benchmarks.md).
//
// Starts on loopback, side by side: the upstream API (1 KB JSON), bare YARP in front of it, the
// real BFF host once per session store (Memory, Sqlite, and Redis when redis-server is on PATH),
// the dev IdP, and for the refresh storm a second dev IdP with 5-second access tokens and a BFF per
// store refreshing 1 s before expiry. Drives each proxy with wrk, logs in through the real code
// flow, fires the refresh storm, measures the heap per idle session, and writes
// bench/results/<timestamp>.md and .json. `npm run bench -- --micro` runs the BenchmarkDotNet
// micro-benchmarks instead, `npm run bench -- --soak MINUTES` the memory soak under login churn
// (lib/soak.mjs), `npm run bench -- --scale` the cost over many sessions (lib/scale.mjs), `npm run
// bench -- --peers` Apache mod_auth_openidc and express-openid-connect beside it (lib/peers.mjs).
// `npm run bench -- --help` lists the options.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureSystemPackages, root } from '../scripts/lib.mjs';
import { Child, installExitHandlers, killAllSync, onCleanup, runningChildren, stopAll } from './lib/processes.mjs';
import { getJson, login, percentile, pool, send, sleep } from './lib/http.mjs';
import { wrk } from './lib/wrk.mjs';
import { cpuInterval, cpuSnapshot, threadTicks, ticksToMs } from './lib/cpu.mjs';
import { apiPath, benchDir, bffArgs, build, capture, commandExists, cookieName, dll, gitCommit, host, idpArgs, machine, quietAspNet, reverseProxyArgs, startBff, startRedis } from './lib/hosts.mjs';
import { soakMarkdown, soakStore } from './lib/soak.mjs';
import { jitThread, warmLogins } from './lib/logins.mjs';
import { defaultScaleCounts, runScale, scaleMarkdown } from './lib/scale.mjs';
import { defaultSockets, runWebSockets, webSocketsMarkdown } from './lib/websockets.mjs';
import { defaultStoreSizes, runStoreSize, storeSizeMarkdown } from './lib/storesize.mjs';
import { peerSystemPackages, peersDir, peersMarkdown, peersTable, runPeers } from './lib/peers.mjs';
import { combineSlices, cycleOrder, paired, sliceSeconds, slicesPerRound } from './lib/paired.mjs';
import { fmt, markdown, throughputTable, latencyTable, loginsTable, stormTable, targetsTable } from './lib/report.mjs';

const startedAt = performance.now();
const resultsDir = join(benchDir, 'results');
const watchdogMinutes = 15;
const maxWarmupSec = 15;
const maxFullWarmupSec = 8;
const noisyPct = 10; // a measured interval in which other processes used more of the machine is flagged

const help = `npm run bench [-- options]

  --stores LIST            session stores to measure, comma separated (default: Memory,Sqlite, plus
                           Redis when redis-server is on PATH)
  --duration SEC           measured time per target and round (default 10)
  --slice SEC              cut each round's --duration into slices of SEC seconds, the targets
                           taking turns slice by slice; each target's ratio to bare YARP is the
                           median over the cycles of its slice against bare YARP's (default 2;
                           0: one interval per target and round)
  --warmup SEC             first-round warm-up at 4 connections: at least this long (default 3), then
                           until the proxy's JIT is done (at most 15 s), then at full concurrency
                           until it is done again (at least 2 s, at most 8 s); 1 s at full
                           concurrency before later rounds
  --rounds N               rounds over all targets, in alternating order (default 2)
  --threads N              wrk threads (default 2)
  --connections N          wrk connections (default 32)
  --latency-duration SEC   1-connection latency run per target (default 3; 0 skips it)
  --logins N               logins through the full code flow per store (default 50)
  --login-concurrency N    concurrent logins (default 8)
  --login-warmup N         unmeasured logins first (default 40), then rounds of 20 until the JIT
                           is done with the login path (at most 45 s); 0: no warm-up at all
  --storm N                concurrent requests of the refresh storm (default 100)
  --storm-rounds N         refresh storms per storm BFF, each round in a rotated order (default 1)
  --sessions N             idle sessions for the heap measurement (default 10000)
  --wait-for-quiet SEC     before each measured interval, wait up to SEC seconds while other
                           processes use more than 10 % of the machine (default 0: do not wait)
  --pin                    pin the proxy to CPU 0 and wrk + upstream to CPU 1 (taskset)
  --no-build               use the existing Release build
  --strict                 exit 2 when a target of the issue is missed
  --experiments            refused: no prototype of a library change is defined now (the last one,
                           aes-gcm, is the library's own data protection; see
                           Bff.Bench/Hosts/BenchExperiments.cs)
  --experiment STORE:NAMES the BFF on STORE with the prototypes NAMES (joined by +) measured beside
                           the real one, its refresh storms too (repeatable; e.g. Redis:fusioncache)
  --soak MINUTES           memory under login churn instead (issue 15, item 7): for MINUTES per store,
                           about 5 full code-flow logins/s through the dev IdP, each with /bff/user,
                           three /api calls and (9 in 10) the logout; one abandoned login per 5;
                           the BFF's RSS, post-GC heap and active sessions every 10 s, and the
                           growth over the second half per 1,000 logins. Writes results/<ts>-soak.*.
                           One store: Redis when redis-server is on PATH, else Sqlite (--stores to
                           choose; several are soaked one after another)
  --soak-rate N            logins started per second in the soak (default 5)
  --sample SEC             seconds between soak samples (default 10)
  --scale [LIST]           the cost per proxied request spread over many sessions instead (issue 17,
                           item 2): for each store, sessions signed in through the real cookie
                           handler up to each count of LIST (default 1,1000,10000,100000), wrk
                           cycling through their cookies, bare YARP with the same script as the
                           floor, and the cache-miss path (store read + decrypt) per session;
                           then one session's traffic with the largest count still held (the
                           heap's cost apart from touching many sessions), and that pair again,
                           alternately, for --rounds rounds; then --scale-cycles cycles (default
                           10; 0: none) of one --slice spread over all of them against one on one
                           of them, compared cycle by cycle; last, the BFF's managed heap after
                           full collections, every session held. Writes results/<ts>-scale.*
  --settle                 with --scale: full blocking collections of the BFF after each warm-up,
                           before measuring (the sessions the warm-up created are then in gen 2,
                           as in a process that has run for hours)
  --cached-sessions N      with --scale: the BFF's Bff:Session:CachedSessions (default: the BFF's
                           own, 10000)
  --websockets [N]         WebSockets instead (issue 18): N idle sockets (default 1000) through bare
                           YARP and through the BFF (Memory; one session each, with its Origin),
                           the managed heap and RSS per open socket, then the round trip of 32-byte
                           messages on one socket (p50/p99), also directly to the upstream; in
                           alternating order for --rounds rounds. Writes results/<ts>-websockets.*
  --store-size [LIST]      the SQLite and Redis stores at size instead (issue 17, item 4): sessions
                           written through the store API (the real login's stored ticket) up to
                           each count of LIST (default 100000,1000000); at each, login, lookup,
                           logout, back-channel logout by sub and by sid, the active-session count,
                           one cleanup pass over 5,000 expired sessions with /api's p99 beside it,
                           the SQLite file or Redis memory per session. --stores to choose (default
                           Sqlite,Redis). Writes results/<ts>-store-size.*
  --peers                  the peers instead (issue 17, item 5): Apache httpd + mod_auth_openidc (shm
                           and Redis caches; floor: Apache mod_proxy alone) and express-openid-connect
                           + http-proxy-middleware (floor: express + http-proxy-middleware alone)
                           beside bare YARP and the BFF (Memory; Redis), same upstream, same real
                           login through the dev IdP, the token each attached verified at the
                           upstream; installs what is missing (apt-get as root: apache2,
                           libapache2-mod-auth-openidc; npm ci in bench/peers). Uses --duration,
                           --rounds, --threads, --connections, --warmup. Writes results/<ts>-peers.*
  --micro [BDN args]       run the BenchmarkDotNet micro-benchmarks instead (default --filter '*');
                           every later argument but --no-build goes to BenchmarkDotNet (e.g.
                           --filter '*HotPath*', --job short)`;

function parseOptions(argv) {
  const o = {
    stores: null,
    durationSec: 10,
    sliceSec: 2,
    warmupSec: 3,
    rounds: 2,
    threads: 2,
    connections: 32,
    latencyDurationSec: 3,
    logins: 50,
    loginConcurrency: 8,
    loginWarmup: 40,
    storm: 100,
    stormRounds: 1,
    sessions: 10_000,
    waitForQuietSec: 0,
    stormLifetimeSec: 5,
    pin: false,
    build: true,
    strict: false,
    micro: null,
    experiments: [],
    experimentStorms: false,
    soak: 0,
    soakRate: 5,
    sampleSec: 10,
    scale: null,
    scaleCycles: 10,
    cachedSessions: null,
    websockets: 0,
    storeSize: null,
    peers: false,
  };
  const numeric = {
    '--duration': 'durationSec',
    '--slice': 'sliceSec',
    '--scale-cycles': 'scaleCycles',
    '--warmup': 'warmupSec',
    '--rounds': 'rounds',
    '--threads': 'threads',
    '--connections': 'connections',
    '--latency-duration': 'latencyDurationSec',
    '--logins': 'logins',
    '--login-concurrency': 'loginConcurrency',
    '--login-warmup': 'loginWarmup',
    '--storm': 'storm',
    '--storm-rounds': 'stormRounds',
    '--sessions': 'sessions',
    '--wait-for-quiet': 'waitForQuietSec',
    '--soak': 'soak',
    '--soak-rate': 'soakRate',
    '--sample': 'sampleSec',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--micro') {
      // Every later argument goes to BenchmarkDotNet, except the driver's own --no-build.
      o.micro = argv.slice(i + 1).filter((a) => a !== '--no-build');
      o.build = o.build && !argv.slice(i + 1).includes('--no-build');
      break;
    } else if (arg === '--help' || arg === '-h') {
      console.log(help);
      process.exit(0);
    } else if (arg === '--stores') {
      o.stores = (argv[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    } else if (arg === '--no-build') {
      o.build = false;
    } else if (arg === '--settle') {
      o.settle = true;
    } else if (arg === '--pin') {
      o.pin = true;
    } else if (arg === '--experiments') {
      throw new Error('--experiments: no prototype of a library change is defined now (the last one, aes-gcm, is the library\'s own data protection: src/Bff/Core/BffDataProtection.cs); --experiment STORE:NAME runs one added to bench/Bff.Bench/Hosts/BenchExperiments.cs');

    } else if (arg === '--experiment') {
      const [store, names] = (argv[++i] ?? '').split(':');
      if (!store || !names) throw new Error('--experiment needs STORE:NAMES, e.g. Redis:fusioncache');
      o.experiments.push({ store, experiments: names.replace(/\+/g, ',') });
      // The anonymous and direct diagnoses attach no token: a refresh storm would measure nothing.
      if (!/^(anonymous|direct)$/.test(names)) o.experimentStorms = true;
    } else if (arg === '--peers') {
      o.peers = true;
    } else if (arg === '--strict') {
      o.strict = true;
    } else if (arg === '--websockets') {
      const n = argv[i + 1] && !argv[i + 1].startsWith('--') ? Number(argv[++i]) : defaultSockets;
      if (!Number.isInteger(n) || n < 1 || n > 20_000) throw new Error('--websockets needs a number of sockets from 1 to 20000');
      o.websockets = n;
    } else if (arg === '--scale') {
      const list = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i].split(',').map((n) => Number(n.trim())) : defaultScaleCounts;
      if (!list.length || list.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000)) throw new Error('--scale needs counts from 1 to 1000000, e.g. --scale 1,1000,10000');
      o.scale = [...new Set(list)].sort((a, b) => a - b);
    } else if (arg === '--cached-sessions') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 100 || n > 10_000_000) throw new Error('--cached-sessions needs a number from 100 to 10000000 (Bff:Session:CachedSessions)');
      o.cachedSessions = n;
    } else if (arg === '--store-size') {
      const list = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i].split(',').map((n) => Number(n.trim())) : defaultStoreSizes;
      if (!list.length || list.some((n) => !Number.isInteger(n) || n < 10_000 || n > 10_000_000)) throw new Error('--store-size needs counts from 10000 to 10000000, e.g. --store-size 100000,1000000');
      o.storeSize = [...new Set(list)].sort((a, b) => a - b);
    } else if (numeric[arg]) {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value < 0) throw new Error(`${arg} needs a number`);
      o[numeric[arg]] = value;
    } else {
      throw new Error(`unknown option '${arg}'.\n${help}`);
    }
  }
  if (o.soak > 0 && (o.soakRate <= 0 || o.sampleSec < 1)) throw new Error('--soak-rate must be above 0 and --sample at least 1');
  if (o.threads > o.connections) throw new Error('--threads must not exceed --connections');
  if (o.rounds < 1 || o.durationSec < 1) throw new Error('--rounds and --duration must be at least 1');
  if (o.sliceSec !== 0 && !(Number.isInteger(o.sliceSec) && o.sliceSec >= 1)) throw new Error('--slice needs whole seconds (at least 1), or 0 for one interval per target and round');
  return o;
}

function say(message) {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(0).padStart(4);
  console.log(`[bench ${seconds}s] ${message}`);
}

// ---------------------------------------------------------------------------------------------
// Measurements

const apiHeaders = (jar) => ({ cookie: `${cookieName}=${jar.get(cookieName)}`, 'x-csrf': '1' });

async function sanityCheck(target, jar) {
  const answer = await send(`${target.url}${apiPath}`, { headers: apiHeaders(jar) });
  const auth = answer.headers.get('x-bench-auth');
  const cookie = answer.headers.get('x-bench-cookie');
  if (answer.status !== 200 || answer.text.length !== 1024) {
    throw new Error(`${target.label}: GET ${apiPath} answered ${answer.status} with ${answer.text.length} bytes (expected 200 and the 1 KB document)`);
  }
  if (target.kind === 'bff') {
    // The no-bearer diagnosis drops the token after the BFF attached it, the anonymous one sends
    // no session and attaches none (BenchExperiments.cs).
    const expected = /(^|,)(no-bearer|anonymous|direct)(,|$)/.test(target.experiment ?? '') ? 'none' : 'bearer';
    if (auth !== expected || cookie !== 'none') {
      throw new Error(`${target.label}: the upstream saw authorization '${auth}' and cookie '${cookie}' (expected ${expected === 'bearer' ? 'a bearer token' : 'none'} and no cookie)`);
    }
    // The direct diagnosis forwards /api before any BFF middleware runs (DirectForward.cs).
    if (/(^|,)direct(,|$)/.test(target.experiment ?? '')) return;
    const noCsrf = await send(`${target.url}${apiPath}`, { headers: { cookie: apiHeaders(jar).cookie } });
    if (noCsrf.status !== 401) throw new Error(`${target.label}: a request without X-CSRF answered ${noCsrf.status}, expected 401`);
  }
}

async function stats(target) {
  return getJson(`${target.url}/__bench/stats`);
}

/**
 * Warm-up. First round: wrk at 4 connections in 1-second steps for at least `minSec`, then until
 * the JIT's background compiler (the proxy's '.NET Tiered Com' thread) used less than 50 ms in the
 * last step, or `maxSec`; then at full concurrency in 1-second steps, at least 2, until a step
 * costs the compiler under 50 ms again (at most `maxFullWarmupSec`): full concurrency reaches code
 * the 4-connection run did not make hot (lock contention paths, more thread-pool workers), and a
 * measured interval that still compiled cost the BFF 20 µs a request in one run. At 32 connections
 * the 2 cores are saturated by wrk, the upstream and the proxy, and tier-1 compilation then takes
 * 15 s or more; at 4 it is done in about 10 s. Later rounds: 1 s at full concurrency.
 */
async function warmUp(target, url, headers, o, round) {
  let seconds = 0;
  if (round === 1) {
    while (seconds < maxWarmupSec) {
      const before = threadTicks(target.child.pid, '.NET Tiered Com');
      await wrk(url, { threads: 1, connections: 4, durationSec: 1, headers });
      seconds += 1;
      const jitMs = ticksToMs(threadTicks(target.child.pid, '.NET Tiered Com') - before);
      if (seconds >= o.warmupSec && !(jitMs >= 50)) break;
    }
  }
  if (round !== 1) {
    await wrk(url, { threads: o.threads, connections: o.connections, durationSec: 1, headers });
    return seconds + 1;
  }
  for (let full = 1; full <= maxFullWarmupSec; full++) {
    const before = threadTicks(target.child.pid, '.NET Tiered Com');
    await wrk(url, { threads: o.threads, connections: o.connections, durationSec: 1, headers });
    seconds += 1;
    const jitMs = ticksToMs(threadTicks(target.child.pid, '.NET Tiered Com') - before);
    if (full >= 2 && !(jitMs >= 50)) break;
  }
  return seconds;
}

/** Up to `maxSec` seconds: waits while other processes use more than `noisyPct` % of the machine. */
async function waitForQuiet(maxSec) {
  let waited = 0;
  while (waited < maxSec) {
    const before = cpuSnapshot(runningChildren().map((c) => c.pid));
    await sleep(1000);
    if (!(cpuInterval(before, cpuSnapshot(runningChildren().map((c) => c.pid))).foreignPct > noisyPct)) break;
    waited += 1;
  }
  return waited;
}

/** A target's URL and headers for the throughput runs. */
function throughputRequest(target, jar) {
  return { url: `${target.url}${apiPath}`, headers: [`Cookie: ${cookieName}=${jar.get(cookieName)}`, 'X-CSRF: 1'] };
}

/**
 * One measured wrk interval of `durationSec` on a warm target: wrk's figures, and the proxy's
 * allocations, CPU and collections over it (as sums, and per request).
 */
async function measureInterval(target, jar, o, { round, cycle, durationSec, warmedSec = 0 }) {
  const { url, headers } = throughputRequest(target, jar);
  const waitedSec = await waitForQuiet(o.waitForQuietSec);
  const before = await stats(target);
  const cpuBefore = cpuSnapshot(runningChildren().map((c) => c.pid));
  const jitBefore = threadTicks(target.child.pid, '.NET Tiered Com');
  const result = await wrk(url, { threads: o.threads, connections: o.connections, durationSec, headers });
  // Not below 0: the sum drops when an idle compiler thread exits.
  const jitMs = Math.max(0, ticksToMs(threadTicks(target.child.pid, '.NET Tiered Com') - jitBefore));
  const cpu = cpuInterval(cpuBefore, cpuSnapshot(runningChildren().map((c) => c.pid)), result.wrkCpuSeconds);
  const after = await stats(target);
  if (result.non2xx > 0 || result.socketErrors > 0) {
    throw new Error(`${target.label}: ${result.non2xx} non-2xx answers and ${result.socketErrors} socket errors out of ${result.requests} requests`);
  }
  return {
    round,
    cycle,
    ...result,
    allocatedBytes: after.allocatedBytes - before.allocatedBytes,
    cpuMs: after.cpuMs - before.cpuMs,
    kernelCpuMs: after.kernelCpuMs - before.kernelCpuMs,
    allocPerRequest: (after.allocatedBytes - before.allocatedBytes) / result.requests,
    cpuUsPerRequest: ((after.cpuMs - before.cpuMs) * 1000) / result.requests,
    workingSetBytes: after.workingSetBytes,
    peakWorkingSetBytes: after.peakWorkingSetBytes,
    gcHeapBytes: after.gcHeapBytes,
    gen0: after.gen0 - before.gen0,
    gen1: after.gen1 - before.gen1,
    gen2: after.gen2 - before.gen2,
    gcPauseMs: after.gcPauseMs - before.gcPauseMs,
    threadPoolItems: after.threadPoolItems - before.threadPoolItems,
    lockContentions: after.lockContentions - before.lockContentions,
    contextSwitches: after.contextSwitches - before.contextSwitches,
    jitCpuMs: jitMs,
    warmupSec: warmedSec,
    waitedForQuietSec: waitedSec,
    machineBusyPct: cpu.busyPct,
    foreignCpuPct: cpu.foreignPct,
  };
}

async function measureUnloaded(target, jar, o) {
  const url = `${target.url}${apiPath}`;
  const headers = [`Cookie: ${cookieName}=${jar.get(cookieName)}`, 'X-CSRF: 1'];
  const result = await wrk(url, { threads: 1, connections: 1, durationSec: o.latencyDurationSec, headers });
  if (result.non2xx > 0) throw new Error(`${target.label}: ${result.non2xx} non-2xx answers in the 1-connection run`);
  return { label: target.label, kind: target.kind, ...result };
}

async function measureLogins(bff, idp, o) {
  // Warm the login path until the JIT is done with it (bench/lib/logins.mjs): measured after a
  // fixed 40 logins, a login cost 2-3 times its steady CPU, most of it the background compiler's.
  // --login-warmup 0 skips it (a hot-path A/B that logs in once).
  const warm = o.loginWarmup > 0 ? await warmLogins(bff.url, bff.pid, { minimum: o.loginWarmup, concurrency: o.loginConcurrency }) : { logins: 0, quiet: false };
  await sleep(1000);
  // What the BFF uses with nothing to do (timers, the heartbeat, these stats requests), per second.
  const idleBefore = await getJson(`${bff.url}/__bench/stats`);
  await sleep(2000);
  const [bffBefore, idpBefore] = await Promise.all([getJson(`${bff.url}/__bench/stats`), getJson(`${idp.url}/__bench/stats`)]);
  const idleCpuMsPerSec = (bffBefore.cpuMs - idleBefore.cpuMs) / 2;
  const jitBefore = threadTicks(bff.pid, jitThread);
  const nodeBefore = process.cpuUsage();
  const t0 = performance.now();
  const durations = await pool(o.logins, o.loginConcurrency, async () => {
    const s = performance.now();
    await login(bff.url);
    return performance.now() - s;
  });
  const seconds = (performance.now() - t0) / 1000;
  const node = process.cpuUsage(nodeBefore);
  const jitMs = Math.max(0, ticksToMs(threadTicks(bff.pid, jitThread) - jitBefore));
  const [bffAfter, idpAfter] = await Promise.all([getJson(`${bff.url}/__bench/stats`), getJson(`${idp.url}/__bench/stats`)]);
  durations.sort((a, b) => a - b);
  const bffCpuMs = bffAfter.cpuMs - bffBefore.cpuMs;
  return {
    store: bff.store,
    count: o.logins,
    concurrency: o.loginConcurrency,
    warmupLogins: warm.logins,
    warmedUp: warm.quiet,
    seconds,
    perSecond: o.logins / seconds,
    p50Ms: percentile(durations, 50),
    p99Ms: percentile(durations, 99),
    // The login's own CPU: the process's, less the JIT's background compiler. The idle rate (timers,
    // the heartbeat, a GC after the warm-up) is shown beside it, not subtracted: it varies too much.
    bffCpuMsPerLogin: (bffCpuMs - jitMs) / o.logins,
    bffTotalCpuMsPerLogin: bffCpuMs / o.logins,
    bffJitCpuMsPerLogin: jitMs / o.logins,
    bffIdleCpuMsPerSec: idleCpuMsPerSec,
    idpCpuMsPerLogin: (idpAfter.cpuMs - idpBefore.cpuMs) / o.logins,
    clientCpuMsPerLogin: (node.user + node.system) / 1000 / o.logins,
    bffAllocPerLogin: (bffAfter.allocatedBytes - bffBefore.allocatedBytes) / o.logins,
  };
}

function refreshGrants(counts) {
  return Object.entries(counts)
    .filter(([key]) => key.startsWith('refresh_token:'))
    .reduce((n, [, v]) => n + v, 0);
}

async function prepareStorm(bff) {
  const jar = await login(bff.url);
  const loggedInAt = Date.now();
  const headers = apiHeaders(jar);
  for (let i = 0; i < 20; i++) {
    const answer = await send(`${bff.urls[i % bff.urls.length]}${apiPath}`, { headers }); // warm the proxied path (every instance) with the fresh token
    if (answer.status !== 200) throw new Error(`storm BFF (${bff.store}): warm-up request answered ${answer.status}`);
  }
  return { jar, loggedInAt };
}

async function fireStorm(bff, idp, prepared, o) {
  const headers = apiHeaders(prepared.jar);
  const before = refreshGrants(await getJson(`${idp.url}/__bench/grants`));
  const answers = await Promise.all(
    Array.from({ length: o.storm }, async (_, i) => {
      const s = performance.now();
      const answer = await send(`${bff.urls[i % bff.urls.length]}${apiPath}`, { headers }); // alternating between the instances
      return { status: answer.status, ms: performance.now() - s, auth: answer.headers.get('x-bench-auth') };
    }),
  );
  await sleep(200); // let the IdP counter see a grant still being answered
  const after = refreshGrants(await getJson(`${idp.url}/__bench/grants`));
  const times = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    store: bff.store,
    requests: o.storm,
    ok: answers.filter((a) => a.status === 200).length,
    statuses: [...new Set(answers.map((a) => a.status))],
    bearer: answers.filter((a) => a.auth === 'bearer').length,
    refreshGrants: after - before,
    maxMs: times.at(-1),
    p50Ms: percentile(times, 50),
  };
}

// ---------------------------------------------------------------------------------------------

function evaluateTargets(run) {
  const floor = run.throughput.find((t) => t.kind === 'yarp');
  const targets = [];
  const by = (store) => run.throughput.find((t) => t.store === store && !t.experiment);
  for (const [store, minRatio, checkP99] of [['Memory', 0.9, true], ['Sqlite', 0.9, true], ['Redis', 0.85, true]]) {
    const t = by(store);
    const name = `proxied GET, ${store} store: ≥ ${minRatio.toFixed(2)}× bare YARP requests/s`;
    if (!t || t.unavailable) {
      targets.push({ name, value: t?.unavailable ?? 'not in --stores', status: 'not measured' });
      continue;
    }
    // Cycle by cycle against bare YARP when the run was sliced (lib/paired.mjs); else best round against best round.
    const p = t.paired;
    const ratio = p ? p.ratio : t.best.rps / floor.best.rps;
    const ratioValue = p ? `${fmt.ratio(ratio)} (median of ${p.cycles} cycles, ${fmt.ratio(p.minRatio)}–${fmt.ratio(p.maxRatio)}; best rounds ${fmt.ratio(t.best.rps / floor.best.rps)})` : fmt.ratio(ratio);
    targets.push({ name, value: ratioValue, status: ratio >= minRatio ? 'met' : 'missed', by: `${((minRatio - ratio) * 100).toFixed(0)} points short` });
    if (checkP99) {
      const added = p ? p.p99AddedMs : t.best.p99Ms - floor.best.p99Ms;
      const addedValue = p ? `${fmt.signedMs(added)} (median of ${p.cycles} cycles, ${fmt.signedMs(p.minP99AddedMs)} to ${fmt.signedMs(p.maxP99AddedMs)})` : fmt.signedMs(added);
      targets.push({ name: `proxied GET, ${store} store: p99 added ≤ 1 ms (${run.settings.connections} connections)`, value: addedValue, status: added <= 1 ? 'met' : 'missed', by: `${(added - 1).toFixed(2)} ms over` });
    }
  }
  const s = run.idleSessions;
  targets.push(
    s
      ? {
          name: `≤ 2 KB managed heap per idle session (${fmt.int(s.sessions)} sessions, Memory store)`,
          value: `${fmt.bytes(s.bytesPerSession)} after login (${fmt.bytes(s.bytesPerSessionInUse)} while in use, ${fmt.bytes(s.bytesPerSessionWithoutTicketCache)} out of the ticket cache)`,
          status: Math.max(s.bytesPerSession, s.bytesPerSessionWithoutTicketCache) <= 2048 ? 'met' : 'missed',
          by: `${(Math.max(s.bytesPerSession, s.bytesPerSessionWithoutTicketCache) / 2048).toFixed(1)}× the target`,
        }
      : { name: '≤ 2 KB managed heap per idle session', value: 'not measured', status: 'not measured' },
  );
  const storms = run.storms.filter((st) => !st.unavailable);
  targets.push({
    name: `refresh storm of ${run.settings.storm} concurrent requests → exactly 1 refresh grant`,
    value: storms.map((st) => `${st.store}: ${st.refreshGrants} grant${st.refreshGrants === 1 ? '' : 's'}, ${st.ok}/${st.requests} OK`).join('; '),
    status: storms.length && storms.every((st) => st.refreshGrants === 1 && st.ok === st.requests) ? 'met' : 'missed',
    by: 'see the storm table',
  });
  for (const l of run.logins.filter((x) => !x.unavailable)) {
    targets.push({
      name: `BFF CPU per login < 10 ms, ${l.store} store (warm, ${l.concurrency} at a time)`,
      value: `${l.bffCpuMsPerLogin.toFixed(1)} ms`,
      status: l.bffCpuMsPerLogin < 10 ? 'met' : 'missed',
      by: `${(l.bffCpuMsPerLogin - 10).toFixed(1)} ms over`,
    });
  }
  const total = run.durations.totalSec;
  targets.push({ name: 'the benchmark finishes in under 5 minutes', value: fmt.sec(total), status: total < 300 ? 'met' : 'missed', by: `${fmt.sec(total - 300)} over` });
  return targets;
}

async function runMicro(o) {
  if (o.build) await build(say);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const tmp = mkdtempSync(join(tmpdir(), 'bff-micro-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const args = o.micro.length ? o.micro : ['--filter', '*'];
  say(`running the micro-benchmarks: Bff.Bench micro ${args.join(' ')}`);
  const child = new Child('micro', 'dotnet', [dll, 'micro', '--artifacts', tmp, ...args], { cwd: root, env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
  child.process.stdout.pipe(process.stdout);
  child.process.stderr.pipe(process.stderr);
  const code = await child.exitedPromise;
  const reports = existsSync(join(tmp, 'results')) ? readdirSync(join(tmp, 'results')).filter((f) => f.endsWith('-report-github.md')) : [];
  if (reports.length) {
    mkdirSync(resultsDir, { recursive: true });
    const out = join(resultsDir, `${stamp}-micro.md`);
    const body = reports
      .map((f) => `## ${f.replace(/-report-github\.md$/, '').replace(/^.*\./, '')}\n\n${readFileSync(join(tmp, 'results', f), 'utf8')}`)
      .join('\n\n')
      .replace(/&#39;/g, "'")
      .replace(/&gt;/g, '>')
      .replace(/&lt;/g, '<')
      .replace(/&quot;/g, '"');
    writeFileSync(out, `# Micro-benchmarks ${stamp}\n\nCommit \`${gitCommit()}\`. \`npm run bench -- --micro ${args.join(' ')}\`\n\n${body}`);
    say(`micro-benchmark report: ${relative(root, out)}`);
  }
  return code === 0 ? 0 : 1;
}

async function runStoreSizeRun(o) {
  if (o.build) await build(say);
  const commit = gitCommit();
  const stores = o.stores ?? ['Sqlite', 'Redis'];
  for (const store of stores) {
    if (!['Sqlite', 'Redis'].includes(store)) throw new Error(`--store-size measures the Sqlite and Redis stores, not '${store}'`);
    if (store === 'Redis' && !commandExists('redis-server')) throw new Error('--store-size with Redis needs redis-server (and redis-cli) on PATH; --stores Sqlite to leave it out');
  }
  await ensureSystemPackages([{ name: 'wrk', check: () => commandExists('wrk') }]);
  const tmp = mkdtempSync(join(tmpdir(), 'bff-store-size-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const sizes = await runStoreSize(o, { tmp, stores, say });
  const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const run = { timestamp, commit, machine: machine(), settings: { storeSize: o.storeSize }, ...sizes };
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `${timestamp.replace(/:/g, '-')}-store-size`);
  const report = `# Stores at size (${timestamp}, ${commit})\n\n\`npm run bench -- --store-size ${o.storeSize.join(',')}\`\n\n${storeSizeMarkdown(sizes)}`;
  writeFileSync(`${base}.md`, report);
  writeFileSync(`${base}.json`, `${JSON.stringify(run, null, 2)}\n`);
  console.log(`\n${storeSizeMarkdown(sizes)}`);
  say(`store-size results: ${relative(root, base)}.md and .json`);
  return 0;
}

async function runScaleRun(o) {
  if (o.build) await build(say);
  const commit = gitCommit();
  const redisOnPath = commandExists('redis-server');
  const stores = o.stores ?? ['Memory', 'Sqlite', ...(redisOnPath ? ['Redis'] : [])];
  for (const store of stores) {
    if (!['Memory', 'Sqlite', 'Redis'].includes(store)) throw new Error(`unknown store '${store}' in --stores (Memory, Sqlite, Redis)`);
  }
  await ensureSystemPackages([{ name: 'wrk', check: () => commandExists('wrk') }]);
  const tmp = mkdtempSync(join(tmpdir(), 'bff-scale-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const scale = await runScale(o, { tmp, stores, redisOnPath, say });
  const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const run = { timestamp, commit, machine: machine(), settings: { scale: o.scale, cachedSessions: o.cachedSessions, settle: Boolean(o.settle), durationSec: o.durationSec, threads: o.threads, connections: o.connections }, ...scale };
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `${timestamp.replace(/:/g, '-')}-scale`);
  const report = `# Scale: proxied requests spread over many sessions (${timestamp}, ${commit})\n\n\`npm run bench -- --scale ${o.scale.join(',')}${o.cachedSessions ? ` --cached-sessions ${o.cachedSessions}` : ''}${o.settle ? ' --settle' : ''}\` (wrk ${o.threads} threads, ${o.connections} connections, ${o.durationSec} s per count)\n\n${scaleMarkdown(scale)}`;
  writeFileSync(`${base}.md`, report);
  writeFileSync(`${base}.json`, `${JSON.stringify(run, null, 2)}\n`);
  console.log(`\n${scaleMarkdown(scale)}`);
  say(`scale results: ${relative(root, base)}.md and .json`);
  return 0;
}

async function runWebSocketsRun(o) {
  if (o.build) await build(say);
  const commit = gitCommit();
  const tmp = mkdtempSync(join(tmpdir(), 'bff-websockets-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const result = await runWebSockets(o, { tmp, say });
  const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `${timestamp.replace(/:/g, '-')}-websockets`);
  const text = webSocketsMarkdown(result);
  writeFileSync(`${base}.md`, `# WebSockets through the BFF and bare YARP (${timestamp}, ${commit})\n\n\`npm run bench -- --websockets ${o.websockets} --rounds ${o.rounds}\`\n\n${text}`);
  writeFileSync(`${base}.json`, `${JSON.stringify({ timestamp, commit, machine: machine(), settings: { sockets: o.websockets, rounds: o.rounds }, ...result }, null, 2)}\n`);
  console.log(`\n${text}`);
  say(`websocket results: ${relative(root, base)}.md and .json`);
  return 0;
}

async function runPeersRun(o) {
  await ensureSystemPackages([{ name: 'wrk', check: () => commandExists('wrk') }, ...peerSystemPackages]);
  if (o.build) await build(say);
  const commit = gitCommit();
  const redisOnPath = commandExists('redis-server');
  if (!redisOnPath) say('redis-server is not on PATH: the BFF\'s Redis store and mod_auth_openidc\'s Redis cache are not measured');
  const idleBefore = cpuSnapshot([]);
  await sleep(1000);
  const preflight = cpuInterval(idleBefore, cpuSnapshot([]));
  if (preflight.foreignPct > noisyPct) say(`WARNING: other processes use ${preflight.foreignPct.toFixed(0)} % of the machine right now; the figures will be noisy (see "other processes' CPU" in the report)`);
  const tmp = mkdtempSync(join(tmpdir(), 'bff-peers-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const peers = await runPeers(o, { tmp, redisOnPath, say });
  const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const version = (name) => JSON.parse(readFileSync(join(peersDir, 'node_modules', name, 'package.json'), 'utf8')).version;
  const run = {
    timestamp,
    commit,
    machine: { ...machine(), apache: capture('/usr/sbin/apache2', ['-v']).split('\n')[0].replace(/^Server version:\s*/, ''), modAuthOpenidc: capture('dpkg-query', ['-W', '-f', '${Version}', 'libapache2-mod-auth-openidc']) },
    versions: { express: version('express'), 'express-openid-connect': version('express-openid-connect'), 'http-proxy-middleware': version('http-proxy-middleware') },
    settings: { durationSec: o.durationSec, rounds: o.rounds, threads: o.threads, connections: o.connections, warmupSec: o.warmupSec },
    preflightForeignCpuPct: preflight.foreignPct,
    durationSec: (performance.now() - startedAt) / 1000,
    ...peers,
  };
  const m = run.machine;
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `${timestamp.replace(/:/g, '-')}-peers`);
  writeFileSync(
    `${base}.md`,
    `# Peers (${timestamp}, ${commit})\n\n\`npm run bench -- --peers\` in ${fmt.sec(run.durationSec)}. Machine: ${m.nproc} cores (${m.cpu}), ${m.memory}, ${m.os}; .NET SDK ${m.dotnet}, Node.js ${m.node}, ${m.wrk}${m.redis ? `, ${m.redis}` : ''}, ${m.apache}, mod_auth_openidc ${m.modAuthOpenidc}. Other processes used ${preflight.foreignPct.toFixed(0)} % of the machine before the run.\n\n${peersMarkdown(run)}`,
  );
  writeFileSync(`${base}.json`, `${JSON.stringify(run, null, 2)}\n`);
  console.log(`\n${peersTable(run)}\n`);
  say(`peers results: ${relative(root, base)}.md and .json`);
  const failed = run.results.filter((r) => r.failed);
  if (failed.length) {
    console.error(`\n[bench] FAILED: ${failed.map((r) => `${r.label} ${r.failed}`).join('; ')}`);
    return 1;
  }
  return 0;
}

async function runSoak(o) {
  if (o.build) await build(say);
  const commit = gitCommit(); // what was built: HEAD may move during a long soak
  const redisOnPath = commandExists('redis-server');
  const stores = o.stores ?? [redisOnPath ? 'Redis' : 'Sqlite'];
  for (const store of stores) {
    if (!['Memory', 'Sqlite', 'Redis'].includes(store)) throw new Error(`unknown store '${store}' in --stores (Memory, Sqlite, Redis)`);
    if (store === 'Redis' && !redisOnPath) throw new Error('--stores Redis needs redis-server on PATH');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'bff-soak-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const spaPath = join(tmp, 'spa');
  mkdirSync(spaPath);
  writeFileSync(join(spaPath, 'index.html'), '<!doctype html><title>bench</title>');
  const redis = stores.includes('Redis') ? await startRedis(tmp) : null;
  const soaks = [];
  for (const store of stores) soaks.push(await soakStore(store, o, { tmp, spaPath, redis, say }));
  await stopAll();
  const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const run = {
    timestamp,
    commit,
    machine: machine(),
    settings: { soak: o.soak, soakRate: o.soakRate, sampleSec: o.sampleSec, storesGiven: o.stores !== null },
    stores,
    soaks,
  };
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `${timestamp.replace(/:/g, '-')}-soak`);
  writeFileSync(`${base}.md`, soakMarkdown(run));
  writeFileSync(`${base}.json`, `${JSON.stringify(run, null, 2)}\n`);
  say(`soak results: ${relative(root, base)}.md and .json`);
  const failed = soaks.filter((r) => !r.unavailable && r.counts.failed > r.counts.logins / 100);
  if (failed.length) {
    console.error(`\n[bench] FAILED: more than 1 % of the soak's journeys failed (${failed.map((r) => `${r.store}: ${r.counts.failed}`).join(', ')})`);
    return 1;
  }
  return o.strict && soaks.some((r) => !r.unavailable && !r.analysis.plateaued) ? 2 : 0;
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  installExitHandlers();
  const storesToSoak = o.stores?.length ?? 1;
  const allowedMinutes = o.soak > 0 ? watchdogMinutes + storesToSoak * (o.soak + 2) : o.storeSize ? 180 : o.scale ? 60 : watchdogMinutes;
  const watchdog = setTimeout(() => {
    console.error(`\n[bench] FAILED: the benchmark did not finish within ${allowedMinutes} minutes; stopping everything.`);
    killAllSync();
    process.exit(1);
  }, allowedMinutes * 60_000);
  watchdog.unref();

  if (o.micro) return runMicro(o);
  if (o.soak > 0) return runSoak(o);
  if (o.scale) return runScaleRun(o);
  if (o.websockets) return runWebSocketsRun(o);
  if (o.storeSize) return runStoreSizeRun(o);
  if (o.peers) return runPeersRun(o);

  const durations = {};
  let t = performance.now();
  await ensureSystemPackages([{ name: 'wrk', check: () => commandExists('wrk') }]);
  if (o.pin && !commandExists('taskset')) throw new Error('--pin needs taskset (util-linux)');
  if (o.build) await build(say);
  durations.buildSec = (performance.now() - t) / 1000;

  const redisOnPath = commandExists('redis-server');
  const stores = o.stores ?? ['Memory', 'Sqlite', ...(redisOnPath ? ['Redis'] : [])];
  for (const store of stores) {
    if (!['Memory', 'Sqlite', 'Redis'].includes(store)) throw new Error(`unknown store '${store}' in --stores (Memory, Sqlite, Redis)`);
  }

  const idleBefore = cpuSnapshot([]);
  await sleep(1000);
  const preflight = cpuInterval(idleBefore, cpuSnapshot([]));
  if (preflight.foreignPct > noisyPct) {
    say(`WARNING: other processes use ${preflight.foreignPct.toFixed(0)} % of the machine right now; the figures will be noisy (see "other CPU" in the report)`);
  }

  const tmp = mkdtempSync(join(tmpdir(), 'bff-bench-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const spaPath = join(tmp, 'spa');
  mkdirSync(spaPath);
  writeFileSync(join(spaPath, 'index.html'), '<!doctype html><title>bench</title>');

  // --- start everything side by side --------------------------------------------------------
  t = performance.now();
  const proxyCpu = o.pin ? 0 : undefined;
  const otherCpu = o.pin ? 1 : undefined;
  say(`starting upstream, dev IdP (x2)${stores.includes('Redis') && redisOnPath ? ', redis-server' : ''}`);
  const upstream = host('upstream', 'upstream', ['--Logging:LogLevel:Default=Warning', '--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information'], { cpu: otherCpu });
  const idp = host('idp', 'idp', idpArgs(join(tmp, 'idp')));
  const stormIdp = host('idp-storm', 'idp', idpArgs(join(tmp, 'idp-storm'), [`--Idp:AccessTokenLifetime=00:00:0${o.stormLifetimeSec}`]));
  const redis = stores.includes('Redis') && redisOnPath ? await startRedis(tmp) : null;
  const [upstreamUrl, idpUrl, stormIdpUrl] = await Promise.all([upstream.listening(), idp.listening(), stormIdp.listening()]);

  say('starting bare YARP and the BFF hosts (one per store, plus one per store for the refresh storm)');
  const yarp = host('yarp', 'yarp', [...quietAspNet, ...reverseProxyArgs(upstreamUrl)], { cpu: proxyCpu });
  // Redis: the first BFF makes the shared data-protection key ring (one login) before the others
  // start; BFFs starting together on an empty ring each made their own key, and a cookie from one
  // was then refused (401) by another once its key-ring refresh window had passed.
  let redisFirst = null;
  if (stores.includes('Redis') && redisOnPath) {
    redisFirst = await startBff('bff-redis', bffArgs({ upstreamUrl, store: 'Redis', spaPath, redis: redis?.socket, idpUrl, dataPath: join(tmp, 'bff-Redis') }), { optional: true, cpu: proxyCpu });
    if (!redisFirst.unavailable) await login(redisFirst.child.url);
  }
  const bffStarts = stores.map((store) => {
    if (store === 'Redis' && !redisOnPath) return Promise.resolve({ store, unavailable: 'redis: redis-server not on PATH' });
    const common = { upstreamUrl, store, spaPath, redis: redis?.socket };
    return Promise.all([
      store === 'Redis' ? Promise.resolve(redisFirst) : startBff(`bff-${store.toLowerCase()}`, bffArgs({ ...common, idpUrl, dataPath: join(tmp, `bff-${store}`) }), { optional: store === 'Redis', cpu: proxyCpu }),
      startBff(`bff-storm-${store.toLowerCase()}`, bffArgs({ ...common, idpUrl: stormIdpUrl, dataPath: join(tmp, `bff-storm-${store}`), extra: ['--Bff:Tokens:RefreshBeforeExpiry=00:00:01'] }), { optional: store === 'Redis' }),
      // Redis: a second storm instance on the same Redis, so the storm also runs across two instances (the shared lock).
      store === 'Redis' ? startBff('bff-storm-redis-b', bffArgs({ ...common, idpUrl: stormIdpUrl, dataPath: join(tmp, 'bff-storm-Redis-b'), extra: ['--Bff:Tokens:RefreshBeforeExpiry=00:00:01'] }), { optional: true }) : Promise.resolve({}),
    ]).then(([main, storm, twin]) => (main.unavailable || storm.unavailable ? { store, unavailable: 'redis: not available in this build', reason: main.unavailable ?? storm.unavailable } : { store, main: main.child, storm: storm.child, stormTwin: twin.child }));
  });
  // --experiments: the BFF with prototypes of hot-path changes (bench host only), measured beside the real one.
  const experimentStarts = o.experiments.map(({ store, experiments }) => {
    const name = `${store.toLowerCase()}-${experiments.replace(/,/g, '+')}`;
    const common = { upstreamUrl, store, spaPath, redis: redis?.socket };
    const experimentArgs = [`--Bench:Experiments=${experiments}`, ...(redis ? [`--Bench:Redis=${redis.socket}`] : [])]; // Bench:Redis for redis-idle-client
    const stormArgs = (suffix) => bffArgs({ ...common, idpUrl: stormIdpUrl, dataPath: join(tmp, `bff-storm-${name}${suffix}`), extra: ['--Bff:Tokens:RefreshBeforeExpiry=00:00:01', ...experimentArgs] });
    return Promise.all([
      startBff(`bff-${name}`, bffArgs({ ...common, idpUrl, dataPath: join(tmp, `bff-${name}`), extra: experimentArgs }), { cpu: proxyCpu }),
      o.experimentStorms ? startBff(`bff-storm-${name}`, stormArgs(''), {}) : Promise.resolve({}),
      o.experimentStorms && store === 'Redis' ? startBff(`bff-storm-${name}-b`, stormArgs('-b'), {}) : Promise.resolve({}),
    ]).then(([started, storm, twin]) => ({ store, experiments, child: started.child, storm: storm.child, stormTwin: twin.child }));
  });
  // The direct diagnosis runs in bare YARP's process too, so the two processes do the same work per request.
  const yarpDirect = o.experiments.some((e) => /(^|,)direct(,|$)/.test(e.experiments)) ? host('yarp-direct', 'yarp', [...quietAspNet, ...reverseProxyArgs(upstreamUrl), '--Bench:Experiments=direct'], { cpu: proxyCpu }) : null;
  await yarp.listening();
  if (yarpDirect) await yarpDirect.listening();
  const bffs = await Promise.all(bffStarts);
  const experimentBffs = await Promise.all(experimentStarts);
  durations.startSec = (performance.now() - t) / 1000;
  for (const b of bffs.filter((x) => x.unavailable)) say(`${b.store}: ${b.unavailable}${b.reason ? ` (${b.reason})` : ''}`);

  // --- log in and check every target answers as expected --------------------------------------
  const measureStart = performance.now();
  const targets = [{ label: 'bare YARP', kind: 'yarp', url: yarp.url, child: yarp }];
  for (const b of bffs) {
    targets.push(b.unavailable ? { label: `BFF, ${b.store} store`, kind: 'bff', store: b.store, unavailable: b.unavailable } : { label: `BFF, ${b.store} store`, kind: 'bff', store: b.store, url: b.main.url, child: b.main });
  }
  for (const e of experimentBffs) {
    targets.push({ label: `BFF, ${e.store} store + ${e.experiments.replace(/,/g, ' + ')} (prototype)`, kind: 'bff', store: e.store, experiment: e.experiments, url: e.child.url, child: e.child });
  }
  if (yarpDirect) targets.push({ label: 'bare YARP + direct (diagnosis)', kind: 'yarp', experiment: 'direct', url: yarpDirect.url, child: yarpDirect });
  const live = targets.filter((x) => !x.unavailable);
  say('logging in through the dev IdP (one session per BFF)');
  const jars = new Map();
  const sessionInfo = {};
  const failures = [];
  for (const target of live.filter((x) => x.kind === 'bff')) {
    try {
      jars.set(target, await login(target.url));
      await sanityCheck(target, jars.get(target));
      if (!target.experiment) sessionInfo[target.store] = await getJson(`${target.url}/__bench/session`, { headers: { cookie: apiHeaders(jars.get(target)).cookie } });
    } catch (error) {
      const message = `${target.label}: ${error.message}\n${target.child.tail(25)}`;
      if (target.store !== 'Redis') throw new Error(message);
      // The Redis store is optional (being written): report it as failed, measure the others, exit 1 at the end.
      console.error(`[bench] ${message}`);
      failures.push(`${target.label} failed: ${error.message}`);
      target.unavailable = `redis: failed (${error.message.split('\n')[0].slice(0, 120)})`;
      const b = bffs.find((x) => x.store === target.store);
      b.unavailable = target.unavailable;
    }
  }
  live.splice(0, live.length, ...targets.filter((x) => !x.unavailable));
  for (const floor of live.filter((x) => x.kind === 'yarp')) {
    jars.set(floor, jars.get(live.find((x) => x.kind === 'bff')));
    await sanityCheck(floor, jars.get(floor));
  }

  // --- throughput: rounds of cycles, the targets taking turns slice by slice (lib/paired.mjs) ---
  // Each target is warmed once (until its JIT is done); then every round's --duration is cut into
  // slices of --slice seconds, and each cycle measures every target for one slice, the order
  // reversed every other cycle. With --slice 0 (or ≥ --duration) a round is one interval per
  // target, with 1 s of warm-up before it after the first round, as before.
  const slices = slicesPerRound(o.durationSec, o.sliceSec);
  const sliceSec = sliceSeconds(o.durationSec, o.sliceSec);
  const perTarget = new Map(live.map((x) => [x, []]));
  const warmed = new Map();
  for (const target of live) {
    const { url, headers } = throughputRequest(target, jars.get(target));
    say(`warming up ${target.label} (${o.warmupSec}–${maxWarmupSec + 2} s, until the JIT is done)`);
    warmed.set(target, await warmUp(target, url, headers, o, 1));
  }
  if (slices > 1) {
    // One cycle as the measured ones run, not counted: what the cycling itself first runs (a
    // target resuming after idling while the others are measured) is compiled before measuring.
    say(`an unmeasured cycle of ${sliceSec} s per target`);
    for (const target of live) await measureInterval(target, jars.get(target), o, { round: 0, cycle: -1, durationSec: sliceSec });
  }
  let cycle = 0;
  for (let round = 1; round <= o.rounds; round++) {
    const measured = new Map(live.map((x) => [x, []]));
    say(`round ${round}/${o.rounds}: ${slices === 1 ? `${o.durationSec} s per target` : `${slices} cycles of ${sliceSec} s per target, the targets taking turns`}`);
    for (let slice = 0; slice < slices; slice++, cycle++) {
      for (const target of cycleOrder(live, cycle)) {
        let warmedSec = 0;
        if (slices === 1 && round > 1) {
          const { url, headers } = throughputRequest(target, jars.get(target));
          warmedSec = await warmUp(target, url, headers, o, round);
        }
        const r = await measureInterval(target, jars.get(target), o, { round, cycle, durationSec: sliceSec, warmedSec: round === 1 && slice === 0 ? warmed.get(target) : warmedSec });
        measured.get(target).push(r);
      }
    }
    for (const target of live) {
      const r = combineSlices(measured.get(target));
      r.sliceResults = measured.get(target);
      perTarget.get(target).push(r);
      say(`  ${target.label}: ${fmt.int(r.rps)} req/s, p50 ${fmt.ms(r.p50Ms)}, p99 ${fmt.ms(r.p99Ms)}, ${fmt.bytes(r.allocPerRequest)}/req, ${fmt.us(r.cpuUsPerRequest)} CPU/req (${fmt.us((r.kernelCpuMs * 1000) / r.requests)} in the kernel), GC paused ${fmt.us((r.gcPauseMs * 1000) / r.requests)}/req over ${fmt.int(r.gen0)} gen0 collections, ${(r.threadPoolItems / r.requests).toFixed(2)} thread-pool items, ${(r.contextSwitches / r.requests).toFixed(2)} context switches and ${(r.lockContentions / r.requests).toFixed(3)} lock contentions per request (JIT ${Math.round(r.jitCpuMs)} ms while measured${r.waitedForQuietSec ? `, waited ${r.waitedForQuietSec} s for quiet` : ''}); other processes used ${r.foreignCpuPct.toFixed(0)} % of the machine${r.foreignCpuPct > noisyPct ? ' (NOISY)' : ''}`);
    }
  }
  const floorTarget = live.find((x) => x.kind === 'yarp');
  const allSlices = (target) => perTarget.get(target).flatMap((r) => r.sliceResults);
  const throughput = targets.map((target) => {
    const { label, kind, store, experiment } = target;
    if (target.unavailable) return { label, kind, store, unavailable: target.unavailable };
    const rounds = perTarget.get(target);
    const best = rounds.reduce((a, b) => (b.rps > a.rps ? b : a));
    // --slice 0: best round against best round, as before (evaluateTargets); sliced: cycle by cycle.
    const pairedWithFloor = slices === 1 || target === floorTarget || !floorTarget ? null : paired(allSlices(target), allSlices(floorTarget));
    return { label, kind, store, experiment, rounds, best, minRps: Math.min(...rounds.map((r) => r.rps)), maxRps: Math.max(...rounds.map((r) => r.rps)), paired: pairedWithFloor };
  });
  for (const t of throughput.filter((x) => x.paired)) {
    say(`${t.label} against bare YARP, cycle by cycle: ${fmt.ratio(t.paired.ratio)} (median of ${t.paired.cycles}; ${fmt.ratio(t.paired.minRatio)}–${fmt.ratio(t.paired.maxRatio)}), p99 added ${fmt.signedMs(t.paired.p99AddedMs)}`);
  }

  // --- unloaded latency ------------------------------------------------------------------------
  const unloaded = [];
  if (o.latencyDurationSec > 0) {
    for (const target of live) {
      say(`1-connection latency: ${target.label} (${o.latencyDurationSec} s)`);
      unloaded.push(await measureUnloaded(target, jars.get(target), o));
    }
  }

  // --- logins ---------------------------------------------------------------------------------
  const logins = [];
  for (const b of bffs) {
    if (b.unavailable) {
      logins.push({ store: b.store, unavailable: b.unavailable });
      continue;
    }
    say(`logins: ${o.logins} through the full code flow, ${o.loginConcurrency} at a time (${b.store} store)`);
    const result = await measureLogins({ url: b.main.url, pid: b.main.pid, store: b.store }, { url: idpUrl }, o);
    logins.push(result);
    say(`  ${result.perSecond.toFixed(1)} logins/s, p50 ${fmt.ms(result.p50Ms)}, p99 ${fmt.ms(result.p99Ms)}; CPU per login: BFF ${result.bffCpuMsPerLogin.toFixed(1)} ms (${result.bffTotalCpuMsPerLogin.toFixed(1)} ms with the JIT's ${result.bffJitCpuMsPerLogin.toFixed(1)} ms; idle it used ${result.bffIdleCpuMsPerSec.toFixed(0)} ms/s; warmed by ${result.warmupLogins} logins${result.warmedUp ? '' : ', JIT still busy'}), IdP ${result.idpCpuMsPerLogin.toFixed(1)} ms, client ${result.clientCpuMsPerLogin.toFixed(1)} ms`);
  }

  // --- memory per idle session (Memory store) ---------------------------------------------------
  let idleSessions = null;
  const memoryTarget = live.find((x) => x.store === 'Memory' && !x.experiment);
  if (memoryTarget && o.sessions > 0) {
    say(`memory per idle session: storing ${fmt.int(o.sessions)} sessions in the Memory store`);
    const cookie = apiHeaders(jars.get(memoryTarget)).cookie;
    idleSessions = await getJson(`${memoryTarget.url}/__bench/sessions?count=${o.sessions}`, { method: 'POST', headers: { cookie } });
    say(`  managed heap per session: ${fmt.bytes(idleSessions.bytesPerSession)} after login, ${fmt.bytes(idleSessions.bytesPerSessionInUse)} in use, ${fmt.bytes(idleSessions.bytesPerSessionWithoutTicketCache)} out of the ticket cache (the dev IdP's tokens)`);
    idleSessions.kilobyteTokens = await getJson(`${memoryTarget.url}/__bench/sessions?count=${o.sessions}&tokenChars=1000`, { method: 'POST', headers: { cookie } });
    say(`  ${fmt.bytes(idleSessions.kilobyteTokens.bytesPerSession)} after login, ${fmt.bytes(idleSessions.kilobyteTokens.bytesPerSessionInUse)} in use, ${fmt.bytes(idleSessions.kilobyteTokens.bytesPerSessionWithoutTicketCache)} out of the cache (1,000-character tokens)`);
  }

  // --- refresh storm --------------------------------------------------------------------------
  const storms = [];
  const stormBffs = [];
  for (const b of [...bffs.filter((x) => !x.unavailable), ...experimentBffs.filter((x) => x.storm).map((e) => ({ ...e, store: `${e.store} + ${e.experiments.replace(/,/g, ' + ')} (prototype)` }))]) {
    stormBffs.push({ url: b.storm.url, urls: [b.storm.url], store: b.store });
    if (b.stormTwin) stormBffs.push({ url: b.storm.url, urls: [b.storm.url, b.stormTwin.url], store: `${b.store}, 2 instances` });
  }
  for (let round = 1; stormBffs.length && round <= o.stormRounds; round++) {
    // Each round in another order (rotated), each storm fired at the same age of its session's token.
    const order = stormBffs.map((_, i) => stormBffs[(i + round - 1) % stormBffs.length]);
    say(`refresh storm${o.stormRounds > 1 ? ` (round ${round}/${o.stormRounds})` : ''}: logging in to ${order.length} storm BFF(s), waiting for the ${o.stormLifetimeSec} s access tokens to reach the refresh window`);
    const prepared = [];
    for (const b of order) prepared.push(await prepareStorm(b));
    for (let i = 0; i < order.length; i++) {
      await sleep(Math.max(0, prepared[i].loggedInAt + (o.stormLifetimeSec - 1) * 1000 + 500 - Date.now()));
      const s = { ...(await fireStorm(order[i], { url: stormIdpUrl }, prepared[i], o)), ...(o.stormRounds > 1 ? { round } : {}) };
      storms.push(s);
      say(`  ${s.store}: ${s.ok}/${s.requests} OK, ${s.refreshGrants} refresh grant(s), slowest ${fmt.ms(s.maxMs)}`);
    }
  }
  for (const b of bffs.filter((x) => x.unavailable)) storms.push({ store: b.store, unavailable: b.unavailable });
  durations.measureSec = (performance.now() - measureStart) / 1000;

  say('stopping every process');
  await stopAll();
  durations.totalSec = (performance.now() - startedAt) / 1000;

  // --- report ---------------------------------------------------------------------------------
  const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const run = {
    timestamp,
    commit: gitCommit(),
    machine: machine(),
    settings: { ...o, stores, micro: undefined },
    durations,
    throughput,
    unloaded,
    logins,
    storms,
    idleSessions,
    sessionInfo,
    failures,
    preflightForeignCpuPct: preflight.foreignPct,
  };
  run.targets = evaluateTargets(run);
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, timestamp.replace(/:/g, '-'));
  writeFileSync(`${base}.md`, markdown(run));
  writeFileSync(`${base}.json`, `${JSON.stringify(run, null, 2)}\n`);

  console.log(`\n${throughputTable(run)}\n`);
  if (unloaded.length) console.log(`1 connection:\n${latencyTable(run)}\n`);
  console.log(`${loginsTable(run)}\n\n${stormTable(run)}\n`);
  if (idleSessions) console.log(`Memory per idle session: ${fmt.bytes(idleSessions.bytesPerSession)} after login, ${fmt.bytes(idleSessions.bytesPerSessionInUse)} in use, ${fmt.bytes(idleSessions.bytesPerSessionWithoutTicketCache)} once out of the ticket cache (${fmt.int(idleSessions.sessions)} sessions, protected ticket ${fmt.bytes(idleSessions.protectedTicketBytes)})\n`);
  console.log(`${targetsTable(run.targets)}\n`);
  say(`done in ${fmt.sec(durations.totalSec)}; results: ${relative(root, base)}.md and .json`);
  const missed = run.targets.filter((x) => x.status === 'missed').length;
  if (failures.length) {
    console.error(`\n[bench] FAILED: ${failures.join('; ')}`);
    return 1;
  }
  return o.strict && missed > 0 ? 2 : 0;
}

main().then(
  (code) => {
    killAllSync();
    process.exit(code);
  },
  (error) => {
    console.error(`\n[bench] FAILED: ${error.message}`);
    killAllSync();
    process.exit(1);
  },
);
