// The oidc-provider configuration for one profile. Every name here is checked against
// node_modules/oidc-provider/lib/helpers/defaults.js (9.13.3).

import { AsyncLocalStorage } from 'node:async_hooks';
import { errors } from 'oidc-provider';

import { InteropAdapter } from './adapter.mjs';
import { faults, findAccount } from './accounts.mjs';
import { logoutSource, postLogoutSuccessSource, renderError } from './interactions.mjs';
import { defaultResourceFor, offlineAccessPolicyFor, resourceById } from './profiles.mjs';

export const INTROSPECTION_CLIENT = {
  client_id: 'interop-api',
  client_secret: 'interop-api-secret',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
};

// Status codes answered to outgoing requests (back-channel logout), for /__interop/logout.
export const outgoingStatuses = new AsyncLocalStorage();

// oidc-provider's fetch wraps an undici dispatcher that refuses special-use addresses (SSRF guard,
// lib/helpers/fetch_request.js); the clients of these tests listen on 127.0.0.1, so it is dropped.
async function loopbackFetch(url, { dispatcher, ...options }) {
  const response = await globalThis.fetch(url, options);
  outgoingStatuses.getStore()?.push(response.status);
  return response;
}

// Consent is never shown: the grant is created or extended with everything the request asks for,
// as for first-party apps. Runs for every authorization request that has a signed-in user.
async function loadExistingGrant(ctx) {
  const { oidc } = ctx;
  const { accountId } = oidc.session;
  const clientId = oidc.client.clientId;
  const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(clientId);
  let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (grant?.accountId !== accountId) {
    grant = new oidc.provider.Grant({ accountId, clientId });
  }
  const oidcScopes = [...oidc.requestParamOIDCScopes];
  if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
  if (oidc.requestParamClaims.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
  for (const [indicator, resourceServer] of Object.entries(oidc.resourceServers)) {
    const scopes = [...oidc.requestParamScopes].filter((scope) => resourceServer.scopes.has(scope));
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  await grant.save();
  return grant;
}

// The refusedResources fault, raised from the rotateRefreshToken hook: the last step of the
// refresh_token grant before it consumes (rotates) the refresh token, so the refusal leaves the
// refresh token usable, as a provider that checks the resource first does. (Raised any later, e.g.
// from getResourceServerInfo, the rotated token would be lost and the next refresh be a reuse.)
function rotateRefreshTokenFor(profile) {
  return async function rotateRefreshToken(ctx) {
    const refused = [ctx.oidc.params.resource ?? []].flat().find((r) => faults.refusedResources.includes(r));
    if (refused) throw new errors.InvalidTarget(`the client may no longer get tokens for ${refused}`);
    return profile.rotateRefreshToken;
  };
}

function resourceServerInfoFor(profile) {
  return async function getResourceServerInfo(_ctx, indicator) {
    const found = resourceById(indicator);
    if (!found) throw new errors.InvalidTarget(`unknown resource indicator ${indicator}`);
    const [name, resource] = found;
    const format = profile.tokenFormat[name];
    return {
      audience: resource.id,
      scope: resource.scope,
      accessTokenTTL: 600,
      accessTokenFormat: format,
      ...(format === 'jwt' ? { jwt: { sign: { alg: 'RS256' } } } : {}),
    };
  };
}

// Tests only: any authenticated client may introspect or revoke any of its own tokens.
async function introspectionAllowed() {
  return true;
}

async function revocationAllowed(_ctx, client, token) {
  if (token.clientId !== client.clientId) {
    throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
  }
  return true;
}

export function buildConfiguration({ profile, jwks, cookieKeys }) {
  return {
    adapter: InteropAdapter,
    jwks,
    cookies: { keys: cookieKeys },
    clients: [INTROSPECTION_CLIENT],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      id_token_signed_response_alg: 'RS256',
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    clientBasedCORS: () => false, // the relying party is a server (the BFF), not a browser
    responseTypes: ['code'],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      acr: null,
      sid: null,
      auth_time: null,
      iss: null,
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name'],
      email: ['email', 'email_verified'],
    },
    conformIdTokenClaims: profile.conformIdTokenClaims,
    extraParams: {
      scope: offlineAccessPolicyFor(profile),
      ...Object.fromEntries(profile.extraParams.map((name) => [name, null])),
    },
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] }, // every signing key is RSA
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: profile.introspection, allowedPolicy: introspectionAllowed },
      revocation: { enabled: profile.revocation, allowedPolicy: revocationAllowed },
      backchannelLogout: { enabled: profile.backchannelLogout },
      pushedAuthorizationRequests: { enabled: profile.par, requirePushedAuthorizationRequests: false },
      rpInitiatedLogout: { enabled: profile.endSession, logoutSource, postLogoutSuccessSource },
      resourceIndicators: {
        enabled: profile.resourceIndicators,
        defaultResource: defaultResourceFor(profile),
        useGrantedResource: async () => true, // a code or refresh token exchange without `resource` gets a granted one
        getResourceServerInfo: resourceServerInfoFor(profile),
      },
      userinfo: { enabled: profile.userinfo },
    },
    fetch: loopbackFetch,
    findAccount,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant,
    pkce: { required: () => true },
    renderError,
    rotateRefreshToken: rotateRefreshTokenFor(profile),
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 24 * 60 * 60,
      Session: 24 * 60 * 60,
      Grant: 14 * 24 * 60 * 60,
    },
  };
}
