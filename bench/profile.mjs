// `node bench/profile.mjs [--target bff|yarp|login] [--store Memory] [--duration 10] [--top 40] [--sessions N [--used M]] [--no-build]`
//
// Where does a proxied request's CPU go? Starts the upstream API, the dev IdP and one proxy (the
// BFF with the given store, or bare YARP), logs in, loads it with wrk, and meanwhile samples it
// with dotnet-trace. `--target login`: where does a login's CPU go? The BFF is warmed with 60 full
// code-flow logins through the dev IdP, then sampled while logins run 4 at a time; the shares are
// split by the login's steps (challenge and PAR, code redemption, ID-token validation, userinfo,
// the session's protection and store write) (thread-time sampling, reduced to running threads; installed from NuGet into a temporary tool folder when it is
// not on PATH). Prints the CPU share of each component of a proxied request and the top methods,
// and writes them, with the .nettrace file, to bench/results/<timestamp>-profile-<target>.*
// `--sessions N` (bff only): N sessions signed in as `--scale` signs them in (lib/scale.mjs), every
// request with the next session's cookie, as the scale rows do; `--used M`: all N signed in and
// warmed, the traffic on the first M only (`--used 1`: the scale table's "1 (N held)" row). Two
// profiles of one N, with and without `--used 1`, show where the cost of spreading requests goes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureSystemPackages, mustRun, root } from '../scripts/lib.mjs';
import { Child, installExitHandlers, killAllSync, onCleanup, stopAll } from './lib/processes.mjs';
import { login, send, sleep } from './lib/http.mjs';
import { luaScript, signInSessions } from './lib/scale.mjs';
import { warmLogins } from './lib/logins.mjs';
import { wrk } from './lib/wrk.mjs';
import { analyze, formatAnalysis, loginComponents } from './lib/speedscope.mjs';
import { apiPath, benchDir, bffArgs, build, commandExists, cookieName, host, idpArgs, quietAspNet, reverseProxyArgs, startRedis } from './lib/hosts.mjs';

const o = { target: 'bff', store: 'Memory', durationSec: 10, top: 40, build: true, connections: 32, threads: 2, sessions: 0, used: 0 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--target') o.target = argv[++i];
  else if (arg === '--store') o.store = argv[++i];
  else if (arg === '--duration') o.durationSec = Number(argv[++i]);
  else if (arg === '--top') o.top = Number(argv[++i]);
  else if (arg === '--sessions') o.sessions = Number(argv[++i]);
  else if (arg === '--used') o.used = Number(argv[++i]);
  else if (arg === '--no-build') o.build = false;
  else {
    console.error(`unknown option '${arg}'. Options: --target bff|yarp|login, --store Memory|Sqlite|Redis, --duration SEC, --top N, --sessions N, --used M, --no-build`);
    process.exit(2);
  }
}
if (!['bff', 'yarp', 'login'].includes(o.target) || !(o.durationSec >= 3 && o.durationSec <= 60)) {
  console.error('--target must be bff, yarp or login; --duration between 3 and 60 seconds');
  process.exit(2);
}
if (o.sessions && (o.target !== 'bff' || !Number.isInteger(o.sessions) || o.sessions < 1 || o.sessions > 1_000_000)) {
  console.error('--sessions needs --target bff and a count from 1 to 1000000');
  process.exit(2);
}
if (o.used && (!o.sessions || !Number.isInteger(o.used) || o.used < 1 || o.used > o.sessions)) {
  console.error('--used needs --sessions N and a count from 1 to N');
  process.exit(2);
}

const say = (message) => console.log(`[profile] ${message}`);

async function dotnetTrace(tmp) {
  if (commandExists('dotnet-trace')) return 'dotnet-trace';
  const tools = join(tmp, 'tools');
  say('installing dotnet-trace from NuGet into a temporary tool folder');
  await mustRun('dotnet', ['tool', 'install', 'dotnet-trace', '--tool-path', tools], { env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } });
  return join(tools, 'dotnet-trace');
}

