// `npm start`: builds everything and runs the demo on loopback: dev IdP (5001), sample API (5002)
// and the BFF serving the SPA (5000). Ctrl+C stops all three.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeModules, buildClient, buildDotnet, root, log } from './lib.mjs';

const configuration = 'Debug';
const ports = { bff: +(process.env.BFF_PORT ?? 5000), idp: +(process.env.IDP_PORT ?? 5001), api: +(process.env.API_PORT ?? 5002) };
const bffUrl = `http://localhost:${ports.bff}`;
const idpUrl = `http://localhost:${ports.idp}`;
const apiUrl = `http://localhost:${ports.api}`;
const data = join(root, 'data');

await ensureNodeModules();
await buildClient();
await buildDotnet(configuration);

const bin = (project) => join(root, 'src', project, 'bin', configuration, 'net10.0', `${project}.dll`);
const children = [];

function start(name, project, args) {
  const child = spawn('dotnet', [bin(project), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ASPNETCORE_ENVIRONMENT: 'Development' } });
  const prefix = (line) => `${name.padEnd(4)}| ${line}`;
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => process.stdout.write(chunk.toString().split('\n').filter(Boolean).map(prefix).join('\n') + '\n'));
  }
  child.on('exit', (code) => {
    console.log(prefix(`exited with ${code}`));
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

function stop(code = 0) {
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  setTimeout(() => process.exit(code), 500);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitFor(url) {
  for (let i = 0; i < 120; i++) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

mkdirSync(data, { recursive: true });
start('idp', 'Bff.DevIdp', ['--urls', idpUrl, '--Idp:DataPath', join(data, 'idp')]);
await waitFor(`${idpUrl}/.well-known/openid-configuration`);
start('api', 'Bff.SampleApi', ['--urls', apiUrl, '--SampleApi:Authority', idpUrl, '--SampleApi:RequireHttpsMetadata', 'false']);
start('bff', 'Bff.Host', [
  '--urls', bffUrl,
  '--Bff:Oidc:Authority', idpUrl,
  '--Bff:Oidc:ClientId', 'bff',
  '--Bff:Oidc:ClientSecret', 'bff-secret',
  '--Bff:Oidc:RequireHttpsMetadata', 'false',
  '--Bff:Oidc:Scope', 'openid profile email offline_access api',
  '--Bff:DataPath', join(data, 'bff'),
  '--ReverseProxy:Routes:api:ClusterId', 'api',
  '--ReverseProxy:Routes:api:Match:Path', '/api/{**rest}',
  '--ReverseProxy:Routes:api:Metadata:Bff.TokenType', 'User',
  '--ReverseProxy:Clusters:api:Destinations:sample:Address', apiUrl,
]);
await waitFor(`${bffUrl}/`);

log(`the demo is running:

    open  ${bffUrl}

    demo users: alice / alice   and   bob / bob
    dev IdP:    ${idpUrl}   sample API: ${apiUrl}

  Ctrl+C stops everything.`);
