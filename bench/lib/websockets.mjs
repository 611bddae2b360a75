// `npm run bench -- --websockets [N]`: WebSockets through the BFF against bare YARP (issue 18).
//
// The upstream echoes every message at /api/__bench/ws (and refuses nothing: it reports in the
// 101 answer whether a bearer token came). Per round, in alternating order:
// * bare YARP and the BFF (Memory store) each get N idle sockets, opened 50 at a time, each
//   proven with one echoed message. Through the BFF each socket is its own session (N sessions
//   signed in through the real cookie handler and ticket store: POST /__bench/cookies, copies of one
//   real login's ticket), with the browser's Origin, as a page of the BFF's own origin sends it.
//   The proxy's managed heap after full collections and its RSS are read before and after
//   (GET /__bench/collected), and the difference divided by N is the memory of an open socket.
// * the message round trip: one socket, 32-byte messages sent one after another, p50 and p99,
//   directly to the upstream (the floor), through bare YARP and through the BFF.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getJson, login, percentile, pool } from './http.mjs';
import { bffArgs, cookieName, host, idpArgs, quietAspNet, reverseProxyArgs } from './hosts.mjs';
import { stopAll } from './processes.mjs';
import { openWebSocket } from './wsclient.mjs';
import { fmt, table } from './report.mjs';

export const defaultSockets = 1000;
const wsPath = '/api/__bench/ws';
const messages = 2000;
const warmupMessages = 1000;

function wsUrl(httpUrl) {
  return `${httpUrl.replace(/^http/, 'ws')}${wsPath}`;
}

async function echo(socket, text) {
  socket.send(text);
  const answer = (await socket.receive()).toString();
  if (answer !== text) throw new Error(`the echo answered '${answer.slice(0, 40)}' to '${text.slice(0, 40)}'`);
}

/** Opens one socket per entry of `headerSets` (50 at a time), each proven with one echo. */
async function openSockets(url, headerSets, expectBearer) {
  return pool(headerSets.length, 50, async (i) => {
    const socket = await openWebSocket(url, headerSets[i]);
    const auth = /^x-bench-auth:\s*(\S+)/im.exec(socket.head)?.[1];
    if (expectBearer !== (auth === 'bearer')) throw new Error(`socket ${i}: the upstream saw Authorization '${auth}' (expected ${expectBearer ? 'a bearer token' : 'none'})`);
    await echo(socket, `hello ${i}`);
    return socket;
  });
}

async function roundTrips(url, headers, httpUrl) {
  const socket = await openWebSocket(url, headers);
  const statsBefore = httpUrl ? await getJson(`${httpUrl}/__bench/stats`) : null;
  const text = 'x'.repeat(32);
  for (let i = 0; i < warmupMessages; i++) await echo(socket, text);
  const times = [];
  for (let i = 0; i < messages; i++) {
    const t = performance.now();
    await echo(socket, text);
    times.push(performance.now() - t);
  }
  socket.close();
  const statsAfter = httpUrl ? await getJson(`${httpUrl}/__bench/stats`) : null;
  times.sort((a, b) => a - b);
  return {
    gcs: statsBefore ? ['gen0', 'gen1', 'gen2'].map((g) => statsAfter[g] - statsBefore[g]).join('/') : undefined,
    cpuMsPerMessage: statsBefore ? (statsAfter.cpuMs - statsBefore.cpuMs) / (messages + warmupMessages) : undefined,
    slowest: times.slice(-5).map((t) => +t.toFixed(2)), p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), meanMs: times.reduce((a, b) => a + b, 0) / times.length };
}

