#!/usr/bin/env node
// Proves server.mjs works: for each profile it starts the server as a child process, drives the
// whole flow with plain fetch (as the BFF and a browser would) and checks the behaviour README.md
// documents for that profile. Exits non-zero on any failure.
//
//   node tests/interop-provider/selfcheck.mjs [profile ...]

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const API1 = 'https://api1.interop.test';
const API2 = 'https://api2.interop.test';

// What each profile must do, written from the real providers' documentation (README.md), not
// read from profiles.mjs, so the check is independent of the implementation.
const keycloak = {
  args: [],
  endSession: true,
  revocation: true,
  introspection: true,
  par: true,
  iss: true,
  backchannel: true,
  idTokenProfileClaims: true,
  apiFormat: 'jwt',
  resourceVia: 'scope', // how the authorization request selects an API: scope, audience or none
  offlineVia: 'scope', // offline_access scope, or access_type=offline
  refresh: 'rotated', // rotated | same | omit
  expiresIn: true,
  skew: 0,
};
const EXPECTED = {
  entra: { ...keycloak, revocation: false, introspection: false, par: false, iss: false, backchannel: false },
  auth0: { ...keycloak, introspection: false, par: false, backchannel: false, resourceVia: 'audience' },
  keycloak,
  google: {
    ...keycloak,
    endSession: false,
    par: false,
    backchannel: false,
    idTokenProfileClaims: false,
    apiFormat: 'opaque',
    resourceVia: 'none',
    offlineVia: 'access_type',
    refresh: 'omit',
  },
  norotation: { ...keycloak, refresh: 'same' },
  'norotation-omit': { ...keycloak, args: ['--refresh-response', 'omit', '--omit-expires-in'], refresh: 'omit', expiresIn: false },
  rotation: { ...keycloak, skew: 240 },
};

// ---------------------------------------------------------------------------------------------
// Reporting

let passed = 0;
let failed = 0;
function check(label, condition, detail) {
  if (condition) {
    passed += 1;
  } else {
    failed += 1;
    console.log(`  FAIL ${label}${detail === undefined ? '' : `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
  }
  return condition;
}
function equal(label, actual, expected) {
  return check(label, actual === expected, `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// ---------------------------------------------------------------------------------------------
// A browser: a cookie jar (path-aware, one host) and fetch without automatic redirects.

class Browser {
  #cookies = new Map(); // `${name} ${path}` -> { name, value, path }

  async fetch(url, { method = 'GET', form } = {}) {
    const { pathname } = new URL(url);
    const cookie = [...this.#cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const headers = cookie ? { cookie } : {};
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method, headers, body: form ? new URLSearchParams(form) : undefined, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const attrs = Object.fromEntries(attributes.map((a) => [a.split('=')[0].toLowerCase(), a.split('=').slice(1).join('=')]));
      const path = attrs.path || '/';
      const expired = (attrs.expires && Date.parse(attrs.expires) < Date.now()) || value === '';
      if (expired) this.#cookies.delete(`${name} ${path}`);
      else this.#cookies.set(`${name} ${path}`, { name, value, path });
    }
    return response;
  }
}

// ---------------------------------------------------------------------------------------------
// The provider process and a back-channel logout receiver

function startServer(profile, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER, '--profile', profile, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`${profile}: no READY line in 15 s\n${stderr}`)), 15_000);
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.startsWith('INTEROP-READY '));
      if (line && stdout.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, ready: JSON.parse(line.slice('INTEROP-READY '.length)), stdoutLines: () => stdout.split('\n').filter(Boolean), stderr: () => stderr });
      }
    });
    child.on('exit', (code) => reject(new Error(`${profile}: exited early with ${code}\n${stderr}`)));
  });
}

function exited(child, ms) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => { clearTimeout(timer); resolve(true); });
  });
}

function startReceiver() {
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      received.push({ path: req.url, body: Object.fromEntries(new URLSearchParams(body)) });
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, received, url: `http://127.0.0.1:${server.address().port}` })));
}

// ---------------------------------------------------------------------------------------------
// Protocol helpers

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const pkce = () => {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
};

async function json(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

function hiddenInputs(html) {
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)].map((m) => [m[1], m[2]]));
}

class Flow {
  constructor(name, expected, ready, discovery, client, jwks) {
    Object.assign(this, { name, expected, ready, discovery, client, jwks });
  }

