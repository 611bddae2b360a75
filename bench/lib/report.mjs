// Formats a benchmark run as the Markdown table/report (bench/results/<timestamp>.md).
import { sliceSeconds, slicesPerRound } from './paired.mjs';

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  ms: (n) => (Number.isFinite(n) ? `${n.toFixed(2)} ms` : 'n/a'),
  signedMs: (n) => (Number.isFinite(n) ? `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)} ms` : 'n/a'),
  ratio: (n) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a'),
  bytes: (n) => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en-US')} B` : 'n/a'),
  mb: (n) => (Number.isFinite(n) ? `${(n / 1024 / 1024).toFixed(0)} MB` : 'n/a'),
  us: (n) => (Number.isFinite(n) ? `${n.toFixed(0)} µs` : 'n/a'),
  sec: (n) => (Number.isFinite(n) ? `${n.toFixed(1)} s` : 'n/a'),
  pct: (n) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)} %` : 'n/a'),
};

export function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The main table: one row per target, best round by requests/s. */
export function throughputTable(run) {
  const floor = run.throughput.find((t) => t.kind === 'yarp');
  const rows = run.throughput.map((t) => {
    if (t.unavailable) {
      return [t.label, t.unavailable, '', '', '', '', '', '', '', ''];
    }
    const b = t.best;
    const isFloor = t === floor;
    return [
      t.label,
      `${fmt.int(b.rps)}${t.rounds.length > 1 ? ` (${fmt.int(t.minRps)}–${fmt.int(t.maxRps)})` : ''}`,
      fmt.ms(b.p50Ms),
      fmt.ms(b.p99Ms),
      isFloor ? '1.00× (floor)' : t.paired ? `**${fmt.ratio(t.paired.ratio)}** (${fmt.ratio(t.paired.minRatio)}–${fmt.ratio(t.paired.maxRatio)}; best rounds ${fmt.ratio(b.rps / floor.best.rps)})` : fmt.ratio(b.rps / floor.best.rps),
      isFloor ? '—' : t.paired ? fmt.signedMs(t.paired.p99AddedMs) : fmt.signedMs(b.p99Ms - floor.best.p99Ms),
      fmt.bytes(b.allocPerRequest),
      fmt.us(b.cpuUsPerRequest),
      fmt.mb(b.workingSetBytes),
      `${b.foreignCpuPct.toFixed(0)} %`,
    ];
  });
  return table(
    ['target', 'requests/s (best; range over rounds)', 'p50', 'p99', `req/s vs bare YARP${run.throughput.some((x) => x.paired) ? ' (median over cycles; range over cycles; best round against best round)' : ''}`, `p99 added${run.throughput.some((x) => x.paired) ? ' (median over cycles)' : ''}`, 'allocated / request', 'proxy CPU / request', 'proxy working set', 'other processes\' CPU'],
    rows,
  );
}

export function latencyTable(run) {
  const floor = run.unloaded.find((t) => t.kind === 'yarp');
  return table(
    ['target', 'requests/s', 'p50', 'p99', 'p50 added', 'p99 added'],
    run.unloaded.map((t) => [
      t.label,
      fmt.int(t.rps),
      fmt.ms(t.p50Ms),
      fmt.ms(t.p99Ms),
      t === floor ? '—' : fmt.signedMs(t.p50Ms - floor.p50Ms),
      t === floor ? '—' : fmt.signedMs(t.p99Ms - floor.p99Ms),
    ]),
  );
}

export function roundsTable(run) {
  const rows = [];
  for (const t of run.throughput) {
    for (const r of t.rounds ?? []) {
      rows.push([t.label, r.round, fmt.int(r.rps), fmt.ms(r.p50Ms), fmt.ms(r.p99Ms), fmt.bytes(r.allocPerRequest), fmt.us(r.cpuUsPerRequest), fmt.mb(r.workingSetBytes), `${r.gen0}/${r.gen1}/${r.gen2}`, `${Math.round(r.jitCpuMs)} ms`, `${r.machineBusyPct.toFixed(0)} % / ${r.foreignCpuPct.toFixed(0)} %`]);
    }
  }
  return table(['target', 'round', 'requests/s', 'p50', 'p99', 'allocated / request', 'CPU / request', 'working set', 'GCs gen0/1/2', 'JIT thread CPU', 'machine busy / other processes'], rows);
}

/** One row per cycle of a sliced run: each target's requests/s in its slice, and its ratio to bare YARP's slice. */
export function cyclesTable(run) {
  const live = run.throughput.filter((t) => !t.unavailable && t.rounds?.some((r) => r.sliceResults?.length > 1));
  if (!live.length) return '';
  const floor = live.find((t) => t.kind === 'yarp');
  const byCycle = (t) => new Map(t.rounds.flatMap((r) => r.sliceResults).map((s) => [s.cycle, s]));
  const maps = new Map(live.map((t) => [t, byCycle(t)]));
  const cycles = [...maps.get(live[0]).keys()].sort((a, b) => a - b);
  const rows = cycles.map((c) => {
    const f = floor ? maps.get(floor).get(c) : null;
    return [c + 1, maps.get(live[0]).get(c)?.round ?? '', ...live.map((t) => {
      const s = maps.get(t).get(c);
      if (!s) return '';
      return t === floor || !f ? `${fmt.int(s.rps)}` : `${fmt.int(s.rps)} (${fmt.ratio(s.rps / f.rps)})`;
    })];
  });
  return table(['cycle', 'round', ...live.map((t) => `${t.label} req/s${t === floor ? '' : ' (× bare YARP)'}`)], rows);
}

export function loginsTable(run) {
  const cpu = (ms) => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : 'n/a');
  return table(
    ['BFF store', 'warm-up logins', 'logins', 'concurrency', 'wall time', 'logins/s', 'p50 login', 'p99 login', 'CPU per login: BFF', 'BFF: JIT; idle', 'allocated / login', 'dev IdP', 'client (Node.js)'],
    run.logins.map((l) =>
      l.unavailable
        ? [l.store, l.unavailable, '', '', '', '', '', '', '', '', '', '', '']
        : [l.store, `${l.warmupLogins ?? ''}${l.warmedUp === false ? ' (JIT still busy)' : ''}`, l.count, l.concurrency, fmt.sec(l.seconds), l.perSecond.toFixed(1), fmt.ms(l.p50Ms), fmt.ms(l.p99Ms), cpu(l.bffCpuMsPerLogin), Number.isFinite(l.bffJitCpuMsPerLogin) ? `${cpu(l.bffJitCpuMsPerLogin)}; ${l.bffIdleCpuMsPerSec.toFixed(0)} ms/s` : 'n/a', fmt.bytes(l.bffAllocPerLogin), cpu(l.idpCpuMsPerLogin), cpu(l.clientCpuMsPerLogin)],
    ),
  );
}

export function stormTable(run) {
  return table(
    ['BFF store', 'concurrent requests', '200 answers', 'refresh_token grants at the IdP', 'slowest request', 'p50 request', 'new token attached'],
    run.storms.map((s) =>
      s.unavailable
        ? [s.store, s.unavailable, '', '', '', '', '']
        : [s.round ? `${s.store} (round ${s.round})` : s.store, s.requests, s.ok, s.refreshGrants, fmt.ms(s.maxMs), fmt.ms(s.p50Ms), s.bearer === s.requests ? 'all' : `${s.bearer}`],
    ),
  );
}

export function targetsTable(targets) {
  return table(
    ['target (issue)', 'this run', 'result'],
    targets.map((t) => [t.name, t.value, t.status === 'met' ? '**met**' : t.status === 'missed' ? `**missed** (${t.by})` : t.status]),
  );
}

/** Whether the run's rounds were cut into slices (lib/paired.mjs). */
function sliced(s) {
  return slicesPerRound(s.durationSec, s.sliceSec) > 1;
}

function sliceCountText(s) {
  return `${slicesPerRound(s.durationSec, s.sliceSec)} × ${sliceSeconds(s.durationSec, s.sliceSec)} s`;
}

export function markdown(run) {
  const m = run.machine;
  const s = run.settings;
  const sessions = run.idleSessions;
  return `# BFF benchmark run ${run.timestamp}

