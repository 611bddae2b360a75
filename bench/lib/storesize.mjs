// `npm run bench -- --store-size [LIST]`: the SQLite and Redis stores holding 100,000 and 1,000,000
// sessions (issue 17, item 4).
//
// Per store: the real BFF host (its cleanup timer off, so that the measured pass is the only one),
// one real code-flow login through the dev IdP, then sessions written through the store API up to
// each count in turn (POST /__bench/fill: each with the login's stored ticket, i.e. its real
// protected bytes; two sessions per `sub`; the last 5,000 of each fill already expired). At each
// count: the cost of a login, a lookup, a logout, a back-channel logout by `sub` and by `sid`, and
// the active-session count (POST /__bench/store-ops); then one cleanup pass over the expired
// sessions (POST /__bench/cleanup: revocation at the dev IdP and delete, as the timer does), timed,
// while wrk drives GET /api/data with the login's cookie: its p99 beside the p99 of the same wrk
// run without a cleanup. Then the SQLite file (with its WAL) or Redis's used_memory per session,
// and the BFF's RSS.
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { getJson, login, sleep } from './http.mjs';
import { apiPath, bffArgs, capture, cookieName, host, idpArgs, reverseProxyArgs, startBff, startRedis } from './hosts.mjs';
import { stopAll } from './processes.mjs';
import { rss } from './soak.mjs';
import { wrk } from './wrk.mjs';
import { fmt, table } from './report.mjs';

export const defaultStoreSizes = [100_000, 1_000_000];
const fillBatch = 50_000;
const expiredPerCount = 5_000;
const samples = 1_000;
const wrkSeconds = 10;

function fileBytes(path) {
  return existsSync(path) ? statSync(path).size : 0;
}

function redisUsedMemory(socket) {
  const info = capture('redis-cli', ['-s', socket, 'info', 'memory']);
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
}

