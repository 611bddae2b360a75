#!/usr/bin/env node
// An OpenID Provider (oidc-provider, OpenID Certified) plus a small resource server, for the
// interop tests. See README.md.
//
//   node tests/interop-provider/server.mjs --profile <entra|auth0|keycloak|google|norotation|rotation>
//        [--clock-skew-seconds N] [--refresh-response same|omit] [--omit-expires-in] [--no-userinfo]
//
// stdout carries exactly one line, INTEROP-READY {...}; everything else goes to stderr. The process
// exits when its stdin closes (the parent is gone) and on SIGTERM / SIGINT.

import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import { RESOURCES, resolveProfile } from './profiles.mjs';

// oidc-provider prints its notices with console.info (stdout): keep stdout for the READY line.
console.log = console.info = console.debug = (...args) => console.error(...args);

const realNow = Date.now;

function fail(message) {
  console.error(`[interop-provider] ${message}`);
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      profile: { type: 'string' },
      'clock-skew-seconds': { type: 'string' },
      'refresh-response': { type: 'string' },
      'omit-expires-in': { type: 'boolean', default: false },
      'no-userinfo': { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (err) {
  fail(err.message);
}

let profile;
try {
  const skew = args['clock-skew-seconds'];
  if (skew !== undefined && !/^-?\d+$/.test(skew)) throw new Error('--clock-skew-seconds must be an integer');
  const refreshResponse = args['refresh-response'];
  if (refreshResponse !== undefined && !['same', 'omit'].includes(refreshResponse)) {
    throw new Error('--refresh-response must be same or omit');
  }
  if (!args.profile) throw new Error('--profile is required');
  profile = resolveProfile(args.profile, {
    clockSkewSeconds: skew === undefined ? undefined : Number(skew),
    refreshResponse,
    omitExpiresIn: args['omit-expires-in'],
    noUserinfo: args['no-userinfo'],
  });
} catch (err) {
  fail(err.message);
}

// The provider's clock runs ahead: oidc-provider and its storage read Date.now; the API is given
// the real clock explicitly.
if (profile.clockSkewSeconds) {
  const skewMs = profile.clockSkewSeconds * 1000;
  Date.now = () => realNow() + skewMs;
}

// oidc-provider and the modules around it are loaded only once the clock is set.
const { createProviderHost } = await import('./provider.mjs');
const { controlApi } = await import('./control.mjs');
const { createApi } = await import('./api.mjs');

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

const providerServer = createServer();
const apiServer = createServer();
const issuer = `http://127.0.0.1:${await listen(providerServer)}`;
const apiUrl = `http://127.0.0.1:${await listen(apiServer)}`;

const host = await createProviderHost({ issuer, profile });
const control = controlApi({ host, profile });
providerServer.on('request', (req, res) => (req.url.startsWith('/__interop/') ? control(req, res) : host.handle(req, res)));
apiServer.on('request', createApi({ issuer, profile, realNow }));

function shutdown(reason) {
  console.error(`[interop-provider] exiting: ${reason}`);
  process.exit(0);
}
process.stdin.on('end', () => shutdown('stdin closed'));
process.stdin.on('close', () => shutdown('stdin closed'));
process.stdin.on('error', () => shutdown('stdin error'));
process.stdin.resume();
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGHUP', () => shutdown('SIGHUP'));

const ready = {
  issuer,
  api: apiUrl,
  resources: Object.fromEntries(Object.entries(RESOURCES).map(([name, resource]) => [name, resource.id])),
  profile: profile.name,
};
process.stdout.write(`INTEROP-READY ${JSON.stringify(ready)}\n`);
console.error(`[interop-provider] ${profile.name} (${profile.mimics}) at ${issuer}, API at ${apiUrl}, clock skew ${profile.clockSkewSeconds}s`);
