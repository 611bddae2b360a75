// `npm run bench -- --peers`: the BFF beside other token handlers in front of the same upstream,
// with the same real login (issue 17, item 5).
//
// Started on loopback, side by side: the bench upstream (1 KB JSON), the dev IdP (3 confidential
// clients: the BFF's `bff`, `mod-auth-openidc` and `express-openid-connect`; 1-hour access tokens so
// nobody refreshes during the run), bare YARP, the BFF (Memory store; Redis too when redis-server is
// on PATH), Apache httpd with mod_proxy alone (Apache's floor), Apache + mod_auth_openidc with its
// shm cache and with its Redis cache, express + http-proxy-middleware alone (express's floor), and
// express-openid-connect + http-proxy-middleware. Every relying party logs alice in through the dev
// IdP's login form (code flow, PKCE); before anything is measured, a request through each one
// reaches the upstream's token echo, and the driver verifies the token it received there (the
// IdP's signature, issuer, subject alice, audience sample-api, issued to that proxy's client) and
// that no cookie came with it. A peer that fails that is reported as failed, not measured.
//
// Then wrk (the main run's threads, connections and duration) drives GET /api/data through each
// target in rounds of alternating order; each floor gets the same request headers as the proxy it
// is the floor for. CPU per request is read from /proc for every target alike: the process (the
// .NET hosts, node) or the process tree (Apache's parent and its workers); Redis's own CPU is shown
// apart.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mustRun } from '../../scripts/lib.mjs';
import { cpuInterval, cpuSnapshot, processTree, threadTicks, ticksBetween, ticksByPid, ticksToMs } from './cpu.mjs';
import { codeFlowLogin, cookieHeader, send, sleep } from './http.mjs';
import { apiPath, benchDir, bffArgs, cookieName, host, idpArgs, quietAspNet, reverseProxyArgs, startBff } from './hosts.mjs';
import { Child, onCleanup, runningChildren, stopAll } from './processes.mjs';
import { wrk } from './wrk.mjs';
import { fmt, table } from './report.mjs';

export const peersDir = join(benchDir, 'peers');
const apache = '/usr/sbin/apache2';
const apacheModules = '/usr/lib/apache2/modules';
const tokenPath = '/api/__bench/token'; // the upstream's echo of the Authorization header (UpstreamApp.TokenPath)
const scope = 'openid profile email offline_access api';
const peerSecret = 'peer-secret';
const maxWarmupSec = 15;

/** Debian packages of the Apache peers (installed by apt-get when the driver runs as root). */
export const peerSystemPackages = [
  { name: 'apache2', check: () => existsSync(apache) },
  { name: 'libapache2-mod-auth-openidc', check: () => existsSync(join(apacheModules, 'mod_auth_openidc.so')) },
];

/**
 * The Node.js peers' packages, pinned in bench/peers/package.json and its lock file, installed into
 * bench/peers/node_modules (git-ignored) with `npm ci` when missing or older than the lock file:
 * never dependencies of the project itself.
 */
export async function ensurePeerNodeModules(say) {
  const marker = join(peersDir, 'node_modules', '.package-lock.json');
  const lock = join(peersDir, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing the Node.js peers into bench/peers/node_modules (npm ci; versions pinned by bench/peers/package-lock.json)');
  await mustRun('npm', ['ci', '--no-audit', '--no-fund'], { cwd: peersDir, quiet: true });
}

/** A port that was free a moment ago (for the processes that must be told their port: Apache, Redis). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Tries `start(port)` on up to 3 free ports: another process may take the port between freePort() and the bind. */
async function onFreePort(start) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= 3 || !/address already in use|could not bind|AH00072/i.test(error.message)) throw error;
    }
  }
}

/** redis-server on a TCP port (mod_auth_openidc wants host:port) and a unix socket (the BFF's Redis store). */
export async function startRedisTcp(tmp) {
  const socket = join(tmp, 'redis.sock');
  return onFreePort(async (port) => {
    const child = new Child('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', tmp]);
    await child.waitForLine(/ready to accept connections/i, 20_000, '"ready to accept connections"');
    return { child, socket, address: `127.0.0.1:${port}` };
  });
}