Commit \`${run.commit}\`. Total duration of \`npm run bench\`: **${fmt.sec(run.durations.totalSec)}** (build ${fmt.sec(run.durations.buildSec)}, start ${fmt.sec(run.durations.startSec)}, measurements ${fmt.sec(run.durations.measureSec)}).

Machine: ${m.nproc} cores (${m.cpu}), ${m.memory}, ${m.os}; .NET SDK ${m.dotnet}, Node.js ${m.node}, ${m.wrk}${m.redis ? `, ${m.redis}` : ''}.

Settings: ${sliced(s) ? `${s.rounds} rounds of ${sliceCountText(s)} cycles; in each cycle every target \`wrk -t${s.threads} -c${s.connections} -d${s.sliceSec}s --latency\` in turn, the order reversed every other cycle, each target warmed once before the first (at 4 connections until the proxy's JIT is done, at least ${s.warmupSec} s, at most 15 s, then at full concurrency for at least 2 s until the JIT is done again, at most 8 s). A target's ratio to bare YARP, and its p99 added, is the median over the cycles of its slice against bare YARP's slice of the same cycle; a round's requests/s sums its slices, its p50 and p99 are the median of its slices'` : `\`wrk -t${s.threads} -c${s.connections} -d${s.durationSec}s --latency\` after a warm-up (first round: at 4 connections until the proxy's JIT is done, at least ${s.warmupSec} s, at most 15 s, then at full concurrency for at least 2 s until the JIT is done again, at most 8 s; later rounds: 1 s), ${s.rounds} rounds in alternating order`}, headers \`Cookie: __Host-bff=…\` and \`X-CSRF: 1\` on every target. GET \`/api/data\` → upstream 1 KB JSON. Server GC, Release build, every process on loopback.

## Proxied GET at ${s.connections} connections

${throughputTable(run)}

Allocated bytes and CPU time per request are the differences of the proxy process's \`GC.GetTotalAllocatedBytes(true)\` and \`Process.TotalProcessorTime\` over the measured interval divided by the requests wrk completed; the working set is the proxy process's RSS (\`Process.WorkingSet64\`) at the end of it. All read from the loopback-only \`/__bench/stats\` endpoint the bench hosts add.

## Unloaded latency (1 connection, ${s.latencyDurationSec} s)

${run.unloaded.length ? latencyTable(run) : 'not run'}

## Logins through the full code flow

${loginsTable(run)}

BFF \`/bff/login\` → IdP authorize → IdP login page → POST credentials → IdP authorize → BFF \`/signin-oidc\` (code redeemed with PKCE, userinfo, session stored): 7 HTTP requests per login. Warmed first until a round of 20 logins costs the JIT's background compiler under 1 ms a login; "CPU per login: BFF" is the process's CPU less that compiler's (shown beside it, with what the BFF used per second while idle just before: timers, the heartbeat; not subtracted).

## Refresh storm

${stormTable(run)}

Dev IdP with \`--Idp:AccessTokenLifetime=00:00:0${s.stormLifetimeSec}\`, BFF with \`--Bff:Tokens:RefreshBeforeExpiry=00:00:01\`; ${s.storm} concurrent proxied requests of one session fired once the token is within the refresh window. Grants counted at the IdP (\`POST /connect/token\` by grant_type).

## Memory per idle session (Memory store)

${sessions ? `${fmt.int(sessions.sessions)} sessions, each with its own copy of the real ticket of a dev-IdP login (${sessions.claims} claims; ${Object.entries(sessions.tokenLengths).map(([k, v]) => `${k} ${v} chars`).join(', ')}; serialized ticket ${fmt.bytes(sessions.serializedTicketBytes)}, protected ${fmt.bytes(sessions.protectedTicketBytes)}), stored through the real ticket store; full compacting GCs before and after.