  // An authorization request driven to the client's redirect_uri, logging in on the provider's
  // page when it shows up. Returns the callback's parameters and what happened on the way.
  async authorize(browser, { scope, extra = {}, prompt, credentials = ['alice', 'alice'], wrongPasswordFirst = false, par = false, beforeLogin } = {}) {
    const { verifier, challenge } = pkce();
    const state = b64url(randomBytes(8));
    const nonce = b64url(randomBytes(8));
    const params = new URLSearchParams({
      client_id: this.client.client_id,
      response_type: 'code',
      redirect_uri: this.client.redirect_uris[0],
      scope,
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(prompt ? { prompt } : {}),
    });
    for (const [key, value] of Object.entries(extra)) {
      for (const one of [value].flat()) params.append(key, one); // arrays: a repeated parameter
    }
    let url;
    if (par) {
      const response = await fetch(this.discovery.pushed_authorization_request_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([...params, ['client_secret', this.client.client_secret]]),
      });
      const body = await json(response);
      if (!equal(`${this.name}: PAR answers 201`, response.status, 201)) throw new Error(JSON.stringify(body));
      url = `${this.discovery.authorization_endpoint}?${new URLSearchParams({ client_id: this.client.client_id, request_uri: body.request_uri })}`;
    } else {
      url = `${this.discovery.authorization_endpoint}?${params}`;
    }
    let sawLogin = false;
    const visited = [url];
    let response = await browser.fetch(url);
    for (let hops = 0; hops < 12; hops += 1) {
      if (response.status === 302 || response.status === 303) {
        const next = new URL(response.headers.get('location'), url).href;
        if (next.startsWith(this.client.redirect_uris[0])) {
          const callback = new URL(next);
          return { callback: Object.fromEntries(callback.searchParams), state, nonce, verifier, sawLogin, visited };
        }
        url = next;
        visited.push(url);
        response = await browser.fetch(url);
        continue;
      }
      const html = await response.text();
      const formPost = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
      if (response.status === 200 && formPost === this.client.redirect_uris[0]) {
        return { callback: hiddenInputs(html), state, nonce, verifier, sawLogin, formPost: true };
      }
      const action = /<form id="login-form" method="post" action="([^"]+)"/.exec(html)?.[1];
      if (response.status !== 200 || !action) throw new Error(`unexpected page ${response.status} at ${url}: ${html.slice(0, 400)}`);
      sawLogin = true;
      const target = new URL(action, url).href;
      if (beforeLogin) await beforeLogin();
      if (wrongPasswordFirst) {
        const wrong = await browser.fetch(target, { method: 'POST', form: { username: credentials[0], password: 'wrong' } });
        const page = await wrong.text();
        equal(`${this.name}: wrong password shows the page again (200)`, wrong.status, 200);
        check(`${this.name}: wrong password shows an error and the form`, page.includes('id="login-error"') && page.includes('id="login-form"'));
        wrongPasswordFirst = false;
      }
      url = target;
      response = await browser.fetch(target, { method: 'POST', form: { username: credentials[0], password: credentials[1] } });
    }
    throw new Error('too many redirects');
  }

  async token(params, { auth = 'post' } = {}) {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams(params);
    if (auth === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(this.client.client_id)}:${encodeURIComponent(this.client.client_secret)}`).toString('base64')}`;
    } else {
      body.set('client_id', this.client.client_id);
      if (this.client.client_secret) body.set('client_secret', this.client.client_secret);
    }
    const response = await fetch(this.discovery.token_endpoint, { method: 'POST', headers, body });
    return { status: response.status, body: await json(response) };
  }

  async exchange({ callback, verifier }, extra = {}) {
    return this.token({ grant_type: 'authorization_code', code: callback.code, code_verifier: verifier, redirect_uri: this.client.redirect_uris[0], ...extra });
  }

  refresh(refreshToken, extra = {}) {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
  }

  async api(path, accessToken) {
    const response = await fetch(`${this.ready.api}${path}`, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} });
    return { status: response.status, body: await json(response) };
  }

  async userinfo(accessToken) {
    const response = await fetch(this.discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } });
    return { status: response.status, body: await json(response) };
  }

  async control(method, path, body) {
    const response = await fetch(`${this.ready.issuer}/__interop${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await json(response) };
  }

  async introspect(token) {
    const response = await fetch(this.discovery.introspection_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: this.client.client_id, client_secret: this.client.client_secret }),
    });
    return json(response);
  }
}

// ---------------------------------------------------------------------------------------------
// The whole flow for one profile

async function checkProfile(name) {
  const expected = EXPECTED[name];
  const profile = name.replace(/-.*/, '');
  const started = Date.now();
  const receiver = await startReceiver();
  const { child, ready, stdoutLines, stderr } = await startServer(profile, expected.args);
  const { issuer } = ready;
  const failedBefore = failed;
  try {
    // --- READY line and discovery
    check(`${name}: READY line`, /^http:\/\/127\.0\.0\.1:\d+$/.test(issuer) && ready.profile === profile
      && ready.resources.api1 === API1 && ready.resources.api2 === API2 && /^http:\/\/127\.0\.0\.1:\d+$/.test(ready.api), ready);
    const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    equal(`${name}: discovery issuer`, discovery.issuer, issuer);
    equal(`${name}: end_session_endpoint`, !!discovery.end_session_endpoint, expected.endSession);
    equal(`${name}: revocation_endpoint`, !!discovery.revocation_endpoint, expected.revocation);
    equal(`${name}: introspection_endpoint`, !!discovery.introspection_endpoint, expected.introspection);
    equal(`${name}: pushed_authorization_request_endpoint`, !!discovery.pushed_authorization_request_endpoint, expected.par);
    equal(`${name}: require_pushed_authorization_requests`, discovery.require_pushed_authorization_requests, undefined);
    equal(`${name}: authorization_response_iss_parameter_supported`, discovery.authorization_response_iss_parameter_supported, expected.iss ? true : undefined);
    equal(`${name}: backchannel_logout_supported`, !!discovery.backchannel_logout_supported, expected.backchannel);
    check(`${name}: PKCE S256 only`, JSON.stringify(discovery.code_challenge_methods_supported) === '["S256"]');
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri), { cooldownDuration: 0 });

    // --- client registration
    const rp = 'http://127.0.0.1:5555';
    const metadata = {
      client_id: `bff-${name}`,
      client_secret: 'bff-secret',
      redirect_uris: [`${rp}/signin-oidc`],
      token_endpoint_auth_method: 'client_secret_post',
      ...(expected.endSession ? { post_logout_redirect_uris: [`${rp}/signout-callback-oidc`] } : {}),
      ...(expected.backchannel ? { backchannel_logout_uri: `${receiver.url}/bff/backchannel` } : {}),
    };
    const flow = new Flow(name, expected, ready, discovery, null, jwks);
    const bad = await flow.control('POST', '/clients', { ...metadata, client_id: 'bad', redirect_uris: ['not a url'] });
    check(`${name}: invalid metadata refused with oidc-provider's message`, bad.status === 400 && /redirect_uris/.test(bad.body.error_description), bad.body);
    if (!expected.backchannel) {
      const refused = await flow.control('POST', '/clients', { ...metadata, client_id: 'bc', backchannel_logout_uri: `${receiver.url}/x` });
      check(`${name}: backchannel_logout_uri refused`, refused.status === 400 && /back-channel/.test(refused.body.error_description), refused.body);
    }
    if (!expected.endSession) {
      const refused = await flow.control('POST', '/clients', { ...metadata, client_id: 'pl', post_logout_redirect_uris: [`${rp}/out`] });
      check(`${name}: post_logout_redirect_uris refused`, refused.status === 400 && /end_session_endpoint/.test(refused.body.error_description), refused.body);
    }
    const registered = await flow.control('POST', '/clients', metadata);
    if (!equal(`${name}: client registered (201)`, registered.status, 201)) throw new Error(JSON.stringify(registered.body));
    check(`${name}: registration defaults`, registered.body.grant_types.includes('refresh_token') && registered.body.response_types.join() === 'code'
      && (!expected.backchannel || registered.body.backchannel_logout_session_required === true), registered.body);
    flow.client = { ...metadata, ...registered.body };

    // --- PKCE is required
    {
      const url = `${discovery.authorization_endpoint}?${new URLSearchParams({ client_id: metadata.client_id, response_type: 'code', redirect_uri: metadata.redirect_uris[0], scope: 'openid' })}`;
      const response = await fetch(url, { redirect: 'manual' });
      const location = new URL(response.headers.get('location') ?? 'http://x/');
      equal(`${name}: authorization without PKCE is refused`, location.searchParams.get('error'), 'invalid_request');
    }

    // --- login with offline access and the APIs
    const offline = expected.offlineVia === 'scope' ? ' offline_access' : '';
    const offlineExtra = expected.offlineVia === 'access_type' ? { access_type: 'offline' } : {};
    const apiScopes = expected.resourceVia === 'scope' ? ' api1.read api2.read' : '';
    const audience = expected.resourceVia === 'audience' ? { audience: API1 } : {};
    const alice = new Browser();
    const first = await flow.authorize(alice, { scope: `openid profile email${offline}${apiScopes}`, extra: { ...offlineExtra, ...audience }, wrongPasswordFirst: true });
    check(`${name}: login page shown`, first.sawLogin);
    equal(`${name}: state returned`, first.callback.state, first.state);
    check(`${name}: code returned`, !!first.callback.code, first.callback);
    equal(`${name}: iss in the authorization response`, first.callback.iss, expected.iss ? issuer : undefined);

    const t1 = await flow.exchange(first);
    if (!equal(`${name}: code exchange (200)`, t1.status, 200)) throw new Error(JSON.stringify(t1.body));
    check(`${name}: refresh token issued`, typeof t1.body.refresh_token === 'string', t1.body);
    equal(`${name}: expires_in in the token response`, t1.body.expires_in !== undefined, expected.expiresIn);
    if (expected.expiresIn) equal(`${name}: access token lifetime`, t1.body.expires_in, 600);
    const { payload: idToken, protectedHeader: idHeader } = await jwtVerify(t1.body.id_token, jwks, { issuer, audience: metadata.client_id });
    equal(`${name}: ID token sub`, idToken.sub, 'alice');
    equal(`${name}: ID token nonce`, idToken.nonce, first.nonce);
    equal(`${name}: ID token alg`, idHeader.alg, 'RS256');
    equal(`${name}: ID token carries name/email`, idToken.name === 'Alice Smith' && idToken.email === 'alice@example.com', expected.idTokenProfileClaims);
    // oidc-provider puts sid in ID tokens of clients with back-channel logout only
    equal(`${name}: ID token has sid`, typeof idToken.sid === 'string', expected.backchannel);
    if (expected.skew) {
      const ahead = idToken.iat - Math.floor(Date.now() / 1000);
      check(`${name}: provider clock runs ${expected.skew}s ahead`, Math.abs(ahead - expected.skew) <= 5, `iat is ${ahead}s ahead`);
    }

    // --- the access token at the API and at userinfo
    const isJwt = (token) => token.split('.').length === 3;
    equal(`${name}: access token is a ${expected.apiFormat}`, isJwt(t1.body.access_token), expected.apiFormat === 'jwt');
    const a1 = await flow.api('/api1/orders?x=1', t1.body.access_token);
    check(`${name}: api1 accepts the access token`, a1.status === 200 && a1.body.api === 'api1' && a1.body.sub === 'alice'
      && a1.body.path === '/api1/orders' && a1.body.method === 'GET' && a1.body.token_format === expected.apiFormat
      && a1.body.client_id === metadata.client_id, a1.body);
    if (expected.apiFormat === 'jwt') {
      check(`${name}: access token audience is api1`, [decodeJwt(t1.body.access_token).aud].flat().includes(API1));
      const wrongApi = await flow.api('/api2/orders', t1.body.access_token);
      check(`${name}: api2 refuses api1's token`, wrongApi.status === 401 && wrongApi.body.error === 'invalid_token' && /aud/.test(wrongApi.body.reason), wrongApi.body);
      const ui = await flow.userinfo(t1.body.access_token);
      check(`${name}: userinfo refuses a resource (JWT) access token`, ui.status === 401, ui);
    } else {
      const ui = await flow.userinfo(t1.body.access_token);
      check(`${name}: userinfo answers with name and email`, ui.status === 200 && ui.body.name === 'Alice Smith' && ui.body.email === 'alice@example.com', ui);
      const other = await flow.api('/api2/orders', t1.body.access_token);
      check(`${name}: api2 accepts the audience-less token of a registered client`, other.status === 200 && other.body.aud?.[0] === metadata.client_id, other.body);
    }
    const noToken = await flow.api('/api1/orders');
    check(`${name}: api without a token is 401`, noToken.status === 401 && noToken.body.error === 'invalid_token');

    // --- refresh
    const t2 = await flow.refresh(t1.body.refresh_token);
    if (!equal(`${name}: refresh (200)`, t2.status, 200)) throw new Error(JSON.stringify(t2.body));
    if (expected.refresh === 'rotated') {
      check(`${name}: refresh token rotated`, typeof t2.body.refresh_token === 'string' && t2.body.refresh_token !== t1.body.refresh_token, t2.body);
    } else if (expected.refresh === 'same') {
      equal(`${name}: refresh returns the same refresh token`, t2.body.refresh_token, t1.body.refresh_token);
    } else {
      equal(`${name}: refresh response has no refresh_token`, t2.body.refresh_token, undefined);
    }
    equal(`${name}: expires_in in the refresh response`, t2.body.expires_in !== undefined, expected.expiresIn);
    let liveRefresh = t2.body.refresh_token ?? t1.body.refresh_token;
    const a2 = await flow.api('/api1/x', t2.body.access_token);
    equal(`${name}: refreshed access token works at api1`, a2.status, 200);
    if (expected.refresh !== 'rotated') {
      const again = await flow.refresh(liveRefresh);
      equal(`${name}: the non-rotating refresh token can be used again`, again.status, 200);
    }

    // --- a token for the second API
    if (expected.resourceVia === 'scope') {
      const byScope = await flow.refresh(liveRefresh, { scope: 'api2.read' });
      liveRefresh = byScope.body.refresh_token ?? liveRefresh;
      check(`${name}: refresh with scope=api2.read gives an api2 token`, byScope.status === 200 && [decodeJwt(byScope.body.access_token).aud].flat().includes(API2)
        && byScope.body.scope === 'api2.read', byScope.body);
      const a3 = await flow.api('/api2/x', byScope.body.access_token);
      equal(`${name}: api2 accepts it`, a3.status, 200);
      const a4 = await flow.api('/api1/x', byScope.body.access_token);
      equal(`${name}: api1 refuses it`, a4.status, 401);
      const byResource = await flow.refresh(liveRefresh, { resource: API2 });
      liveRefresh = byResource.body.refresh_token ?? liveRefresh;
      check(`${name}: refresh with resource=api2 gives an api2 token`, byResource.status === 200 && [decodeJwt(byResource.body.access_token).aud].flat().includes(API2), byResource.body);
      const unknown = await flow.refresh(liveRefresh, { resource: 'https://unknown.interop.test' });
      equal(`${name}: refresh for a resource not granted is refused`, unknown.body.error, 'invalid_target');
      // RFC 8707 as a Keycloak-style client sends it: both resources at the authorization
      // endpoint, one at the code exchange, the other at a refresh
      const explicit = await flow.authorize(alice, { scope: `openid profile${offline}${apiScopes}`, extra: { resource: [API1, API2] } });
      const te = await flow.exchange(explicit, { resource: API2 });
      check(`${name}: code exchange with resource=api2`, te.status === 200 && [decodeJwt(te.body.access_token).aud].flat().includes(API2), te.body);
      const tr = await flow.refresh(te.body.refresh_token, { resource: API1 });
      check(`${name}: ... then a refresh with resource=api1`, tr.status === 200 && [decodeJwt(tr.body.access_token).aud].flat().includes(API1), tr.body);
    } else if (expected.resourceVia === 'audience') {
      const refused = await flow.refresh(liveRefresh, { resource: API2 });
      equal(`${name}: a refresh token for audience api1 cannot get api2`, refused.body.error, 'invalid_target');
      const second = await flow.authorize(alice, { scope: 'openid profile email offline_access', extra: { audience: API2 } });
      check(`${name}: second audience without a login page (SSO)`, !second.sawLogin && !!second.callback.code, second);
      const t = await flow.exchange(second);
      check(`${name}: audience=api2 gives an api2 JWT`, t.status === 200 && [decodeJwt(t.body.access_token).aud].flat().includes(API2), t.body);
      equal(`${name}: api2 accepts it`, (await flow.api('/api2/x', t.body.access_token)).status, 200);
      const plain = await flow.authorize(alice, { scope: 'openid profile email' });
      const tp = await flow.exchange(plain);
      check(`${name}: without audience the access token is opaque`, tp.status === 200 && !isJwt(tp.body.access_token), tp.body);
      equal(`${name}: ... and accepted at userinfo`, (await flow.userinfo(tp.body.access_token)).status, 200);
      equal(`${name}: ... and refused at api1`, (await flow.api('/api1/x', tp.body.access_token)).status, 401);
    } else {
      const ignored = await flow.authorize(alice, { scope: 'openid email', extra: { resource: API1 } });
      const t = await flow.exchange(ignored);
      check(`${name}: resource indicators ignored, userinfo token`, t.status === 200 && !isJwt(t.body.access_token), t.body);
      equal(`${name}: ... accepted at userinfo`, (await flow.userinfo(t.body.access_token)).status, 200);
      equal(`${name}: no refresh token without access_type=offline`, t.body.refresh_token, undefined);
      const scopeOnly = await flow.authorize(alice, { scope: 'openid email offline_access' });
      equal(`${name}: offline_access scope alone gives no refresh token`, (await flow.exchange(scopeOnly)).body.refresh_token, undefined);
    }

    // --- a userinfo-only login (a second browser)
    if (expected.resourceVia !== 'none') {
      const bobBrowser = new Browser();
      const bob = await flow.authorize(bobBrowser, { scope: 'openid profile email', credentials: ['bob', 'bob'] });
      const tb = await flow.exchange(bob);
      check(`${name}: login without API scopes gives an opaque userinfo token`, tb.status === 200 && !isJwt(tb.body.access_token), tb.body);
      const ui = await flow.userinfo(tb.body.access_token);
      check(`${name}: userinfo with it answers bob's claims`, ui.status === 200 && ui.body.sub === 'bob' && ui.body.name === 'Bob Jones', ui);
      equal(`${name}: no refresh token without offline_access`, tb.body.refresh_token, undefined);
      if (expected.introspection) {
        const info = await flow.introspect(tb.body.access_token);
        check(`${name}: introspection of the userinfo token: active, no audience`, info.active === true && info.sub === 'bob' && info.aud === undefined, info);
      }
    }

    // --- a native (public) client: oidc-provider always asks native clients for consent, which the
    // provider's interaction grants by itself
    {
      const native = await flow.control('POST', '/clients', {
        client_id: `native-${name}`, application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1:7777/cb'],
      });
      equal(`${name}: public native client registered`, native.status, 201);
      const nativeFlow = new Flow(name, expected, ready, discovery, native.body, jwks);
      const consented = await nativeFlow.authorize(alice, { scope: 'openid profile' });
      check(`${name}: the consent prompt completes without a page`, !consented.sawLogin && !!consented.callback.code
        && consented.visited.some((u) => u.includes('/interaction/')), consented);
      const nt = await nativeFlow.exchange(consented);
      check(`${name}: the public client exchanges its code with PKCE only`, nt.status === 200 && decodeJwt(nt.body.id_token).aud === `native-${name}`, nt.body);
    }

    // --- SSO and prompt=login
    const silent = await flow.authorize(alice, { scope: 'openid', prompt: 'none' });
    check(`${name}: prompt=none signs in silently`, !silent.sawLogin && !!silent.callback.code, silent.callback);
    const posted = await flow.authorize(alice, { scope: 'openid', extra: { response_mode: 'form_post' } });
    check(`${name}: response_mode=form_post answers a form with the code`, posted.formPost && !!posted.callback.code && posted.callback.state === posted.state, posted);
    equal(`${name}: iss in the form_post response`, posted.callback.iss, expected.iss ? issuer : undefined);
    const relogin = await flow.authorize(alice, { scope: `openid profile email${offline}${apiScopes}`, extra: { ...offlineExtra, ...audience }, prompt: 'login' });
    check(`${name}: prompt=login shows the login page again`, relogin.sawLogin && !!relogin.callback.code, relogin);
    const t5 = await flow.exchange(relogin);
    equal(`${name}: code after prompt=login exchanges`, t5.status, 200);

    // --- PAR carries offline_access through
    if (expected.par) {
      const viaPar = await flow.authorize(new Browser(), { scope: `openid profile offline_access${apiScopes}`, par: true });
      const tp = await flow.exchange(viaPar);
      check(`${name}: PAR login gives tokens and a refresh token`, tp.status === 200 && !!tp.body.refresh_token, tp.body);
    }

    // --- key rotation, with an interaction in flight and refresh tokens issued before
    const midRotation = new Browser();
    let rotated;
    const inFlight = await flow.authorize(midRotation, {
      scope: `openid profile${offline}${apiScopes}`,
      extra: { ...offlineExtra, ...audience },
      beforeLogin: async () => { rotated = await flow.control('POST', '/rotate-keys'); },
    });
    check(`${name}: rotate-keys answers the new and previous kid`, rotated.status === 200 && rotated.body.previous === idHeader.kid && rotated.body.kid !== idHeader.kid, rotated.body);
    const published = await (await fetch(discovery.jwks_uri)).json();
    check(`${name}: JWKS lists the new key first, then the old one`, published.keys[0]?.kid === rotated.body.kid && published.keys[1]?.kid === idHeader.kid && !published.keys.some((k) => k.d), published.keys.map((k) => k.kid));
    const ti = await flow.exchange(inFlight);
    check(`${name}: the login started before the rotation completes after it`, ti.status === 200 && decodeProtectedHeader(ti.body.id_token).kid === rotated.body.kid, ti.body);
    const t3 = await flow.refresh(t5.body.refresh_token);
    check(`${name}: a refresh token from before the rotation still works`, t3.status === 200, t3.body);
    if (t3.status === 200) {
      equal(`${name}: new ID token signed with the new key`, decodeProtectedHeader(t3.body.id_token).kid, rotated.body.kid);
      await jwtVerify(t3.body.id_token, jwks, { issuer, audience: metadata.client_id });
      if (expected.apiFormat === 'jwt') {
        equal(`${name}: new access token signed with the new key`, decodeProtectedHeader(t3.body.access_token).kid, rotated.body.kid);
      }
      equal(`${name}: api accepts the new access token`, (await flow.api('/api1/x', t3.body.access_token)).status, 200);
    }
    equal(`${name}: api still accepts an access token from before the rotation`, (await flow.api('/api1/x', t1.body.access_token)).status, 200);

    // --- refresh token reuse: with rotation, presenting a used one revokes the whole grant
    if (expected.refresh === 'rotated') {
      const next = await flow.refresh(t3.body.refresh_token);
      const reused = await flow.refresh(t3.body.refresh_token);
      equal(`${name}: reusing a rotated refresh token is refused`, reused.body.error, 'invalid_grant');
      const family = await flow.refresh(next.body.refresh_token);
      equal(`${name}: ... and revokes its successor too (the whole grant)`, family.body.error, 'invalid_grant');
    }

    // --- revocation
    if (expected.revocation) {
      const response = await fetch(discovery.revocation_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: ti.body.refresh_token ?? '', token_type_hint: 'refresh_token', client_id: metadata.client_id, client_secret: metadata.client_secret }),
      });
      equal(`${name}: revocation (200)`, response.status, 200);
      equal(`${name}: a revoked refresh token is refused`, (await flow.refresh(ti.body.refresh_token)).body.error, 'invalid_grant');
    } else {
      const response = await fetch(`${issuer}/token/revocation`, { method: 'POST' });
      equal(`${name}: no revocation endpoint`, response.status, 404);
    }

    // --- RP-initiated logout (end-session) with back-channel logout
    if (expected.endSession) {
      const { payload: hint } = await jwtVerify(t3.body?.id_token ?? t5.body.id_token, jwks, { issuer, audience: metadata.client_id });
      const endUrl = `${discovery.end_session_endpoint}?${new URLSearchParams({
        id_token_hint: t3.body?.id_token ?? t5.body.id_token,
        post_logout_redirect_uri: metadata.post_logout_redirect_uris[0],
        state: 'bye',
      })}`;
      const page = await alice.fetch(endUrl);
      const html = await page.text();
      check(`${name}: end-session shows the confirmation page`, page.status === 200
        && html.includes('<button type="submit" form="op.logoutForm" name="logout" value="yes">'), html.slice(0, 300));
      const action = /<form id="op\.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1];
      const before = receiver.received.length;
      const confirmed = await alice.fetch(action, { method: 'POST', form: { ...hiddenInputs(html), logout: 'yes' } });
      equal(`${name}: end-session redirects to post_logout_redirect_uri with state`, confirmed.headers.get('location'), `${metadata.post_logout_redirect_uris[0]}?state=bye`);
      const delivered = receiver.received.slice(before);
      if (expected.backchannel) {
        check(`${name}: back-channel logout delivered`, delivered.length === 1 && delivered[0].path === '/bff/backchannel', delivered);
        if (delivered[0]) {
          const { payload: lt, protectedHeader: lh } = await jwtVerify(delivered[0].body.logout_token, jwks, { issuer, audience: metadata.client_id, typ: 'logout+jwt' });
          check(`${name}: logout token has sub, sid and the event`, lt.sub === 'alice' && lt.sid === hint.sid && !lt.nonce
            && Object.keys(lt.events ?? {}).includes('http://schemas.openid.net/event/backchannel-logout'), lt);
          equal(`${name}: logout token signed with the current key`, lh.kid, rotated.body.kid);
        }
      } else {
        equal(`${name}: no back-channel logout`, delivered.length, 0);
      }
      const after = await flow.authorize(alice, { scope: 'openid', prompt: 'none' });
      equal(`${name}: the session has ended`, after.callback.error, 'login_required');
    } else {
      equal(`${name}: no end-session endpoint`, (await fetch(`${issuer}/session/end`)).status, 404);
    }

    // --- provider-initiated logout
    const fresh = new Browser();
    const last = await flow.authorize(fresh, { scope: 'openid' });
    const tl = await flow.exchange(last);
    const { sid } = decodeJwt(tl.body.id_token);
    const before = receiver.received.length;
    const logout = await flow.control('POST', '/logout', { sub: 'alice' });
    equal(`${name}: /__interop/logout (200)`, logout.status, 200);
    check(`${name}: the subject's sessions ended`, logout.body.sessions >= 1, logout.body);
    if (expected.backchannel) {
      check(`${name}: provider logout sent a logout token for the new session`, logout.body.sent.some((s) => s.client_id === metadata.client_id && s.sid === sid && s.status === 200), logout.body);
      check(`${name}: ... and the receiver got it`, receiver.received.slice(before).some((r) => decodeJwt(r.body.logout_token).sid === sid));
    } else {
      equal(`${name}: provider logout sends nothing without back-channel logout`, logout.body.sent.length, 0);
    }
    const gone = await flow.authorize(fresh, { scope: 'openid', prompt: 'none' });
    equal(`${name}: after provider logout prompt=none needs a login`, gone.callback.error, 'login_required');

    // --- the request log
    const log = (await flow.control('GET', `/requests?client_id=${metadata.client_id}`)).body;
    const tokens = log.filter((r) => r.endpoint === 'token');
    check(`${name}: requests log has the token requests with their answers`, tokens.some((r) => r.response?.access_token === t1.body.access_token && r.status === 200));
    check(`${name}: requests log masks client_secret`, tokens.every((r) => r.params.client_secret === '***'));
    check(`${name}: requests log records errors`, tokens.some((r) => r.error === 'invalid_grant' || r.error === 'invalid_target'));
    check(`${name}: requests log has authorization and API calls`, log.some((r) => r.endpoint === 'authorization') && log.some((r) => r.endpoint === 'api' && r.authorization === `Bearer ${t1.body.access_token}`));
    if (expected.par) check(`${name}: requests log has PAR`, log.some((r) => r.endpoint === 'par'));
    if (expected.endSession) check(`${name}: requests log has end-session`, log.some((r) => r.endpoint === 'end_session'));
    const onlyTokens = (await flow.control('GET', `/requests?endpoint=token&client_id=${metadata.client_id}`)).body;
    check(`${name}: requests log filters by endpoint`, onlyTokens.length === tokens.length && onlyTokens.every((r) => r.endpoint === 'token'));
    check(`${name}: seq is increasing`, log.every((r, i) => i === 0 || r.seq > log[i - 1].seq));

    // --- stdout carries exactly the READY line; closing stdin ends the process
    equal(`${name}: one line on stdout`, stdoutLines().length, 1);
    child.stdin.end();
    check(`${name}: exits when stdin closes`, await exited(child, 5000));
  } catch (err) {
    check(`${name}: flow completed`, false, err.stack);
  } finally {
    child.kill('SIGKILL');
    receiver.server.close();
    if (failed > failedBefore || process.env.SELFCHECK_VERBOSE) console.log(`--- ${name} server stderr ---\n${stderr()}`);
  }
  console.log(`${name}: checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// --clock-skew-seconds, seen in the iat of a client_credentials token of the built-in client.
async function checkClockSkewOption() {
  const { child, ready } = await startServer('keycloak', ['--clock-skew-seconds', '100']);
  try {
    const discovery = await (await fetch(`${ready.issuer}/.well-known/openid-configuration`)).json();
    const auth = { authorization: `Basic ${Buffer.from('interop-api:interop-api-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' };
    const issued = await (await fetch(discovery.token_endpoint, { method: 'POST', headers: auth, body: 'grant_type=client_credentials' })).json();
    const info = await (await fetch(discovery.introspection_endpoint, { method: 'POST', headers: auth, body: new URLSearchParams({ token: issued.access_token }) })).json();
    const ahead = info.iat - Math.floor(Date.now() / 1000);
    check('--clock-skew-seconds 100 moves the provider clock', info.active === true && Math.abs(ahead - 100) <= 5, { ahead, info });
  } finally {
    child.kill('SIGKILL');
  }
}

async function checkSignals() {
  const { child } = await startServer('keycloak', []);
  child.kill('SIGTERM');
  check('SIGTERM ends the process', await exited(child, 5000));
  const bad = spawn(process.execPath, [SERVER, '--profile', 'nope'], { stdio: ['pipe', 'pipe', 'pipe'] });
  check('an unknown profile exits non-zero', await exited(bad, 5000) && bad.exitCode !== 0);
}

const selected = process.argv.slice(2);
const names = selected.length ? selected : Object.keys(EXPECTED);
const started = Date.now();
for (const name of names) {
  if (!EXPECTED[name]) {
    console.log(`unknown profile ${name}`);
    process.exit(2);
  }
  try {
    await checkProfile(name);
  } catch (err) {
    check(`${name}: server started`, false, err.stack);
  }
}
await checkClockSkewOption();
await checkSignals();
console.log(`selfcheck: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
