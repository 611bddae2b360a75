// The control API under /__interop on the provider port, for the tests only (loopback only).

import { randomBytes } from 'node:crypto';

import { faults } from './accounts.mjs';
import { InteropAdapter, livePayloads, revokeGrant } from './adapter.mjs';
import { outgoingStatuses } from './configuration.mjs';
import { isLoopback, readJson, sendJson } from './http-util.mjs';
import { UNSUPPORTED_METADATA_REASONS } from './profiles.mjs';
import { listRequests, takeIdTokensOf } from './recorder.mjs';

const clients = new InteropAdapter('Client');

function withDefaults(input) {
  const metadata = { ...input };
  metadata.client_id ||= `client-${randomBytes(6).toString('hex')}`;
  metadata.token_endpoint_auth_method ??= metadata.client_secret ? 'client_secret_basic' : 'none';
  const confidential = metadata.token_endpoint_auth_method !== 'none';
  metadata.grant_types ??= ['authorization_code', 'refresh_token', ...(confidential ? ['client_credentials'] : [])];
  metadata.response_types ??= ['code'];
  if (metadata.backchannel_logout_uri) metadata.backchannel_logout_session_required ??= true;
  return metadata;
}

async function registerClient(host, profile, input) {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return [400, { error: 'invalid_client_metadata', error_description: 'the body must be a JSON object of client metadata' }];
  }
  const metadata = withDefaults(input);
  let client;
  try {
    // The same validation oidc-provider applies to its own clients (Client.validate does just this).
    client = new host.provider.Client(metadata);
  } catch (err) {
    return [400, { error: err.error ?? 'invalid_client_metadata', error_description: err.error_description ?? err.message }];
  }
  // oidc-provider silently drops metadata for features that are off; the real providers refuse it.
  const stored = client.metadata();
  const dropped = Object.keys(input).filter((key) => !(key in stored));
  if (dropped.length) {
    const reasons = dropped.map((key) => (UNSUPPORTED_METADATA_REASONS[key]
      ? `${key} (the ${profile.name} profile has no ${UNSUPPORTED_METADATA_REASONS[key]})`
      : `${key} (not recognised)`));
    return [400, { error: 'invalid_client_metadata', error_description: `unsupported client metadata: ${reasons.join(', ')}` }];
  }
  await clients.upsert(metadata.client_id, metadata);
  return [201, stored];
}

// Provider-initiated logout (as an administrator's "sign out user" in Keycloak or Entra): a
// back-channel logout token for every (client, sid) the subject got an ID token for, then the end
// of the subject's sessions, revoking the grants that do not outlive them (the same rule as
// oidc-provider's own end_session: grants with offline_access persist).
async function logoutSubject(host, profile, sub) {
  const { provider } = host;
  const sent = [];
  for (const { clientId, sid } of takeIdTokensOf(sub)) {
    if (!profile.backchannelLogout) continue;
    const client = await provider.Client.find(clientId);
    if (!client?.backchannelLogoutUri) continue;
    const statuses = [];
    let error = null;
    try {
      await outgoingStatuses.run(statuses, () => client.backchannelLogout(sub, sid));
    } catch (err) {
      error = err.cause?.message ?? err.message;
    }
    sent.push({ client_id: clientId, sid, status: statuses.at(-1) ?? null, error });
  }
  let sessions = 0;
  for (const { id, payload } of livePayloads('Session')) {
    if (payload.accountId !== sub) continue;
    for (const { grantId, persistsLogout } of Object.values(payload.authorizations ?? {})) {
      if (grantId && !persistsLogout) revokeGrant(grantId);
    }
    await new InteropAdapter('Session').destroy(id);
    sessions += 1;
  }
  return { sent, sessions };
}

// Each member present sets that fault (null or [] ends it); members left out keep theirs.
function setFaults(input) {
  const checks = {
    userinfo_sub: [(v) => v === null || typeof v === 'string', 'a string or null', 'userinfoSub'],
    userinfo_status: [(v) => v === null || v === 401 || v === 403, '401, 403 or null', 'userinfoStatus'],
    refused_resources: [(v) => Array.isArray(v) && v.every((r) => typeof r === 'string'), 'an array of resource indicators', 'refusedResources'],
    authorization_iss: [(v) => v === null || typeof v === 'string', 'a string or null', 'authorizationIss'],
  };
  const unknown = Object.keys(input ?? {}).filter((key) => !(key in checks));
  if (unknown.length) return [400, { error: 'invalid_request', reason: `unknown faults: ${unknown.join(', ')}` }];
  for (const [key, [valid, expected]] of Object.entries(checks)) {
    if (key in input && !valid(input[key])) return [400, { error: 'invalid_request', reason: `${key} must be ${expected}` }];
  }
  for (const [key, [, , name]] of Object.entries(checks)) {
    if (key in input) faults[name] = input[key];
  }
  return [200, { ...faults }];
}

export function controlApi({ host, profile }) {
  return async function control(req, res) {
    if (!isLoopback(req.socket.remoteAddress)) {
      return sendJson(res, 403, { error: 'forbidden', reason: '/__interop is for loopback callers only' });
    }
    const url = new URL(req.url, 'http://control');
    const route = `${req.method} ${url.pathname}`;
    try {
      switch (route) {
        case 'POST /__interop/clients': {
          const [status, body] = await registerClient(host, profile, await readJson(req));
          return sendJson(res, status, body);
        }
        case 'POST /__interop/rotate-keys':
          return sendJson(res, 200, await host.rotateKeys());
        case 'POST /__interop/logout': {
          const { sub } = await readJson(req);
          if (typeof sub !== 'string' || !sub) return sendJson(res, 400, { error: 'invalid_request', reason: 'sub is required' });
          return sendJson(res, 200, await logoutSubject(host, profile, sub));
        }
        case 'POST /__interop/faults': {
          const [status, body] = setFaults(await readJson(req));
          return sendJson(res, status, body);
        }
        case 'GET /__interop/requests':
          return sendJson(res, 200, listRequests({
            clientId: url.searchParams.get('client_id'),
            endpoint: url.searchParams.get('endpoint'),
            since: Number(url.searchParams.get('since') ?? 0),
          }));
        default:
          return sendJson(res, 404, { error: 'not_found', reason: `no control endpoint ${route}` });
      }
    } catch (err) {
      console.error('[interop-provider] control API error', err);
      return sendJson(res, err instanceof SyntaxError ? 400 : 500, { error: 'control_error', reason: err.message });
    }
  };
}
