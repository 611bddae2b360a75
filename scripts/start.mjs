// `npm start`: builds everything and runs the demo on loopback: dev IdP (5001), sample API (5002)
// and the BFF serving the SPA (5000). The banner (URL, demo users, data folder) comes once all three
// listen; then one line per request to the BFF, and every warning and error of the three. Ctrl+C
// stops all three.
//
//   npm start -- --no-build                 runs what the last build left (no npm ci, no builds)
//   npm start -- --configuration Release    builds and runs the Release build (default Debug)
//
// Environment: BFF_PORT, IDP_PORT, API_PORT (0: any free port, the banner says which) and BFF_DATA
// (the data folder, default ./data).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ensureNodeModules, buildClient, buildDotnet, root, log } from './lib.mjs';

const { values: options } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    configuration: { type: 'string', default: 'Debug' },
  },
});
const configuration = options.configuration;
const ports = { bff: port('BFF_PORT', 5000), idp: port('IDP_PORT', 5001), api: port('API_PORT', 5002) };
const data = resolve(process.env.BFF_DATA ?? join(root, 'data'));

// The processes' console: one entry a line, no scopes, warnings and errors only, except the lines
// read here: the hosts' "Now listening on" (the port, and the sign a process is ready; not printed)
// and the BFF's request log (printed as "bff | GET /path 200 3.1 ms").
const quiet = {
  ASPNETCORE_ENVIRONMENT: 'Development',
  Logging__Console__FormatterName: 'simple',
  Logging__Console__FormatterOptions__SingleLine: 'true',
  Logging__Console__FormatterOptions__IncludeScopes: 'false',
  Logging__LogLevel__Default: 'Warning',
  'Logging__LogLevel__Microsoft.Hosting.Lifetime': 'Information',
};
const requestLog = 'Bff.Host.RequestLog'; // src/Bff.Host/RequestLog.cs
const entry = /^(trce|dbug|info|warn|fail|crit): ([^\s[]+)\[\d+\] ?(.*)$/;

function port(name, fallback) {
  const value = process.env[name] ?? `${fallback}`;
  if (!/^\d+$/.test(value) || +value > 65535) {
    console.error(`[bff] ${name}=${value} is not a port number (0: any free port).`);
    process.exit(1);
  }
  return +value;
}

if (!options['no-build']) {
  await ensureNodeModules();
  await buildClient({ quiet: true });
  await buildDotnet(configuration, { quiet: true });
}

const bin = (project) => join(root, 'src', project, 'bin', configuration, 'net10.0', `${project}.dll`);
for (const project of ['Bff.DevIdp', 'Bff.SampleApi', 'Bff.Host']) {
  if (!existsSync(bin(project))) {
    console.error(`[bff] ${bin(project)} is missing: build it first (npm start without --no-build${configuration === 'Debug' ? '' : ` --configuration ${configuration}`}).`);
    process.exit(1);
  }
}

const children = [];
let stopping = false;

/** Starts a project; resolves with its base URL (http://localhost:port) once it listens. */
function start(name, project, listenPort, args, env = {}) {
  // Kestrel cannot bind "localhost" to a port of its choosing: a free port is asked of 127.0.0.1.
  const urls = listenPort === 0 ? 'http://127.0.0.1:0' : `http://localhost:${listenPort}`;
  const child = spawn('dotnet', [bin(project), '--urls', urls, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...quiet, ...env },
  });
  children.push(child);
  const print = (text) => process.stdout.write(`${name.padEnd(3)} | ${text}\n`);
  return new Promise((ready, failed) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        const [, level, category, message] = line.match(entry) ?? [];
        if (category === 'Microsoft.Hosting.Lifetime' && level === 'info') {
          const listening = message.match(/^Now listening on: (http:\/\/\S+)/);
          if (listening) ready(`http://localhost:${new URL(listening[1]).port}`);
          return;
        }
        print(category === requestLog && level === 'info' ? message : line);
      });
    }
    child.on('error', failed);
    child.on('close', (code, signal) => { // after its last line: the reason it stopped is printed before this
      if (stopping) return;
      print(`exited with ${signal ?? `code ${code}`}`);
      failed(new Error(`${project} exited before it was ready`));
      stop(code || 1);
    });
  });
}

/** Stops the three (SIGTERM, then SIGKILL after 5 s) and exits once they have: their ports are free again. */
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  const exited = Promise.all(running.map((child) => new Promise((done) => child.once('exit', done))));
  for (const child of running) child.kill('SIGTERM');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

mkdirSync(data, { recursive: true });
log('starting the dev IdP, the sample API and the BFF');
try {
  const idpUrl = await start('idp', 'Bff.DevIdp', ports.idp, ['--Idp:DataPath', join(data, 'idp')]);
  const apiUrl = await start('api', 'Bff.SampleApi', ports.api, ['--SampleApi:Authority', idpUrl, '--SampleApi:RequireHttpsMetadata', 'false']);
  const bffUrl = await start('bff', 'Bff.Host', ports.bff, [
    '--Bff:Oidc:Authority', idpUrl,
    '--Bff:Oidc:ClientId', 'bff',
    '--Bff:Oidc:ClientSecret', 'bff-secret',
    '--Bff:Oidc:RequireHttpsMetadata', 'false',
    '--Bff:Oidc:Scope', 'openid profile email offline_access api',
    '--Bff:DataPath', join(data, 'bff'),
    '--Bff:Telemetry:RequestLog', 'true',
    '--ReverseProxy:Routes:api:ClusterId', 'api',
    '--ReverseProxy:Routes:api:Match:Path', '/api/{**rest}',
    '--ReverseProxy:Routes:api:Metadata:Bff.TokenType', 'User',
    '--ReverseProxy:Clusters:api:Destinations:sample:Address', apiUrl,
  ], { [`Logging__LogLevel__${requestLog}`]: 'Information' });

  log(`the demo is running:

    open        ${bffUrl}
    log in as   alice / alice   or   bob / bob
    dev IdP     ${idpUrl}    sample API  ${apiUrl}
    data        ${data}  (keys, sessions, the IdP's database; delete it to start afresh)

  Below: one line per request to the BFF, and the warnings and errors of all three.
  Ctrl+C stops everything.
`);
} catch (error) {
  if (!stopping) {
    console.error(`[bff] ${error.message}`);
    stop(1);
  }
}
