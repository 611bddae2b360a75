// What the tests can look at afterwards: every request received at the protocol endpoints and at
// the API (GET /__interop/requests), and every ID token issued (for provider-initiated logout).
// Module-level, so it survives the Provider being rebuilt by a key rotation.

import { jwtPayload } from './http-util.mjs';

const requests = [];
const idTokens = []; // { sub, clientId, sid }

// oidc-provider route name -> endpoint name in the log
const ENDPOINTS = {
  authorization: 'authorization',
  resume: 'resume', // the authorization endpoint answering after the login page: the authorization response
  pushed_authorization_request: 'par',
  token: 'token',
  userinfo: 'userinfo',
  revocation: 'revocation',
  introspection: 'introspection',
  end_session: 'end_session',
  end_session_confirm: 'end_session',
};

const SECRET_PARAMS = new Set(['client_secret', 'client_assertion', 'password']);

function maskParams(params) {
  return Object.fromEntries(Object.entries(params ?? {}).map(([key, value]) => [key, SECRET_PARAMS.has(key) ? '***' : value]));
}

// Bearer tokens are kept (the tests want to see which token was presented); Basic credentials
// carry the client secret and are masked.
function maskAuthorization(header) {
  if (!header) return null;
  return /^basic /i.test(header) ? 'Basic ***' : header;
}

function basicClientId(header) {
  if (!/^basic /i.test(header ?? '')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decodeURIComponent(decoded.slice(0, decoded.indexOf(':')));
}

export function record(entry) {
  requests.push({ seq: requests.length + 1, ...entry });
}

export function listRequests({ clientId, endpoint, since } = {}) {
  return requests.filter((r) => (!clientId || r.client_id === clientId)
    && (!endpoint || r.endpoint === endpoint)
    && (!since || r.seq > since));
}

function errorOf(ctx) {
  if (ctx.body && typeof ctx.body === 'object' && typeof ctx.body.error === 'string') return ctx.body.error;
  const location = ctx.response.get('location');
  if (location) {
    const url = URL.parse(location);
    const fromQuery = url?.searchParams.get('error');
    const fromFragment = new URLSearchParams(url?.hash.slice(1) ?? '').get('error');
    if (fromQuery || fromFragment) return fromQuery || fromFragment;
  }
  return ctx.state.oidcError ?? (ctx.status >= 400 ? `http_${ctx.status}` : null);
}

// Koa middleware, registered first so it sees the final answer of every protocol endpoint.
export async function recordProtocolRequests(ctx, next) {
  try {
    await next();
  } finally {
    const endpoint = ENDPOINTS[ctx.oidc?.route];
    if (endpoint) {
      const params = ctx.method === 'POST' ? ctx.oidc.body : ctx.query;
      const json = ctx.body && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body) && typeof ctx.body.pipe !== 'function';
      record({
        endpoint,
        route: ctx.oidc.route,
        method: ctx.method,
        client_id: ctx.oidc.client?.clientId ?? params?.client_id ?? basicClientId(ctx.get('authorization')) ?? null,
        params: maskParams(params),
        status: ctx.status,
        error: errorOf(ctx),
        response: json ? structuredClone(ctx.body) : null,
        location: ctx.response.get('location') || null,
        authorization: maskAuthorization(ctx.get('authorization')),
      });
      if (endpoint === 'token' && ctx.status === 200 && typeof ctx.body?.id_token === 'string') {
        const { sub, aud, sid } = jwtPayload(ctx.body.id_token);
        const clientId = Array.isArray(aud) ? aud[0] : aud;
        if (!idTokens.some((t) => t.sub === sub && t.clientId === clientId && t.sid === sid)) {
          idTokens.push({ sub, clientId, sid });
        }
      }
    }
  }
}

// The (client, sid) pairs a subject was issued ID tokens for; they are forgotten once taken, so
// a later provider-initiated logout only covers sessions started after this one.
export function takeIdTokensOf(sub) {
  const taken = idTokens.filter((t) => t.sub === sub);
  for (const token of taken) idTokens.splice(idTokens.indexOf(token), 1);
  return taken;
}
