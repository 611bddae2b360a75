// The six provider profiles, as data, plus the small policy functions that read them.
// README.md says, per profile, which real provider's documented behaviour each switch mimics.

import { jwtPayload } from './http-util.mjs';

export const RESOURCES = {
  api1: { id: 'https://api1.interop.test', scope: 'api1.read' },
  api2: { id: 'https://api2.interop.test', scope: 'api2.read' },
};

// Keycloak (and Okta) is the baseline; the other profiles are described by how they differ from it.
const keycloak = {
  mimics: 'Keycloak / Okta',
  endSession: true, // rpInitiatedLogout: end_session_endpoint in discovery
  revocation: true,
  introspection: true,
  backchannelLogout: true, // with sid (backchannel_logout_session_required)
  par: true, // advertised, not required
  issParameter: true, // RFC 9207 iss in the authorization response
  conformIdTokenClaims: false, // profile/email claims in the ID token
  resourceIndicators: true,
  resourceSelection: 'scope', // no `resource` parameter: the resource server whose scopes were asked for
  tokenFormat: { api1: 'jwt', api2: 'jwt' },
  offlineSignal: 'offline_access', // what asks for a refresh token
  rotateRefreshToken: true, // every refresh returns a new refresh token; reusing an old one revokes the grant
  refreshResponse: 'rotated', // 'rotated' | 'same' (the presented token again) | 'omit' (no refresh_token member)
  omitExpiresIn: false,
  userinfo: true, // false: no userinfo endpoint (as some enterprise providers configure it)
  clockSkewSeconds: 0,
  extraParams: [],
};

export const PROFILES = {
  entra: {
    ...keycloak,
    mimics: 'Microsoft Entra ID',
    revocation: false,
    introspection: false,
    backchannelLogout: false,
    par: false,
    issParameter: false,
  },
  auth0: {
    ...keycloak,
    mimics: 'Auth0',
    introspection: false,
    backchannelLogout: false,
    par: false,
    resourceSelection: 'audience', // only `audience=<resource id>` selects an API; without it the token is opaque
    extraParams: ['audience'],
  },
  keycloak,
  google: {
    ...keycloak,
    mimics: 'Google / Amazon Cognito',
    endSession: false,
    backchannelLogout: false,
    par: false,
    resourceIndicators: false, // every access token is an opaque userinfo token without audience
    conformIdTokenClaims: true, // name and email only from userinfo
    tokenFormat: { api1: 'opaque', api2: 'opaque' },
    audiencelessTokens: true, // the API accepts any active token of a registered client (tokeninfo style)
    offlineSignal: 'access_type', // access_type=offline, the offline_access scope is ignored
    extraParams: ['access_type'],
    rotateRefreshToken: false,
    refreshResponse: 'omit',
  },
  norotation: {
    ...keycloak,
    mimics: 'a provider whose refresh tokens do not rotate (e.g. Okta with a persistent refresh token)',
    rotateRefreshToken: false,
    refreshResponse: 'same',
  },
  rotation: {
    ...keycloak,
    mimics: 'Keycloak during a signing key rotation, with a clock running ahead',
    clockSkewSeconds: 240,
  },
};

export function resolveProfile(name, { clockSkewSeconds, refreshResponse, omitExpiresIn, noUserinfo } = {}) {
  const base = PROFILES[name];
  if (!base) {
    throw new Error(`unknown profile "${name}", expected one of ${Object.keys(PROFILES).join(', ')}`);
  }
  const profile = { ...base, name };
  if (clockSkewSeconds !== undefined) profile.clockSkewSeconds = clockSkewSeconds;
  if (refreshResponse !== undefined) {
    if (profile.rotateRefreshToken) {
      // A rotating provider must hand out the new token, or the client is locked out.
      throw new Error(`--refresh-response is for profiles without rotation, ${name} rotates`);
    }
    profile.refreshResponse = refreshResponse;
  }
  if (omitExpiresIn) profile.omitExpiresIn = true;
  if (noUserinfo) profile.userinfo = false;
  return profile;
}

export function resourceById(id) {
  return Object.entries(RESOURCES).find(([, resource]) => resource.id === id);
}

// Resource ids whose scopes appear in a space-delimited scope string, in RESOURCES order.
function resourcesNamedByScope(scope) {
  const requested = new Set(scope?.split(' '));
  return Object.values(RESOURCES)
    .filter((resource) => resource.scope.split(' ').some((s) => requested.has(s)))
    .map((resource) => resource.id);
}

// features.resourceIndicators.defaultResource: what a request without `resource` gets.
// At the authorization endpoint (no oneOf) every resource server the request names is granted;
// at the token endpoint (oneOf = the granted resources) exactly one must be picked: the one whose
// scopes the request's `scope` names, otherwise the first granted one.
export function defaultResourceFor(profile) {
  return async function defaultResource(ctx, _client, oneOf) {
    if (!oneOf) {
      const named = profile.resourceSelection === 'audience'
        ? [ctx.oidc.params.audience].filter(Boolean)
        : resourcesNamedByScope(ctx.oidc.params.scope);
      return named.length > 1 ? named : named[0];
    }
    const named = resourcesNamedByScope(ctx.oidc.params.scope).filter((id) => oneOf.includes(id));
    return named.length === 1 ? named[0] : oneOf[0];
  };
}

// The scope an authorization request was sent with, before oidc-provider changed it: for a request
// that came through PAR that is the scope stored in the pushed request object.
function scopeAsSent(ctx) {
  const pushed = ctx.oidc.entities.PushedAuthorizationRequest;
  if (pushed) {
    return jwtPayload(pushed.request).scope ?? '';
  }
  const sent = ctx.method === 'POST' ? ctx.oidc.body : ctx.query;
  return typeof sent?.scope === 'string' ? sent.scope : '';
}

// oidc-provider drops offline_access from every authorization request without prompt=consent
// (lib/actions/authorization/scopes.js, OpenID Connect Core 11). The real providers mimicked here
// issue a refresh token for offline_access alone (Google for access_type=offline), so this puts the
// scope back, or takes it out. It is registered as the extraParams validator of `scope` because that
// is the one configuration hook that runs after that check and before the request is stored in the
// interaction or in the pushed authorization request object.
export function offlineAccessPolicyFor(profile) {
  return function offlineAccessPolicy(ctx) {
    const { params, client } = ctx.oidc;
    const scopes = new Set(params.scope?.split(' ').filter(Boolean));
    const asked = profile.offlineSignal === 'access_type'
      ? params.access_type === 'offline'
      : scopeAsSent(ctx).split(' ').includes('offline_access');
    if (asked && params.response_type?.includes('code') && client.grantTypeAllowed('refresh_token')) {
      scopes.add('offline_access');
    } else {
      scopes.delete('offline_access');
    }
    params.scope = scopes.size ? [...scopes].join(' ') : undefined;
  };
}

// Client metadata a profile's provider does not support, with the reason shown in the 400 answer.
export const UNSUPPORTED_METADATA_REASONS = {
  backchannel_logout_uri: 'back-channel logout',
  backchannel_logout_session_required: 'back-channel logout',
  post_logout_redirect_uris: 'RP-initiated logout (there is no end_session_endpoint)',
  require_pushed_authorization_requests: 'pushed authorization requests',
};