async function memoryPerSocket(target, count) {
  // Each session used once first, so the memory measured is the sockets', not the sessions' in use
  // (the BFF keeps a used session's decrypted ticket for minutes).
  await pool(count, 20, async (i) => {
    const cookie = target.headers[i].Cookie;
    const response = await fetch(`${target.httpUrl}/api/data`, { headers: cookie ? { cookie, 'x-csrf': '1' } : {} });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${target.label}: GET /api/data answered ${response.status}`);
  });
  // Warm the path (JIT, pools): open and close 50 sockets first.
  for (const s of await openSockets(target.url, target.headers.slice(0, 50), target.bearer)) s.close();
  const before = await getJson(`${target.httpUrl}/__bench/collected`);
  const sockets = await openSockets(target.url, target.headers.slice(0, count), target.bearer);
  const after = await getJson(`${target.httpUrl}/__bench/collected`);
  for (const s of sockets) s.close();
  return {
    heapBytesPerSocket: (after.heapBytes - before.heapBytes) / count,
    rssBytesPerSocket: (after.workingSetBytes - before.workingSetBytes) / count,
    threadsBefore: before.threads,
    threadsAfter: after.threads,
  };
}

export async function runWebSockets(o, { tmp, say }) {
  const count = o.websockets;
  const upstream = host('upstream', 'upstream', ['--Logging:LogLevel:Default=Warning', '--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information']);
  const idp = host('idp', 'idp', idpArgs(join(tmp, 'idp')));
  const [upstreamUrl, idpUrl] = await Promise.all([upstream.listening(), idp.listening()]);
  const yarp = host('yarp', 'yarp', [...quietAspNet, ...reverseProxyArgs(upstreamUrl)]);
  const bff = host('bff', 'bff', bffArgs({ idpUrl, upstreamUrl, store: 'Memory', dataPath: join(tmp, 'bff'), spaPath: join(tmp, 'spa') }));
  const [yarpUrl, bffUrl] = await Promise.all([yarp.listening(), bff.listening()]);

  say(`logging in to the BFF and signing in ${fmt.int(count + 50)} sessions through its store`);
  const jar = await login(bffUrl);
  const cookieFile = join(tmp, 'cookies.txt');
  const signIn = await fetch(`${bffUrl}/__bench/cookies?count=${count + 49}&file=${encodeURIComponent(cookieFile)}`, { method: 'POST', headers: { cookie: `${cookieName}=${jar.get(cookieName)}` } });
  if (!signIn.ok) throw new Error(`POST /__bench/cookies answered ${signIn.status}`);
  const cookies = [`${cookieName}=${jar.get(cookieName)}`, ...readFileSync(cookieFile, 'utf8').split('\n').filter(Boolean)];
  if (cookies.length < count + 50) throw new Error(`only ${cookies.length} session cookies were written`);

  // The browser sends its page's Origin on a WebSocket; the BFF accepts only its own (or listed) origins.
  const targets = [
    { label: 'bare YARP', httpUrl: yarpUrl, url: wsUrl(yarpUrl), bearer: false, headers: cookies.map(() => ({})) },
    { label: 'BFF, Memory store', httpUrl: bffUrl, url: wsUrl(bffUrl), bearer: true, headers: cookies.map((cookie) => ({ Origin: bffUrl, Cookie: cookie })) },
  ];
  const results = new Map(targets.map((t) => [t.label, { label: t.label, memory: [], latency: [] }]));
  const direct = [];
  for (let round = 1; round <= o.rounds; round++) {
    const order = round % 2 === 1 ? targets : [...targets].reverse();
    for (const t of order) {
      say(`round ${round}/${o.rounds}: ${t.label}: ${fmt.int(count)} idle sockets`);
      const memory = await memoryPerSocket(t, count);
      results.get(t.label).memory.push(memory);
      say(`  ${fmt.bytes(memory.heapBytesPerSocket)} managed heap and ${fmt.bytes(memory.rssBytesPerSocket)} RSS per open socket`);
      const latency = await roundTrips(t.url, t.headers[0], t.httpUrl);
      results.get(t.label).latency.push(latency);
      say(`  round trip of a 32-byte message: p50 ${fmt.ms(latency.p50Ms)}, p99 ${fmt.ms(latency.p99Ms)} (slowest ${latency.slowest.join(', ')} ms; the proxy's GCs ${latency.gcs}, ${latency.cpuMsPerMessage.toFixed(3)} ms CPU per message)`);
    }
    direct.push(await roundTrips(wsUrl(upstreamUrl), {}));
  }
  await stopAll();
  return { sockets: count, messages, targets: [...results.values()], direct };
}

const best = (list, key) => Math.min(...list.map((x) => x[key]));
const range = (list, key, f) => (list.length > 1 ? `${f(Math.min(...list.map((x) => x[key])))}–${f(Math.max(...list.map((x) => x[key])))}` : f(list[0][key]));

export function webSocketsMarkdown(r) {
  const yarp = r.targets.find((t) => t.label === 'bare YARP');
  const rows = r.targets.map((t) => [
    t.label,
    range(t.memory, 'heapBytesPerSocket', fmt.bytes),
    range(t.memory, 'rssBytesPerSocket', fmt.bytes),
    range(t.latency, 'p50Ms', fmt.ms),
    range(t.latency, 'p99Ms', fmt.ms),
    t === yarp ? '' : `${fmt.signedMs(best(t.latency, 'p50Ms') - best(yarp.latency, 'p50Ms'))} / ${fmt.signedMs(best(t.latency, 'p99Ms') - best(yarp.latency, 'p99Ms'))}`,
  ]);
  rows.push(['upstream directly (the floor)', '', '', range(r.direct, 'p50Ms', fmt.ms), range(r.direct, 'p99Ms', fmt.ms), '']);
  return `${fmt.int(r.sockets)} idle WebSockets per proxy (through the BFF: one session each, with its Origin; the upstream confirmed the BFF's bearer token on each upgrade), then ${fmt.int(r.messages)} 32-byte messages echoed one after another on one socket; ranges over the rounds.

${table(['proxy', 'managed heap per open socket', 'RSS per open socket', 'round trip p50', 'p99', 'added vs bare YARP (p50 / p99, best rounds)'], rows)}
`;
}