async function main() {
  installExitHandlers();
  const watchdog = setTimeout(() => {
    console.error('[profile] FAILED: did not finish within 5 minutes');
    killAllSync();
    process.exit(1);
  }, 5 * 60_000);
  watchdog.unref();

  await ensureSystemPackages([{ name: 'wrk', check: () => commandExists('wrk') }]);
  if (o.build) await build(say);
  const tmp = mkdtempSync(join(tmpdir(), 'bff-profile-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const trace = await dotnetTrace(tmp);

  const upstream = host('upstream', 'upstream', ['--Logging:LogLevel:Default=Warning', '--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information']);
  // --sessions: copies of one login; access tokens of an hour, as in lib/scale.mjs, so that none refreshes.
  const idp = host('idp', 'idp', idpArgs(join(tmp, 'idp'), o.sessions ? ['--Idp:AccessTokenLifetime=01:00:00'] : []));
  const redis = o.target !== 'yarp' && o.store === 'Redis' ? await startRedis(tmp) : null;
  const [upstreamUrl, idpUrl] = await Promise.all([upstream.listening(), idp.listening()]);
  const proxy =
    o.target === 'yarp'
      ? host('yarp', 'yarp', [...quietAspNet, ...reverseProxyArgs(upstreamUrl)])
      : host('bff', 'bff', bffArgs({ idpUrl, upstreamUrl, store: o.store, dataPath: join(tmp, 'bff'), spaPath: join(tmp, 'spa'), redis: redis?.socket, extra: o.sessions ? ['--Logging:LogLevel:OpenBff=Warning', `--Bff:Session:CachedSessions=${Math.max(10_000, 2 * o.sessions)}`] : [] }));
  await proxy.listening();
  if (o.target === 'login') {
    await profileLogins(proxy, trace, tmp);
    await stopAll();
    return;
  }

  // The session cookie comes from a BFF login in both cases, so both get the same request bytes.
  let cookie;
  if (o.target === 'bff') {
    cookie = (await login(proxy.url)).get(cookieName);
  } else {
    const bff = host('bff-login', 'bff', bffArgs({ idpUrl, upstreamUrl, store: 'Memory', dataPath: join(tmp, 'bff'), spaPath: join(tmp, 'spa') }));
    cookie = (await login(await bff.listening())).get(cookieName);
    await bff.stop();
  }
  const url = `${proxy.url}${apiPath}`;
  const check = await send(url, { headers: { cookie: `${cookieName}=${cookie}`, 'x-csrf': '1' } });
  if (check.status !== 200) throw new Error(`GET ${apiPath} answered ${check.status}`);

  let headers = [`Cookie: ${cookieName}=${cookie}`, 'X-CSRF: 1'];
  let cycle = {};
  if (o.sessions) {
    const cookiesFile = join(tmp, 'cookies.txt');
    writeFileSync(cookiesFile, '');
    await signInSessions(proxy.url, { cookieHeader: `${cookieName}=${cookie}`, cookiesFile, signedIn: 0, count: o.sessions });
    const script = join(tmp, 'cycle.lua');
    writeFileSync(script, luaScript(cookiesFile));
    headers = [];
    cycle = { script, scriptArgs: [0, o.threads, o.sessions] };
    say(`${o.sessions} sessions signed in; every request with the next one's cookie`);
  }
  say(`warming up ${o.target}${o.target === 'bff' ? ` (${o.store})` : ''} for 15 s (12 s at 4 connections, so the JIT finishes, then 3 s at ${o.connections})`);
  await wrk(url, { threads: 1, connections: 4, durationSec: 12, headers, ...cycle });
  await wrk(url, { threads: o.threads, connections: o.connections, durationSec: 3, headers, ...cycle });
  if (o.sessions) {
    // Every session used at least once (its cookie and ticket cached), then the measured traffic on
    // the first --used of them (all by default).
    for (let seconds = 0; seconds < 60; seconds += 5) {
      const run = await wrk(url, { threads: o.threads, connections: o.connections, durationSec: 5, ...cycle });
      cycle.scriptArgs[0] += Math.floor(run.requests / o.threads);
      if (cycle.scriptArgs[0] >= Math.ceil(o.sessions / o.threads)) break;
    }
    cycle.scriptArgs = [0, o.threads, o.used || o.sessions];
    if (o.used) say(`the traffic on ${o.used} of them, all ${o.sessions} held`);
  }

  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const name = `${stamp}-profile-${o.target}${o.target === 'bff' ? `-${o.store.toLowerCase()}` : ''}${o.sessions ? `-${o.used ? `${o.used}-of-` : ''}${o.sessions}-sessions` : ''}`;
  const nettrace = join(tmp, `${name}.nettrace`);
  say(`sampling ${o.durationSec} s of CPU under wrk -t${o.threads} -c${o.connections}`);
  const load = wrk(url, { threads: o.threads, connections: o.connections, durationSec: o.durationSec + 3, headers, ...cycle });
  await sleep(1000);
  const collector = new Child('dotnet-trace', trace, ['collect', '-p', String(proxy.pid), '--profile', 'dotnet-sampled-thread-time', '--duration', `00:00:${String(o.durationSec).padStart(2, '0')}`, '-o', nettrace]);
  const collected = await collector.exitedPromise;
  const result = await load;
  if (collected !== 0) throw new Error(`dotnet-trace collect exited with ${collected}:\n${collector.tail()}`);
  say(`${Math.round(result.rps)} requests/s during the trace (sampling slows the process)`);

  const speedscope = join(tmp, `${name}.speedscope.json`);
  const converted = spawnSync(trace, ['convert', nettrace, '--format', 'speedscope', '-o', join(tmp, name)], { encoding: 'utf8' });
  if (converted.status !== 0) throw new Error(`dotnet-trace convert failed: ${converted.stdout}${converted.stderr}`);
  const analysis = formatAnalysis(analyze(JSON.parse(readFileSync(speedscope, 'utf8'))), o.top, Math.round(result.rps * o.durationSec));
  const out = join(benchDir, 'results');
  mkdirSync(out, { recursive: true });
  const text = `# CPU profile: ${o.target}${o.target === 'bff' ? `, ${o.store} store` : ''}${o.sessions ? `, ${o.used ? `traffic on ${o.used} of ` : 'requests spread over '}${o.sessions} sessions` : ''}, wrk -t${o.threads} -c${o.connections}, ${o.durationSec} s (${Math.round(result.rps)} requests/s while sampled)\n\n\`\`\`\n${analysis}\n\`\`\`\n`;
  writeFileSync(join(out, `${name}.md`), text);
  copyFileSync(nettrace, join(out, `${name}.nettrace`));
  console.log(text);
  say(`written: ${relative(root, join(out, `${name}.md`))} and .nettrace (open it in PerfView or speedscope after 'dotnet-trace convert --format speedscope')`);
  await stopAll();
}

/** Samples the BFF while it serves full code-flow logins (not the IdP: its CPU is its own). */
async function profileLogins(bff, trace, tmp) {
  const concurrency = 4;
  say('warming up the login path until the JIT is done with it (rounds of 20 logins, 4 at a time)');
  const warm = await warmLogins(bff.url, bff.pid, { minimum: 40, concurrency, maxSec: 90 });
  say(`  ${warm.logins} logins${warm.quiet ? '' : ' (the JIT was still compiling after 90 s)'}`);
  await sleep(1000);

  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const name = `${stamp}-profile-login-${o.store.toLowerCase()}`;
  const nettrace = join(tmp, `${name}.nettrace`);
  say(`sampling ${o.durationSec} s of CPU while logins run ${concurrency} at a time`);
  let done = 0;
  let stop = false;
  const loop = (async () => {
    await sleep(500);
    while (!stop) {
      await Promise.all(Array.from({ length: concurrency }, () => login(bff.url)));
      done += concurrency;
    }
  })();
  const started = Date.now();
  const collector = new Child('dotnet-trace', trace, ['collect', '-p', String(bff.pid), '--profile', 'dotnet-sampled-thread-time', '--duration', `00:00:${String(o.durationSec).padStart(2, '0')}`, '-o', nettrace]);
  const collected = await collector.exitedPromise;
  stop = true;
  await loop;
  const seconds = (Date.now() - started) / 1000;
  if (collected !== 0) throw new Error(`dotnet-trace collect exited with ${collected}:\n${collector.tail()}`);
  say(`${done} logins in ${seconds.toFixed(1)} s while sampled (sampling slows the process)`);

  const converted = spawnSync(trace, ['convert', nettrace, '--format', 'speedscope', '-o', join(tmp, name)], { encoding: 'utf8' });
  if (converted.status !== 0) throw new Error(`dotnet-trace convert failed: ${converted.stdout}${converted.stderr}`);
  const analysis = formatAnalysis(analyze(JSON.parse(readFileSync(join(tmp, `${name}.speedscope.json`), 'utf8')), loginComponents), o.top);
  const out = join(benchDir, 'results');
  mkdirSync(out, { recursive: true });
  const text = `# CPU profile: logins, ${o.store} store, ${concurrency} at a time, ${o.durationSec} s (${done} logins while sampled)\n\n\`\`\`\n${analysis}\n\`\`\`\n`;
  writeFileSync(join(out, `${name}.md`), text);
  copyFileSync(nettrace, join(out, `${name}.nettrace`));
  console.log(text);
  say(`written: ${relative(root, join(out, `${name}.md`))} and .nettrace`);
}

main().then(
  () => {
    killAllSync();
    process.exit(0);
  },
  (error) => {
    console.error(`\n[profile] FAILED: ${error.message}`);
    killAllSync();
    process.exit(1);
  },
);
