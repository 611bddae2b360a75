// `npm run bench -- --soak MINUTES`: memory under steady login churn (issue 15, item 7).
//
// Per store: a fresh dev IdP, upstream and BFF host; then, for MINUTES, about `rate` full
// code-flow logins per second through the dev IdP's login page (open loop: one started every
// 1/rate s, however long the earlier ones take), each followed by /bff/user, three proxied /api
// calls and, for 9 logins in 10, the RP-initiated logout (BFF -> IdP end-session -> back-channel
// logout to the BFF -> signout callback), checked to have ended the session server-side (/bff/user
// answers 401 to the old cookie). The 10th session is never logged out (it stays in the store). Once
// per 5 logins a login is also started and abandoned at the IdP's login page (a correlation and
// nonce cookie, state at the IdP, never a callback). Every `sampleSec` seconds: the BFF's RSS (from
// /proc, before anything else), then its managed heap after full blocking compacting collections,
// the store's active sessions and the library's cache entries (/__bench/heap), and the dev IdP's RSS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CookieJar, follow, getJson, login, send, sleep } from './http.mjs';
import { apiPath, bffArgs, cookieName, host, idpArgs, startBff } from './hosts.mjs';
import { fmt, table } from './report.mjs';

/** Plateau criteria over the second half of the run (least-squares slope against logins completed). */
export const plateauCriteria = {
  heapMbPer1000: 0.5, // post-GC managed heap: at most 512 B per login
  rssMbPer1000: 2, // RSS (what the GC keeps committed, native memory): at most 2 MB per 1,000 logins
};

const maxInFlight = 40;
const mb = (bytes) => bytes / 1024 / 1024;
const slopeText = (n) => (Number.isFinite(n) ? n.toFixed(3) : 'n/a');
const verdict = (a) => (!Number.isFinite(a.heapMbPer1000Logins) || !Number.isFinite(a.rssMbPer1000Logins) ? 'too short to tell' : a.plateaued ? 'plateaued' : 'not plateaued');

/**
 * VmRSS and its parts: anonymous (the GC's heap, native heaps, thread stacks), file-backed (mapped
 * assemblies and native libraries) and shared (the runtime's double-mapped executable memory: JIT'd
 * code and stubs, W^X).
 */
