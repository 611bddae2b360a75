// The two test users. Their password is their username.

export const USERS = {
  alice: {
    sub: 'alice',
    name: 'Alice Smith',
    given_name: 'Alice',
    family_name: 'Smith',
    email: 'alice@example.com',
    email_verified: true,
  },
  bob: {
    sub: 'bob',
    name: 'Bob Jones',
    given_name: 'Bob',
    family_name: 'Jones',
    email: 'bob@example.com',
    email_verified: true,
  },
};

export function authenticate(username, password) {
  const user = Object.hasOwn(USERS, username) ? USERS[username] : undefined;
  return user && password === username ? user : undefined;
}

// Faults the tests switch on through POST /__interop/faults, to see the BFF handle a misbehaving
// or reconfigured provider:
// - userinfoSub: the userinfo endpoint answers about another subject (OIDC Core 5.3.2; applied
//   to the answer in provider.mjs, as oidc-provider sets sub itself);
// - userinfoStatus: the userinfo endpoint refuses every access token with this status (401 or
//   403, as providers do for a token whose audience is an API; provider.mjs);
// - refusedResources: refresh_token grants for these resource indicators are refused with
//   invalid_target, before the refresh token is used (an administrator withdrew the client's access
//   to the API; configuration.mjs, rotateRefreshTokenFor);
// - authorizationIss: the authorization response's RFC 9207 `iss` is replaced by this value (a
//   mix-up attack's response; provider.mjs).
export const faults = { userinfoSub: null, userinfoStatus: null, refusedResources: [], authorizationIss: null };

// oidc-provider's findAccount; it filters the claims by the granted scopes and claims itself.
export async function findAccount(_ctx, sub) {
  const user = Object.hasOwn(USERS, sub) ? USERS[sub] : undefined;
  if (!user) return undefined;
  return {
    accountId: user.sub,
    async claims() {
      return { ...user };
    },
  };
}
