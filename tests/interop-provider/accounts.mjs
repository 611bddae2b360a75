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

// Faults the tests switch on through POST /__interop/faults, to see the BFF refuse a misbehaving
// provider: userinfoSub makes the userinfo endpoint answer about another subject (OIDC Core 5.3.2;
// applied to the answer in provider.mjs, as oidc-provider sets sub itself).
export const faults = { userinfoSub: null };

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