export function rss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+)\\s+kB`).exec(status)?.[1]) * 1024;
    return { total: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile'), shmem: field('RssShmem') };
  } catch {
    return { total: NaN, anon: NaN, file: NaN, shmem: NaN };
  }
}

export const rssBytes = (pid) => rss(pid).total;

/** Least-squares slope of y over x; NaN with fewer than 3 points. */
function slope(points) {
  if (points.length < 3) return NaN;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  return sxx > 0 ? sxy / sxx : NaN;
}

const apiHeaders = (jar) => ({ cookie: `${cookieName}=${jar.get(cookieName)}`, 'x-csrf': '1' });

/** One user: login, /bff/user, three /api calls, and (unless `keep`) the logout, checked server-side. */
async function journey(bffUrl, keep, counts) {
  const jar = await login(bffUrl);
  counts.logins++;
  const user = await send(`${bffUrl}/bff/user`, { headers: apiHeaders(jar) });
  if (user.status !== 200) throw new Error(`/bff/user answered ${user.status}`);
  const logoutUrl = JSON.parse(user.text).find((c) => c.type === 'bff:logout_url')?.value;
  if (!logoutUrl) throw new Error('/bff/user has no bff:logout_url');
  for (let i = 0; i < 3; i++) {
    const api = await send(`${bffUrl}${apiPath}`, { headers: apiHeaders(jar) });
    if (api.status !== 200) throw new Error(`${apiPath} answered ${api.status}`);
  }
  if (keep) {
    counts.kept++;
    return;
  }
  const cookie = apiHeaders(jar).cookie;
  // BFF /bff/logout -> IdP /connect/endsession (which posts the logout token to /bff/backchannel
  // before answering) -> BFF /signout-callback-oidc -> /.
  const end = await follow(await send(new URL(logoutUrl, bffUrl), { jar }), jar);
  if (end.status >= 400) throw new Error(`the logout flow ended with ${end.status} at ${end.url}`);
  const after = await send(`${bffUrl}/bff/user`, { headers: { cookie, 'x-csrf': '1' } });
  if (after.status !== 401) throw new Error(`after the logout, /bff/user answered ${after.status} to the old cookie (expected 401)`);
  counts.logouts++;
}

/** A login started and left at the IdP's login page. */
async function abandon(bffUrl, counts) {
  const jar = new CookieJar();
  const page = await follow(await send(`${bffUrl}/bff/login?returnUrl=%2F`, { jar }), jar);
  if (page.status !== 200 || !page.text.includes('login-form')) throw new Error(`an abandoned login did not reach the IdP login page (${page.status} ${page.url})`);
  counts.abandoned++;
}

async function sample(bff, idp, t0, counts) {
  const bffRss = rss(bff.pid); // first: before the forced collections of /__bench/heap
  const idpRss = rssBytes(idp.pid);
  const heap = await getJson(`${bff.url}/__bench/heap`);
  return {
    sec: Math.round((performance.now() - t0) / 1000),
    logins: counts.logins,
    logouts: counts.logouts,
    kept: counts.kept,
    abandoned: counts.abandoned,
    failed: counts.failed,
    inFlight: counts.inFlight,
    rssBytes: bffRss.total,
    rssAnonBytes: bffRss.anon,
    rssFileBytes: bffRss.file,
    rssShmemBytes: bffRss.shmem,
    heapBytes: heap.heapBytes,
    gcCommittedBytes: heap.gcCommittedBytes,
    idpRssBytes: idpRss,
    activeSessions: heap.activeSessions,
    threads: heap.threads,
    caches: heap.caches,
  };
}

export function analyse(samples) {
  const last = samples.at(-1);
  const half = samples.filter((s) => s.sec >= last.sec / 2);
  const per1000 = (key) => slope(half.map((s) => ({ x: s.logins / 1000, y: mb(s[key]) })));
  const heap = per1000('heapBytes');
  const rss = per1000('rssBytes');
  const rssAnon = per1000('rssAnonBytes');
  const idp = per1000('idpRssBytes');
  const secondHalfLogins = half.length ? half.at(-1).logins - half[0].logins : 0;
  return {
    secondHalfFromSec: half[0]?.sec,
    secondHalfLogins,
    heapMbPer1000Logins: heap,
    rssMbPer1000Logins: rss,
    rssAnonMbPer1000Logins: rssAnon,
    idpRssMbPer1000Logins: idp,
    heapRangeSecondHalfMb: half.length ? [Math.min(...half.map((s) => mb(s.heapBytes))), Math.max(...half.map((s) => mb(s.heapBytes)))] : null,
    rssRangeSecondHalfMb: half.length ? [Math.min(...half.map((s) => mb(s.rssBytes))), Math.max(...half.map((s) => mb(s.rssBytes)))] : null,
    plateaued: heap < plateauCriteria.heapMbPer1000 && rss < plateauCriteria.rssMbPer1000,
    criteria: plateauCriteria,
  };
}

/** Soaks one store; returns its samples and analysis. */
export async function soakStore(store, o, { tmp, spaPath, redis, say }) {
  const upstream = host(`soak-upstream-${store}`, 'upstream', ['--Logging:LogLevel:Default=Warning', '--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information']);
  const idp = host(`soak-idp-${store}`, 'idp', idpArgs(join(tmp, `soak-idp-${store}`)));
  const [upstreamUrl, idpUrl] = await Promise.all([upstream.listening(), idp.listening()]);
  const started = await startBff(`soak-bff-${store.toLowerCase()}`, bffArgs({ idpUrl, upstreamUrl, store, spaPath, redis: redis?.socket, dataPath: join(tmp, `soak-bff-${store}`) }), { optional: store === 'Redis' });
  if (started.unavailable) return { store, unavailable: started.unavailable };
  const bff = started.child;

  const counts = { logins: 0, logouts: 0, kept: 0, abandoned: 0, failed: 0, inFlight: 0, skipped: 0 };
  const errors = [];
  const samples = [];
  const intervalMs = 1000 / o.soakRate;
  const durationMs = o.soak * 60_000;
  const t0 = performance.now();
  let next = t0;
  let tick = 0;
  let nextSample = t0;
  const running = new Set();
  const launch = (work) => {
    counts.inFlight++;
    const p = work()
      .catch((error) => {
        counts.failed++;
        if (errors.length < 20) errors.push(`${((performance.now() - t0) / 1000).toFixed(0)} s: ${error.message.slice(0, 300)}`);
      })
      .finally(() => {
        counts.inFlight--;
        running.delete(p);
      });
    running.add(p);
  };

  say(`soak, ${store} store: ${o.soak} min, ${o.soakRate} logins/s (9 in 10 logged out, 1 kept), ${o.soakRate / 5} abandoned logins/s, a sample every ${o.sampleSec} s`);
  while (performance.now() - t0 < durationMs) {
    const now = performance.now();
    if (now >= nextSample) {
      const s = await sample(bff, idp, t0, counts);
      samples.push(s);
      nextSample += o.sampleSec * 1000;
      say(`  ${String(s.sec).padStart(4)} s: ${fmt.int(s.logins)} logins, ${fmt.int(s.activeSessions)} active sessions, RSS ${mb(s.rssBytes).toFixed(1)} MB, heap after GC ${mb(s.heapBytes).toFixed(1)} MB, IdP RSS ${mb(s.idpRssBytes).toFixed(0)} MB; cookie cache ${s.caches.cookieTickets}, ticket cache ${s.caches.decryptedTickets}, read cache ${s.caches.storeReadCache ?? '—'}; ${s.failed} failed, ${s.inFlight} in flight`);
      if (counts.failed > 20 && counts.failed > counts.logins / 20) {
        throw new Error(`soak, ${store} store: ${counts.failed} journeys failed (of ${counts.logins} logins). First errors:\n  ${errors.join('\n  ')}\n${bff.tail(20)}`);
      }
      continue;
    }
    if (now < next) {
      await sleep(Math.min(next, nextSample) - now);
      continue;
    }
    next += intervalMs;
    if (counts.inFlight >= maxInFlight) {
      counts.skipped++; // the machine cannot keep up: do not pile up more
      continue;
    }
    const i = tick++;
    launch(() => journey(bff.url, i % 10 === 9, counts));
    if (i % 5 === 4) launch(() => abandon(bff.url, counts));
  }
  await Promise.allSettled([...running]);
  samples.push(await sample(bff, idp, t0, counts));
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all([bff.stop(), idp.stop(), upstream.stop()]);
  const result = { store, minutes: o.soak, rate: o.soakRate, seconds, loginsPerSecond: counts.logins / seconds, counts, errors, samples, analysis: analyse(samples) };
  const a = result.analysis;
  say(`  ${store}: ${fmt.int(counts.logins)} logins (${result.loginsPerSecond.toFixed(2)}/s), ${fmt.int(counts.logouts)} logged out, ${fmt.int(counts.abandoned)} abandoned, ${counts.failed} failed, ${counts.skipped} skipped; second half: heap ${slopeText(a.heapMbPer1000Logins)} MB and RSS ${slopeText(a.rssMbPer1000Logins)} MB per 1,000 logins: ${verdict(a)}`);
  return result;
}

export function soakMarkdown(run) {
  const m = run.machine;
  const sections = run.soaks.map((r) => {
    if (r.unavailable) return `## ${r.store} store\n\nnot run: ${r.unavailable}\n`;
    const a = r.analysis;
    const rows = r.samples.map((s) => [
      s.sec,
      fmt.int(s.logins),
      fmt.int(s.logouts),
      fmt.int(s.kept),
      fmt.int(s.abandoned),
      s.activeSessions ?? 'n/a',
      mb(s.rssBytes).toFixed(1),
      Number.isFinite(s.rssAnonBytes) ? `${mb(s.rssAnonBytes).toFixed(1)} / ${mb(s.rssFileBytes).toFixed(1)} / ${mb(s.rssBytes - s.rssAnonBytes - s.rssFileBytes).toFixed(1)}` : 'n/a',
      mb(s.heapBytes).toFixed(1),
      mb(s.gcCommittedBytes).toFixed(1),
      mb(s.idpRssBytes).toFixed(0),
      s.caches?.cookieTickets ?? '—',
      s.caches?.decryptedTickets ?? '—',
      s.caches?.storeReadCache ?? '—',
      s.caches?.memoryReplayCache ?? '—',
    ]);
    const range = (r2) => (r2 ? `${r2[0].toFixed(1)}–${r2[1].toFixed(1)} MB` : 'n/a');
    return `## ${r.store} store

${fmt.int(r.counts.logins)} logins in ${fmt.sec(r.seconds)} (${r.loginsPerSecond.toFixed(2)}/s; target ${r.rate}/s), ${fmt.int(r.counts.logouts)} logged out and checked ended (old cookie → 401), ${fmt.int(r.counts.kept)} never logged out, ${fmt.int(r.counts.abandoned)} abandoned at the IdP's login page; ${r.counts.failed} failed, ${r.counts.skipped} ticks skipped (more than ${maxInFlight} in flight).

**Second half (from ${a.secondHalfFromSec} s, ${fmt.int(a.secondHalfLogins)} logins): post-GC managed heap ${slopeText(a.heapMbPer1000Logins)} MB per 1,000 logins (range ${range(a.heapRangeSecondHalfMb)}), RSS ${slopeText(a.rssMbPer1000Logins)} MB per 1,000 logins (range ${range(a.rssRangeSecondHalfMb)}${Number.isFinite(a.rssAnonMbPer1000Logins) ? `; its anonymous part ${slopeText(a.rssAnonMbPer1000Logins)} MB` : ''}): ${verdict(a)}.** The dev IdP's RSS: ${slopeText(a.idpRssMbPer1000Logins)} MB per 1,000 logins.

${table(['s', 'logins', 'logged out', 'kept', 'abandoned', 'active sessions', 'BFF RSS MB', 'anonymous / file / shared MB', 'heap after GC MB', 'GC committed MB', 'IdP RSS MB', 'cookie cache', 'ticket cache', 'store read cache', 'replay cache (Memory)'], rows)}
${r.errors.length ? `\nFirst errors:\n\n${r.errors.map((e) => `* ${e}`).join('\n')}\n` : ''}`;
  });
  return `# BFF soak ${run.timestamp}

Commit \`${run.commit}\`. \`npm run bench -- --soak ${run.settings.soak}${run.settings.storesGiven ? ` --stores ${run.stores.join(',')}` : ''}${run.settings.soakRate !== 5 ? ` --soak-rate ${run.settings.soakRate}` : ''}\`.

Machine: ${m.nproc} cores (${m.cpu}), ${m.memory}, ${m.os}; .NET SDK ${m.dotnet}, Node.js ${m.node}${m.redis ? `, ${m.redis}` : ''}.

Per login: BFF \`/bff/login\` → dev IdP login page → POST credentials → BFF \`/signin-oidc\`; \`GET /bff/user\` and three \`GET /api/data\` with \`X-CSRF: 1\`; then for 9 logins in 10 the logout (\`bff:logout_url\` → IdP end-session, which posts a logout token to \`/bff/backchannel\` → \`/signout-callback-oidc\`), after which the old cookie must get 401 from \`/bff/user\`. One login in 5 is also started and left at the IdP's login page. Logins are started open-loop at ${run.settings.soakRate}/s. BFF with \`--Bff:Login:RateLimit=0 --Bff:Session:MaxPerUser=0\`, Release build, Server GC, every process on loopback.

Each sample: the BFF's RSS (\`VmRSS\` of /proc/PID/status, read first), then \`/__bench/heap\` on the BFF: \`GC.GetTotalMemory(true)\` after three full blocking compacting collections (every ${run.settings.sampleSec} s, so the RSS between samples is that of a process collected at least that often), the store's active sessions (the \`bff.sessions.active\` count) and the entries of the library's in-memory caches: the session cookie's decrypted-cookie cache, the decrypted-ticket cache, the Redis store's read cache, the Memory store's replay cache. Plateau: least-squares slope against logins completed over the second half of the run; plateaued when the heap grows by less than ${plateauCriteria.heapMbPer1000} MB and the RSS by less than ${plateauCriteria.rssMbPer1000} MB per 1,000 logins.

${sections.join('\n')}`;
}