/** Runs the store-size measurement; answers the run's record (the caller writes the report). */
export async function runStoreSize(o, { tmp, stores, say }) {
  const counts = o.storeSize;
  say(`store size: ${counts.map(fmt.int).join(', ')} sessions, stores ${stores.join(', ')}`);
  const upstream = host('upstream', 'upstream', ['--Logging:LogLevel:Default=Warning', '--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information']);
  const idp = host('idp', 'idp', idpArgs(join(tmp, 'idp')));
  const [upstreamUrl, idpUrl] = await Promise.all([upstream.listening(), idp.listening()]);
  const results = [];
  for (const store of stores) {
    const redis = store === 'Redis' ? await startRedis(join(tmp)) : null;
    const dataPath = join(tmp, `bff-size-${store}`);
    const args = bffArgs({ idpUrl, upstreamUrl, store, spaPath: tmp, redis: redis?.socket, dataPath, extra: ['--Logging:LogLevel:OpenBff=Warning', '--Bff:Session:CleanupInterval=00:00:00'] });
    const { child } = await startBff(`bff-size-${store.toLowerCase()}`, args, { optional: false });
    const jar = await login(child.url);
    const cookie = `${cookieName}=${jar.get(cookieName)}`;
    const headers = [`Cookie: ${cookie}`, 'X-CSRF: 1'];
    const post = (path, timeoutMs = 3_600_000) =>
      getJson(`${child.url}${path}`, { method: 'POST', headers: { cookie }, timeoutMs }).catch((error) => {
        throw new Error(`${store} ${path}: ${error.message}\n${child.tail(40)}`);
      });
    await wrk(`${child.url}${apiPath}`, { threads: 1, connections: 4, durationSec: 3, headers }); // JIT
    const emptyBytes = redis ? redisUsedMemory(redis.socket) : 0;
    let filled = 0;
    const rows = [];
    for (const count of counts) {
      let fillSec = 0;
      let ticketBytes = 0;
      while (filled < count) {
        const batch = Math.min(fillBatch, count - filled);
        const expired = filled + batch === count ? Math.min(expiredPerCount, batch) : 0;
        const answer = await post(`/__bench/fill?count=${batch}&expired=${expired}`);
        fillSec += answer.seconds;
        ticketBytes = answer.ticketBytes;
        filled = answer.sessions;
        say(`  ${store}: ${fmt.int(filled)} sessions written (${fmt.us(answer.fillMicrosecondsPerSession)} each)`);
      }
      const ops = await post(`/__bench/store-ops?samples=${samples}`);
      say(`${store}, ${fmt.int(count)} sessions: login ${fmt.us(ops.loginUs)}, lookup ${fmt.us(ops.lookupUs)}, logout ${fmt.us(ops.logoutUs)}, by sub ${fmt.us(ops.bySubUs)} (find ${fmt.us(ops.bySubFindUs)}), by sid ${fmt.us(ops.bySidUs)} (find ${fmt.us(ops.bySidFindUs)}), count ${fmt.us(ops.countUs)}`);
      const quiet = await wrk(`${child.url}${apiPath}`, { threads: 2, connections: 16, durationSec: wrkSeconds, headers });
      const during = wrk(`${child.url}${apiPath}`, { threads: 2, connections: 16, durationSec: wrkSeconds, headers });
      await sleep(1_000);
      const cleanup = await post('/__bench/cleanup');
      const loaded = await during;
      say(`  cleanup: ${fmt.int(cleanup.removed)} expired sessions in ${fmt.sec(cleanup.seconds)}; /api p99 ${fmt.ms(quiet.p99Ms)} without, ${fmt.ms(loaded.p99Ms)} during (a ${wrkSeconds} s wrk run each)`);
      const storeBytes = redis
        ? redisUsedMemory(redis.socket) - emptyBytes
        : ['sessions.db', 'sessions.db-wal'].reduce((sum, name) => sum + fileBytes(join(dataPath, name)), 0);
      const bffRss = rss(child.process.pid).total;
      say(`  ${redis ? 'Redis used_memory' : 'SQLite file + WAL'}: ${fmt.mb(storeBytes)} (${fmt.int(storeBytes / count)} B per session, ticket ${fmt.int(ticketBytes)} B); BFF RSS ${fmt.mb(bffRss)}`);
      rows.push({ sessions: count, fillSec, ticketBytes, ops, cleanup, quietP99Ms: quiet.p99Ms, cleanupP99Ms: loaded.p99Ms, quietRps: quiet.rps, cleanupRps: loaded.rps, storeBytes, bffRss });
    }
    results.push({ store, rows });
    await child.stop?.();
    await redis?.child.stop?.();
  }
  await stopAll();
  return { counts, results };
}

export function storeSizeMarkdown(run) {
  const lines = [];
  for (const r of run.results) {
    lines.push(
      `**${r.store} store** (per operation, ${samples} of each, one after another; cleanup: one pass over ${fmt.int(expiredPerCount)} expired sessions)`,
      '',
      table(
        ['sessions', 'login', 'lookup', 'logout', 'back-channel by sub (find)', 'by sid (find)', 'active count', 'cleanup pass', '/api p99 without → during cleanup', r.store === 'Redis' ? 'Redis memory/session' : 'file/session', 'BFF RSS'],
        r.rows.map((x) => [
          fmt.int(x.sessions),
          fmt.us(x.ops.loginUs),
          fmt.us(x.ops.lookupUs),
          fmt.us(x.ops.logoutUs),
          `${fmt.us(x.ops.bySubUs)} (${fmt.us(x.ops.bySubFindUs)})`,
          `${fmt.us(x.ops.bySidUs)} (${fmt.us(x.ops.bySidFindUs)})`,
          fmt.us(x.ops.countUs),
          `${fmt.sec(x.cleanup.seconds)} (${fmt.int(x.cleanup.removed)})`,
          `${fmt.ms(x.quietP99Ms)} → ${fmt.ms(x.cleanupP99Ms)}`,
          `${fmt.int(x.storeBytes / x.sessions)} B (ticket ${fmt.int(x.ticketBytes)} B)`,
          fmt.mb(x.bffRss),
        ]),
      ),
      '',
    );
  }
  return lines.join('\n');
}
