// The resource server: /api1/... is api1 and /api2/... is api2, on their own port. It validates
// bearer tokens the way a real API of the mimicked provider would: JWTs against the provider's
// published keys, opaque tokens through the introspection endpoint.

import { createRemoteJWKSet, jwtVerify } from 'jose';

import { livePayloads } from './adapter.mjs';
import { INTROSPECTION_CLIENT } from './configuration.mjs';
import { readBody, sendJson } from './http-util.mjs';
import { RESOURCES } from './profiles.mjs';
import { record } from './recorder.mjs';

class Rejected extends Error {}

function isRegisteredClient(clientId) {
  return livePayloads('Client').some(({ id }) => id === clientId);
}

export function createApi({ issuer, profile, realNow }) {
  let discovery;
  let jwks;

  async function metadata() {
    if (!discovery) {
      const response = await fetch(`${issuer}/.well-known/openid-configuration`);
      discovery = await response.json();
      // cooldownDuration 0: a token signed with a key rotated in moments ago fetches the JWKS again.
      jwks = createRemoteJWKSet(new URL(discovery.jwks_uri), { cooldownDuration: 0 });
    }
    return discovery;
  }

  async function validateJwt(token, resource) {
    await metadata();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: resource.id,
        algorithms: ['RS256'],
        clockTolerance: 300,
        currentDate: new Date(realNow()), // real time, not the provider's skewed clock
      });
      return { sub: payload.sub, aud: [payload.aud].flat(), scope: payload.scope ?? '', client_id: payload.client_id ?? null };
    } catch (err) {
      throw new Rejected(`${err.code ?? 'ERR_JWT'}: ${err.message}`);
    }
  }

  async function validateOpaque(token, resource) {
    const { introspection_endpoint: endpoint } = await metadata();
    if (!endpoint) throw new Rejected('the provider has no introspection endpoint');
    const credentials = Buffer.from(`${INTROSPECTION_CLIENT.client_id}:${INTROSPECTION_CLIENT.client_secret}`).toString('base64');
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    if (response.status !== 200) throw new Rejected(`introspection answered ${response.status}`);
    const info = await response.json();
    if (!info.active) throw new Rejected('token is not active');
    const claims = { sub: info.sub, scope: info.scope ?? '', client_id: info.client_id ?? null };
    if (profile.audiencelessTokens) {
      // Google's tokens have no audience; its tokeninfo reports the client as `aud`.
      if (!isRegisteredClient(info.client_id)) throw new Rejected(`client ${info.client_id} is not registered`);
      return { ...claims, aud: [info.client_id] };
    }
    const aud = [info.aud].flat().filter(Boolean);
    if (!aud.includes(resource.id)) {
      throw new Rejected(`audience ${aud.join(' ') || '(none)'} does not include ${resource.id}`);
    }
    return { ...claims, aud };
  }

  return async function api(req, res) {
    const url = new URL(req.url, 'http://api');
    const params = Object.fromEntries(url.searchParams);
    const header = req.headers.authorization ?? null;
    await readBody(req).catch(() => '');

    const name = /^\/(api1|api2)(?:\/|$)/.exec(url.pathname)?.[1];
    let status;
    let body;
    let claims;
    if (!name) {
      status = 404;
      body = { error: 'not_found', reason: 'the APIs are /api1/... and /api2/...' };
    } else {
      const format = profile.tokenFormat[name];
      const token = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
      try {
        if (!token) throw new Rejected('missing bearer token');
        claims = format === 'jwt' ? await validateJwt(token, RESOURCES[name]) : await validateOpaque(token, RESOURCES[name]);
        status = 200;
        body = { api: name, path: url.pathname, method: req.method, ...claims, token_format: format };
      } catch (err) {
        if (!(err instanceof Rejected)) console.error('[interop-provider] api error', err);
        status = 401;
        body = { error: 'invalid_token', reason: err.message };
      }
    }
    record({
      endpoint: 'api',
      route: name ?? null,
      method: req.method,
      client_id: claims?.client_id ?? null,
      params,
      status,
      error: body.error ?? null,
      response: body,
      location: null,
      authorization: header,
    });
    sendJson(res, status, body, status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {});
  };
}