/**
 * The Apache configuration of one target, exactly as the bench runs it: its own ServerRoot,
 * foreground, no access log, mpm_event with a fixed pool of 2 processes × 64 threads, unlimited
 * keep-alive requests (as Kestrel and node), mod_proxy to the upstream for /api/, and with `oidc`
 * mod_auth_openidc in front of it. The pool: Debian's default resizing made wrk see read errors,
 * and so did 2 × 32 threads, a few per run: when every worker of a process is busy, mpm_event
 * closes that process's idle keep-alive connections, and one process may hold most of wrk's 32
 * connections. With 64 threads each, neither process can run out.
 */
export function apacheConfig({ dir, port, upstreamUrl, user, oidc }) {
  const modules = ['mpm_event', 'authn_core', 'authz_core', 'authz_user', 'headers', 'proxy', 'proxy_http', ...(oidc ? ['auth_openidc'] : [])];
  const lines = [
    '# Written by bench/lib/peers.mjs (npm run bench -- --peers).',
    `ServerRoot "${dir}"`,
    `PidFile "${dir}/httpd.pid"`,
    `DefaultRuntimeDir "${dir}"`,
    `Listen 127.0.0.1:${port}`,
    'ServerName 127.0.0.1',
    ...(user ? [`User ${user}`, `Group ${user}`] : []),
    ...modules.map((m) => `LoadModule ${m}_module ${apacheModules}/mod_${m}.so`),
    `ErrorLog "${dir}/error.log"`,
    'LogLevel warn',
    '# no CustomLog: no access log',
    'StartServers 2',
    'ServerLimit 2',
    'ThreadLimit 64',
    'ThreadsPerChild 64',
    'MaxRequestWorkers 128',
    'MinSpareThreads 8',
    'MaxSpareThreads 128',
    'MaxConnectionsPerChild 0',
    'KeepAlive On',
    'MaxKeepAliveRequests 0',
    `DocumentRoot "${dir}/htdocs"`,
    `ProxyPass /api/ ${upstreamUrl}/api/`,
  ];
  if (oidc) {
    lines.push(
      `OIDCProviderMetadataURL ${oidc.idpUrl}/.well-known/openid-configuration`,
      `OIDCClientID ${oidc.clientId}`,
      `OIDCClientSecret ${oidc.clientSecret}`,
      `OIDCRedirectURI http://127.0.0.1:${port}/oidc/callback`,
      `OIDCCryptoPassphrase ${oidc.passphrase}`,
      `OIDCScope "${scope}"`,
      'OIDCPKCEMethod S256',
      `OIDCCacheType ${oidc.cache}`,
      ...(oidc.cache === 'redis' ? [`OIDCRedisCacheServer ${oidc.redis}`] : []),
      'OIDCSessionInactivityTimeout 3600',
      'OIDCPassClaimsAs environment',
      'OIDCStripCookies mod_auth_openidc_session mod_auth_openidc_session_chunks mod_auth_openidc_session_0 mod_auth_openidc_session_1',
      '<Location />',
      '  AuthType openid-connect',
      '  Require valid-user',
      '</Location>',
      '<Location /api/>',
      '  OIDCUnAuthAction 401',
      '  RequestHeader set Authorization "Bearer %{OIDC_access_token}e"',
      '</Location>',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Starts Apache in the foreground with its own configuration in a folder of its own; resolves once it answers HTTP. */
async function startApache(name, base, options) {
  return onFreePort(async (port) => {
    const dir = join(base, `${name}-${port}`);
    mkdirSync(join(dir, 'htdocs'), { recursive: true });
    writeFileSync(join(dir, 'htdocs', 'login.html'), '<!doctype html><title>signed in</title>');
    // As root, Apache's workers run as www-data: they must reach the folder (mutexes, pid file).
    const user = process.getuid?.() === 0 ? 'www-data' : null;
    if (user) chmodSync(dir, 0o755);
    const config = apacheConfig({ dir, port, user, ...options });
    writeFileSync(join(dir, 'httpd.conf'), config);
    const child = new Child(name, apache, ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND']);
    // Its error log, as the last lines of output of a failure (Apache cannot open the driver's stderr: a socket).
    child.tail = (count = 20) => {
      const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8').split('\n') : [];
      return [...child.lines, ...log].filter(Boolean).slice(-count).map((l) => `    ${name}| ${l}`).join('\n');
    };
    // SIGTERM stops the parent and its workers; SIGKILL on the parent alone would leave workers behind.
    child.stopSignal = 'SIGTERM';
    const url = `http://127.0.0.1:${port}`;
    for (let waited = 0; ; waited += 100) {
      if (child.exited) throw new Error(`${name} exited with ${child.exitCode} at start:\n${child.tail(20)}`);
      if (waited > 20_000) throw new Error(`${name} did not answer on ${url} within 20 s:\n${child.tail(20)}`);
      try {
        await send(`${url}/login.html`, { timeoutMs: 2000 });
        break;
      } catch {
        await sleep(100);
      }
    }
    child.url = url;
    // Whatever happens later, no worker outlives the run.
    const workers = processTree(child.pid).slice(1);
    onCleanup(() => {
      for (const pid of workers) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    });
    return { child, url, config };
  });
}

/** Starts bench/peers/express.mjs (`proxy` or `oidc`); it prints the port the system gave it. */
async function startExpress(name, args) {
  const child = new Child(name, process.execPath, [join(peersDir, 'express.mjs'), ...args], { cwd: peersDir, env: { NODE_ENV: 'production' } });
  const match = await child.waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 30_000, '"listening on"');
  child.url = match[1];
  return { child };
}

/** The dev IdP's clients for this run (a configured list replaces the default one entirely). */
function idpClients() {
  const clients = [
    { id: 'bff', secret: 'bff-secret', redirect: 'http://127.0.0.1/signin-oidc' },
    { id: 'mod-auth-openidc', secret: peerSecret, redirect: 'http://127.0.0.1/oidc/callback' },
    { id: 'express-openid-connect', secret: peerSecret, redirect: 'http://127.0.0.1/callback' },
  ];
  return clients.flatMap((c, i) => [`--Idp:Clients:${i}:ClientId=${c.id}`, `--Idp:Clients:${i}:ClientSecret=${c.secret}`, `--Idp:Clients:${i}:RedirectUris:0=${c.redirect}`]);
}

/**
 * Verifies that the request through `target` reached the upstream with the user's access token:
 * the token the upstream received is checked against the dev IdP's keys (signature, issuer,
 * lifetime), subject alice, audience sample-api, issued to the target's client; no cookie came.
 * Then that /api/data answers the 1 KB document with a bearer token and no cookie.
 */
async function verifyToken(target, idpUrl, { jwks, jwtVerify }) {
  const echo = await send(`${target.url}${tokenPath}`, { headers: target.headers });
  if (echo.status !== 200) throw new Error(`GET ${tokenPath} answered ${echo.status}: ${echo.text.slice(0, 200)}`);
  const seen = JSON.parse(echo.text);
  if (seen.cookie) throw new Error('a cookie reached the upstream');
  const match = /^Bearer (\S+)$/.exec(seen.authorization ?? '');
  if (!match) throw new Error(`the upstream received no bearer token (Authorization: ${seen.authorization === null ? 'none' : 'not a bearer token'})`);
  const { payload } = await jwtVerify(match[1], jwks, { issuer: `${idpUrl}/`, audience: 'sample-api' }).catch((error) => {
    throw new Error(`the token the upstream received is not a valid access token of the dev IdP: ${error.message}`);
  });
  if (payload.sub !== 'alice') throw new Error(`the token's subject is '${payload.sub}', not alice`);
  if (payload.client_id !== target.clientId) throw new Error(`the token was issued to '${payload.client_id}', not to ${target.clientId}`);
  const data = await send(`${target.url}${apiPath}`, { headers: target.headers });
  if (data.status !== 200 || data.text.length !== 1024) throw new Error(`GET ${apiPath} answered ${data.status} with ${data.text.length} bytes`);
  if (data.headers.get('x-bench-auth') !== 'bearer' || data.headers.get('x-bench-cookie') !== 'none') {
    throw new Error(`GET ${apiPath}: the upstream saw authorization '${data.headers.get('x-bench-auth')}' and cookie '${data.headers.get('x-bench-cookie')}'`);
  }
  return { sub: payload.sub, clientId: payload.client_id, aud: payload.aud, scope: payload.scope };
}

async function checkFloor(target) {
  const data = await send(`${target.url}${apiPath}`, { headers: target.headers });
  if (data.status !== 200 || data.text.length !== 1024) throw new Error(`GET ${apiPath} answered ${data.status} with ${data.text.length} bytes`);
}

const socketErrorText = (r) => (r.socketErrorsBy ? Object.entries(r.socketErrorsBy).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ') || 'none' : 'none');

const wrkHeaders = (headers) => Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
const isDotnet = (target) => ['yarp', 'bff'].includes(target.kind);

/**
 * The main run's warm-up: first round, wrk at 4 connections in 1-second steps for at least
 * `warmupSec` (the .NET hosts: until their JIT's background compiler is done, at most 15 s), then
 * 2 s at full concurrency; later rounds 1 s at full concurrency.
 */
async function warmUp(target, url, headers, o, round) {
  let seconds = 0;
  if (round === 1) {
    while (seconds < (isDotnet(target) ? maxWarmupSec : o.warmupSec)) {
      const before = isDotnet(target) ? threadTicks(target.child.pid, '.NET Tiered Com') : 0;
      await wrk(url, { threads: 1, connections: 4, durationSec: 1, headers });
      seconds += 1;
      const jitMs = isDotnet(target) ? ticksToMs(threadTicks(target.child.pid, '.NET Tiered Com') - before) : 0;
      if (seconds >= o.warmupSec && !(jitMs >= 50)) break;
    }
  }
  const last = round === 1 ? 2 : 1;
  await wrk(url, { threads: o.threads, connections: o.connections, durationSec: last, headers });
  return seconds + last;
}

async function measure(target, redis, o, round) {
  const url = `${target.url}${apiPath}`;
  const headers = wrkHeaders(target.headers);
  const warmupSec = await warmUp(target, url, headers, o, round);
  const pids = processTree(target.child.pid);
  const before = ticksByPid(pids);
  const redisBefore = redis ? ticksByPid([redis.child.pid]) : null;
  const machineBefore = cpuSnapshot(runningChildren().flatMap((c) => processTree(c.pid)));
  const result = await wrk(url, { threads: o.threads, connections: o.connections, durationSec: o.durationSec, headers });
  const machine = cpuInterval(machineBefore, cpuSnapshot(runningChildren().flatMap((c) => processTree(c.pid))), result.wrkCpuSeconds);
  const proxyMs = ticksToMs(ticksBetween(before, ticksByPid(pids)));
  const redisMs = redis && target.usesRedis ? ticksToMs(ticksBetween(redisBefore, ticksByPid([redis.child.pid]))) : null;
  // A non-2xx answer fails the target; socket errors are reported (the table's last column) and
  // fail it only above 1 % of the requests: a timeout (5 s) on this shared machine is not a broken proxy.
  if (result.non2xx > 0 || result.socketErrors > result.requests / 100) {
    throw new Error(`${result.non2xx} non-2xx answers and ${result.socketErrors} socket errors (${socketErrorText(result)}) out of ${result.requests} requests`);
  }
  return {
    round,
    ...result,
    processes: pids.length,
    cpuUsPerRequest: (proxyMs * 1000) / result.requests,
    redisCpuUsPerRequest: redisMs === null ? null : (redisMs * 1000) / result.requests,
    warmupSec,
    machineBusyPct: machine.busyPct,
    foreignCpuPct: machine.foreignPct,
  };
}

/** Runs the peers measurement; answers the run's record (the caller writes the report). */
export async function runPeers(o, { tmp, redisOnPath, say }) {
  await ensurePeerNodeModules(say);
  // Apache's folders: its workers (www-data when the driver is root) must reach them, the driver's temp folder is 0700.
  const apacheBase = mkdtempSync(join(tmpdir(), 'bff-peers-apache-'));
  chmodSync(apacheBase, 0o755);
  onCleanup(() => rmSync(apacheBase, { recursive: true, force: true }));

  say(`starting upstream, dev IdP${redisOnPath ? ', redis-server (TCP and unix socket)' : ''}`);
  const upstream = host('upstream', 'upstream', ['--Logging:LogLevel:Default=Warning', '--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information']);
  const idp = host('idp', 'idp', idpArgs(join(tmp, 'idp'), ['--Idp:AccessTokenLifetime=01:00:00', ...idpClients()]));
  const redis = redisOnPath ? await startRedisTcp(tmp) : null;
  const [upstreamUrl, idpUrl] = await Promise.all([upstream.listening(), idp.listening()]);

  say('starting bare YARP, the BFF, Apache (mod_proxy alone; mod_auth_openidc with shm and with Redis), express (alone; with express-openid-connect)');
  const passphrase = randomBytes(24).toString('hex');
  const oidc = (cache) => ({ idpUrl, clientId: 'mod-auth-openidc', clientSecret: peerSecret, passphrase, cache, redis: redis?.address });
  const yarp = host('yarp', 'yarp', [...quietAspNet, ...reverseProxyArgs(upstreamUrl)]);
  const bffMemory = startBff('bff-memory', bffArgs({ idpUrl, upstreamUrl, store: 'Memory', spaPath: tmp, dataPath: join(tmp, 'bff-Memory') }), { optional: false });
  const bffRedis = redis ? startBff('bff-redis', bffArgs({ idpUrl, upstreamUrl, store: 'Redis', spaPath: tmp, redis: redis.socket, dataPath: join(tmp, 'bff-Redis') }), { optional: true }) : null;
  const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));
  const starts = {
    apacheFloor: settle(startApache('apache-proxy', apacheBase, { upstreamUrl })),
    apacheShm: settle(startApache('apache-oidc-shm', apacheBase, { upstreamUrl, oidc: oidc('shm') })),
    apacheRedis: redis ? settle(startApache('apache-oidc-redis', apacheBase, { upstreamUrl, oidc: oidc('redis') })) : null,
    expressFloor: settle(startExpress('express-proxy', ['proxy', '--upstream', upstreamUrl])),
    expressOidc: settle(startExpress('express-oidc', ['oidc', '--upstream', upstreamUrl, '--issuer', `${idpUrl}/`, '--client-id', 'express-openid-connect', '--client-secret', peerSecret, '--scope', scope])),
  };
  await yarp.listening();
  const memory = await bffMemory;
  const redisBff = bffRedis ? await bffRedis : null;

  const bffLogin = (url) => codeFlowLogin(`${url}/bff/login?returnUrl=%2F`, { callbackPath: '/signin-oidc', sessionCookie: cookieName, navigate: true });
  const apacheLogin = (url) => codeFlowLogin(`${url}/login.html`, { callbackPath: '/oidc/callback', sessionCookie: 'mod_auth_openidc_session', navigate: true });
  const expressLogin = (url) => codeFlowLogin(`${url}/login`, { callbackPath: '/callback', sessionCookie: /^appSession(\.\d+)?$/, navigate: true });
  const bffCookies = /^__Host-bff$/;
  const apacheCookies = /^mod_auth_openidc_session/;
  const expressCookies = /^appSession(\.\d+)?$/;

  // label, kind, the floor it is compared with, how it logs in, which cookies wrk sends.
  const pending = [
    { key: 'yarp', label: 'bare YARP', kind: 'yarp', group: 'BFF', started: { value: { child: yarp } }, floorOf: 'bffMemory' },
    { key: 'bffMemory', label: 'BFF, Memory store', kind: 'bff', group: 'BFF', started: { value: memory }, floor: 'yarp', clientId: 'bff', login: bffLogin, cookies: bffCookies },
    ...(redis
      ? [{ key: 'bffRedis', label: 'BFF, Redis store', kind: 'bff', group: 'BFF', started: redisBff.unavailable ? { error: new Error(redisBff.unavailable) } : { value: redisBff }, floor: 'yarp', clientId: 'bff', login: bffLogin, cookies: bffCookies, usesRedis: true }]
      : []),
    { key: 'apacheFloor', label: 'Apache mod_proxy alone', kind: 'floor', group: 'Apache httpd', started: await starts.apacheFloor, floorOf: 'apacheShm' },
    { key: 'apacheShm', label: 'Apache + mod_auth_openidc, shm cache', kind: 'peer', group: 'Apache httpd', started: await starts.apacheShm, floor: 'apacheFloor', clientId: 'mod-auth-openidc', login: apacheLogin, cookies: apacheCookies },
    ...(redis
      ? [{ key: 'apacheRedis', label: 'Apache + mod_auth_openidc, Redis cache', kind: 'peer', group: 'Apache httpd', started: await starts.apacheRedis, floor: 'apacheFloor', clientId: 'mod-auth-openidc', login: apacheLogin, cookies: apacheCookies, usesRedis: true }]
      : []),
    { key: 'expressFloor', label: 'express + http-proxy-middleware alone', kind: 'floor', group: 'express', started: await starts.expressFloor, floorOf: 'expressOidc' },
    { key: 'expressOidc', label: 'express-openid-connect + http-proxy-middleware', kind: 'peer', group: 'express', started: await starts.expressOidc, floor: 'expressFloor', clientId: 'express-openid-connect', login: expressLogin, cookies: expressCookies },
  ];

  // --- the same login for every relying party, and the token check at the upstream -------------
  say('logging alice in through the dev IdP at each proxy, verifying at the upstream the token each attached');
  // jose: the project's own dev dependency (npm ci at the root), loaded here only, so that the
  // other modes of the driver still need no npm package.
  const { createRemoteJWKSet, jwtVerify } = await import('jose');
  const keys = { jwks: createRemoteJWKSet(new URL(`${idpUrl}/.well-known/jwks`)), jwtVerify };
  const targets = [];
  for (const p of pending) {
    const target = { ...p, started: undefined };
    targets.push(target);
    if (p.started.error) {
      target.failed = `did not start: ${p.started.error.message.split('\n')[0]}`;
      console.error(`[bench] ${p.label}: ${p.started.error.message}`);
      continue;
    }
    target.child = p.started.value.child;
    target.url = target.child.url;
    target.config = p.started.value.config;
    if (!p.login) continue; // a floor: its headers are its peer's, set below
    try {
      const jar = await p.login(target.url);
      target.headers = { cookie: cookieHeader(jar, p.cookies), 'x-csrf': '1' };
      target.cookieBytes = target.headers.cookie.length;
      target.token = await verifyToken(target, idpUrl, keys);
      say(`  ${target.label}: token of ${target.token.sub} for ${target.token.aud} issued to ${target.token.clientId} reached the upstream, no cookie (session cookie ${target.cookieBytes} B)`);
    } catch (error) {
      target.failed = `failed the login or the token check: ${error.message}`;
      console.error(`[bench] ${target.label}: ${error.message}\n${target.child.tail(20)}`);
    }
  }
  const byKey = new Map(targets.map((t) => [t.key, t]));
  for (const floor of targets.filter((t) => t.floorOf)) {
    // The floor gets the same request as the proxy it is the floor for (its session cookie and X-CSRF: 1).
    const peer = byKey.get(floor.floorOf);
    if (floor.failed) continue;
    floor.headers = peer.headers ?? { 'x-csrf': '1' };
    try {
      await checkFloor(floor);
    } catch (error) {
      floor.failed = `failed its check: ${error.message}`;
    }
  }
  if (byKey.get('yarp').failed || byKey.get('bffMemory').failed) throw new Error(`bare YARP or the BFF failed: ${byKey.get('yarp').failed ?? byKey.get('bffMemory').failed}`);

  // --- throughput: rounds in alternating order ------------------------------------------------
  const live = targets.filter((t) => !t.failed);
  for (const t of live) t.rounds = [];
  for (let round = 1; round <= o.rounds; round++) {
    const order = round % 2 === 1 ? [...live] : [...live].reverse();
    for (const target of order) {
      say(`round ${round}/${o.rounds}: ${target.label}`);
      try {
        const r = await measure(target, redis, o, round);
        target.rounds.push(r);
        say(`  ${fmt.int(r.rps)} req/s, p50 ${fmt.ms(r.p50Ms)}, p99 ${fmt.ms(r.p99Ms)}, ${fmt.us(r.cpuUsPerRequest)} CPU/req (${r.processes} process${r.processes > 1 ? 'es' : ''})${r.redisCpuUsPerRequest !== null ? ` + Redis ${fmt.us(r.redisCpuUsPerRequest)}` : ''}${r.socketErrors ? `, ${r.socketErrors} socket errors (${socketErrorText(r)})` : ''}; other processes used ${r.foreignCpuPct.toFixed(0)} % of the machine`);
      } catch (error) {
        target.failed = `failed while measured: ${error.message.split('\n')[0]}`;
        console.error(`[bench] ${target.label}: ${error.message}\n${target.child.tail(20)}`);
        live.splice(live.indexOf(target), 1);
      }
    }
  }
  await stopAll();

  const results = targets.map((t) => {
    const base = { key: t.key, label: t.label, kind: t.kind, group: t.group, floor: t.floor ?? null, clientId: t.clientId ?? null, token: t.token ?? null, cookieBytes: t.cookieBytes ?? null };
    if (t.failed) return { ...base, failed: t.failed };
    if (!t.rounds.length) return { ...base, failed: 'not measured' };
    const best = t.rounds.reduce((a, b) => (b.rps > a.rps ? b : a));
    return { ...base, rounds: t.rounds, best, minRps: Math.min(...t.rounds.map((r) => r.rps)), maxRps: Math.max(...t.rounds.map((r) => r.rps)) };
  });
  const configs = {
    apacheFloor: byKey.get('apacheFloor').config ?? null,
    apacheShm: byKey.get('apacheShm').config ?? null,
    apacheRedis: byKey.get('apacheRedis')?.config ?? null,
  };
  return { results, configs, redis: Boolean(redis) };
}

/** The table: best round per target, its own floor and bare YARP as ratios. */
export function peersTable(run) {
  const byKey = new Map(run.results.map((r) => [r.key, r]));
  const yarp = byKey.get('yarp');
  const ratio = (r, floor) => (floor && !floor.failed && !r.failed ? fmt.ratio(r.best.rps / floor.best.rps) : 'n/a');
  return table(
    ['target', 'requests/s (best; range over rounds)', 'p50', 'p99', 'vs its own floor', 'vs bare YARP', 'proxy CPU / request', 'other processes\' CPU', 'socket errors (all rounds)'],
    run.results.map((r) => {
      if (r.failed) return [r.label, `**${r.failed.split('\n')[0].slice(0, 200)}**`, '', '', '', '', '', '', ''];
      const errors = r.rounds.reduce((n, x) => n + x.socketErrors, 0);
      const b = r.best;
      const own = r.floor ? ratio(r, byKey.get(r.floor)) : r.key === 'yarp' ? '—' : '1.00× (floor)';
      return [
        r.label,
        `${fmt.int(b.rps)}${r.rounds.length > 1 ? ` (${fmt.int(r.minRps)}–${fmt.int(r.maxRps)})` : ''}`,
        fmt.ms(b.p50Ms),
        fmt.ms(b.p99Ms),
        own,
        r.key === 'yarp' ? '1.00×' : ratio(r, yarp),
        `${fmt.us(b.cpuUsPerRequest)}${b.redisCpuUsPerRequest !== null ? ` + Redis ${fmt.us(b.redisCpuUsPerRequest)}` : ''}`,
        `${b.foreignCpuPct.toFixed(0)} %`,
        errors === 0 ? '0' : `${errors} (${r.rounds.filter((x) => x.socketErrors).map((x) => `round ${x.round}: ${socketErrorText(x)}`).join('; ')})`,
      ];
    }),
  );
}

export function peersRoundsTable(run) {
  const rows = [];
  for (const r of run.results) {
    for (const x of r.rounds ?? []) {
      rows.push([r.label, x.round, fmt.int(x.rps), fmt.ms(x.p50Ms), fmt.ms(x.p99Ms), `${fmt.us(x.cpuUsPerRequest)}${x.redisCpuUsPerRequest !== null ? ` + Redis ${fmt.us(x.redisCpuUsPerRequest)}` : ''}`, x.processes, `${x.warmupSec} s`, `${x.machineBusyPct.toFixed(0)} % / ${x.foreignCpuPct.toFixed(0)} %`, x.socketErrors ? socketErrorText(x) : '0']);
    }
  }
  return table(['target', 'round', 'requests/s', 'p50', 'p99', 'CPU / request', 'processes', 'warm-up', 'machine busy / other processes', 'socket errors'], rows);
}

export function peersMarkdown(run) {
  const s = run.settings;
  const tokens = run.results
    .filter((r) => r.token)
    .map((r) => `- ${r.label}: the upstream received a bearer access token of \`${r.token.sub}\` for \`${r.token.aud}\`, issued to \`${r.token.clientId}\`, signature checked against the dev IdP's keys; no cookie (the session cookie wrk sends: ${r.cookieBytes} characters)`)
    .join('\n');
  const apacheConfigs = Object.entries(run.configs)
    .filter(([, c]) => c)
    .map(([k, c]) => `### ${k === 'apacheFloor' ? 'Apache mod_proxy alone' : k === 'apacheShm' ? 'Apache + mod_auth_openidc, shm cache' : 'Apache + mod_auth_openidc, Redis cache'}\n\n\`\`\`apache\n${c.replace(/OIDCCryptoPassphrase \S+/, 'OIDCCryptoPassphrase <random per run>')}\`\`\``)
    .join('\n\n');
  return `GET \`/api/data\` (upstream: 1 KB JSON) through each target, \`wrk -t${s.threads} -c${s.connections} -d${s.durationSec}s --latency\`, ${s.rounds} rounds in alternating order after a warm-up (first round at 4 connections for at least ${s.warmupSec} s, the .NET hosts until their JIT is done, then 2 s at full concurrency; 1 s before later rounds). Each proxy is measured with the session cookie of a real code-flow login of alice through the dev IdP's login form and \`X-CSRF: 1\`; each floor with the same headers as the proxy it is the floor for. CPU per request: the proxy's processes (Apache: the parent and its workers) from /proc over the measured interval; Redis's apart.

${peersTable(run)}

The access token each proxy attached, checked at the upstream before measuring:

${tokens}

## Every round

${peersRoundsTable(run)}

## Configurations (as the bench wrote them)

${apacheConfigs}

### express

\`bench/peers/express.mjs\` (express ${run.versions.express}, express-openid-connect ${run.versions['express-openid-connect']}, http-proxy-middleware ${run.versions['http-proxy-middleware']}, NODE_ENV=production): the floor is \`createProxyMiddleware({ target, pathFilter: '/api', agent: new http.Agent({ keepAlive: true }) })\`; the peer puts \`auth({ issuerBaseURL, baseURL, clientID: 'express-openid-connect', clientSecret, secret, authRequired: false, idpLogout: false, authorizationParams: { response_type: 'code', scope: '${scope}' } })\` and \`requiresAuth()\` on /api before the same proxy, whose \`proxyReq\` hook sets \`Authorization: Bearer \${req.oidc.accessToken.access_token}\` and removes the Cookie header. Sessions: the library's default (the session encrypted in its own \`appSession\` cookie, rolled on every response).
`;
}