| tokens | managed heap per session after login | in use (after one proxied request's read) | out of the library's ticket cache${sessions.ticketCache ? '' : ' (no ticket cache in this build)'} | protected ticket |
| --- | --- | --- | --- | --- |
| the dev IdP's | **${fmt.bytes(sessions.bytesPerSession)}** | ${fmt.bytes(sessions.bytesPerSessionInUse)} | ${fmt.bytes(sessions.bytesPerSessionWithoutTicketCache)} | ${fmt.bytes(sessions.protectedTicketBytes)} |
${sessions.kilobyteTokens ? `| access, ID and refresh tokens of 1,000 characters | ${fmt.bytes(sessions.kilobyteTokens.bytesPerSession)} | ${fmt.bytes(sessions.kilobyteTokens.bytesPerSessionInUse)} | ${fmt.bytes(sessions.kilobyteTokens.bytesPerSessionWithoutTicketCache)} | ${fmt.bytes(sessions.kilobyteTokens.protectedTicketBytes)} |` : ''}

"In use" includes what the library keeps per session read in the last minutes (its cache of decrypted tickets: up to 10,000 sessions, 5 minutes idle); "out of the cache" is what a session idle for longer costs. Storing took ${sessions.storeMicrosecondsPerSession.toFixed(1)} µs per session (deserialize a copy, serialize, protect, store, log).` : 'not measured'}

## Targets

${targetsTable(run.targets)}

## Every round

${roundsTable(run)}
${cyclesTable(run) ? `
## Every cycle

${cyclesTable(run)}
` : ''}`;
}
