// Builds the oidc-provider instance for a profile and swaps it for a new one on key rotation.
//
// oidc-provider reads its signing keys once, at construction. Rotation therefore builds a new
// Provider with the same configuration, cookie keys and (module-level) storage but the new key
// first in the JWKS, and swaps the request handler: sessions, interactions, grants, codes and
// refresh tokens live in the shared storage and keep working; requests already running finish on
// the old instance.

import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Provider } from 'oidc-provider';

import { faults } from './accounts.mjs';
import { buildConfiguration } from './configuration.mjs';
import { interactionRoutes } from './interactions.mjs';
import { recordProtocolRequests } from './recorder.mjs';

async function generateSigningKey() {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(9).toString('base64url'), alg: 'RS256', use: 'sig' };
}

// Removes RFC 9207 `iss` from an authorization response (redirect or form_post) for profiles
// whose real provider does not send it; oidc-provider always adds it (actions/authorization/respond.js).
function stripIssParameter(ctx, issuer) {
  const location = ctx.response.get('location');
  if (location) {
    const url = URL.parse(location);
    if (!url) return;
    if (url.searchParams.get('iss') === issuer) url.searchParams.delete('iss');
    if (url.hash) {
      const fragment = new URLSearchParams(url.hash.slice(1));
      if (fragment.get('iss') === issuer) {
        fragment.delete('iss');
        url.hash = fragment.toString();
      }
    }
    ctx.response.set('location', url.href);
  } else if (typeof ctx.body === 'string') {
    ctx.body = ctx.body.replace(/\s*<input type="hidden" name="iss" value="[^"]*"\/>/, '');
  }
}

// The authorization-response fault: another issuer's `iss` in the redirect (query response mode).
function replaceIssParameter(ctx, issuer, iss) {
  const url = URL.parse(ctx.response.get('location') ?? '');
  if (url?.searchParams.get('iss') === issuer) {
    url.searchParams.set('iss', iss);
    ctx.response.set('location', url.href);
  }
}

// Koa middleware: the answers in which a profile differs from what oidc-provider does by itself.
function profileResponses(profile, issuer) {
  return async function shapeResponses(ctx, next) {
    await next();
    const route = ctx.oidc?.route;
    if (!profile.issParameter) {
      if (route === 'discovery' && ctx.body) delete ctx.body.authorization_response_iss_parameter_supported;
      if (route === 'authorization' || route === 'resume') stripIssParameter(ctx, issuer);
    } else if (faults.authorizationIss && (route === 'authorization' || route === 'resume')) {
      replaceIssParameter(ctx, issuer, faults.authorizationIss);
    }
    if (route === 'token' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      if (ctx.oidc.params?.grant_type === 'refresh_token' && profile.refreshResponse === 'omit') {
        delete ctx.body.refresh_token;
      }
      if (profile.omitExpiresIn) delete ctx.body.expires_in;
    }
    // oidc-provider always answers userinfo with the token's own sub; the fault replaces it after.
    if (route === 'userinfo' && faults.userinfoSub && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      ctx.body = { ...ctx.body, sub: faults.userinfoSub };
    }
    if (route === 'userinfo' && faults.userinfoStatus) {
      const error = faults.userinfoStatus === 403 ? 'insufficient_scope' : 'invalid_token';
      ctx.status = faults.userinfoStatus;
      ctx.body = { error, error_description: 'the access token is not for the userinfo endpoint' };
      ctx.set('WWW-Authenticate', `Bearer error="${error}"`);
    }
  };
}

export async function createProviderHost({ issuer, profile }) {
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const keys = [await generateSigningKey()];

  function build() {
    const provider = new Provider(issuer, buildConfiguration({
      profile,
      // oidc-provider signs with the first key that fits; the newest is first.
      jwks: { keys: keys.map((key) => ({ ...key })) },
      cookieKeys,
    }));
    provider.proxy = false;
    provider.use(recordProtocolRequests);
    provider.use(profileResponses(profile, issuer));
    provider.use(interactionRoutes(provider));
    provider.on('server_error', (_ctx, err) => console.error('[interop-provider] server_error', err));
    provider.on('backchannel.error', (_ctx, err, client) => {
      console.error(`[interop-provider] back-channel logout to ${client.clientId} failed: ${err.message}`);
    });
    return { provider, handler: provider.callback() };
  }

  let current = build();

  return {
    get provider() {
      return current.provider;
    },
    handle(req, res) {
      return current.handler(req, res);
    },
    // Every key stays published (newest first), like Keycloak's active and passive keys, so tokens
    // signed before a rotation still verify.
    async rotateKeys() {
      const previous = keys[0].kid;
      keys.unshift(await generateSigningKey());
      current = build();
      return { kid: keys[0].kid, previous };
    },
  };
}
