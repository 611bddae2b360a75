// An unbounded in-memory storage adapter for oidc-provider.
//
// oidc-provider's built-in MemoryAdapter is an LRU capped at 1000 entries, and the interop tests make
// enough logins to evict live sessions and grants. This one keeps everything until it expires.
// The storage is module-level on purpose: a Provider rebuilt by /__interop/rotate-keys constructs
// new adapter instances, and they must see the same sessions, grants, codes and tokens.

const stores = new Map(); // model name -> Map(id -> { payload, expiresAt })
const grantMembers = new Map(); // grantId -> Set of `${model} ${id}`
const sessionUids = new Map(); // Session uid -> Session id
const userCodes = new Map(); // user code -> DeviceCode id

function storeFor(model) {
  let store = stores.get(model);
  if (!store) {
    store = new Map();
    stores.set(model, store);
  }
  return store;
}

function live(entry) {
  return entry && entry.expiresAt > Date.now();
}

function unindex(model, id, payload) {
  if (payload.uid && sessionUids.get(payload.uid) === id) sessionUids.delete(payload.uid);
  if (payload.userCode && userCodes.get(payload.userCode) === id) userCodes.delete(payload.userCode);
  if (payload.grantId) {
    const members = grantMembers.get(payload.grantId);
    members?.delete(`${model} ${id}`);
    if (members?.size === 0) grantMembers.delete(payload.grantId);
  }
}

function remove(model, id) {
  const store = storeFor(model);
  const entry = store.get(id);
  if (entry) {
    store.delete(id);
    unindex(model, id, entry.payload);
  }
}

export class InteropAdapter {
  constructor(model) {
    this.model = model;
    this.store = storeFor(model);
  }

  async upsert(id, payload, expiresIn) {
    remove(this.model, id);
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
    this.store.set(id, { payload: structuredClone(payload), expiresAt });
    if (this.model === 'Session' && payload.uid) sessionUids.set(payload.uid, id);
    if (payload.userCode) userCodes.set(payload.userCode, id);
    if (payload.grantId) {
      if (!grantMembers.has(payload.grantId)) grantMembers.set(payload.grantId, new Set());
      grantMembers.get(payload.grantId).add(`${this.model} ${id}`);
    }
  }

  async find(id) {
    const entry = this.store.get(id);
    if (!live(entry)) {
      if (entry) remove(this.model, id);
      return undefined;
    }
    return structuredClone(entry.payload);
  }

  async findByUid(uid) {
    const id = sessionUids.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = userCodes.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    // Kept (not deleted) so a second use is recognised: that is what triggers oidc-provider's
    // refresh token reuse detection (lib/actions/grants/refresh_token.js revokes the whole grant).
    const entry = this.store.get(id);
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    remove(this.model, id);
  }

  async revokeByGrantId(grantId) {
    // oidc-provider calls this once per token model; remove only this model's members.
    for (const member of [...(grantMembers.get(grantId) ?? [])]) {
      const space = member.indexOf(' ');
      if (member.slice(0, space) === this.model) remove(this.model, member.slice(space + 1));
    }
  }
}

// Live payloads of one model, for the control API (provider-initiated logout, registered clients).
export function livePayloads(model) {
  return [...storeFor(model).entries()].filter(([, entry]) => live(entry)).map(([id, entry]) => ({ id, payload: entry.payload }));
}

// Everything issued under a grant, and the grant itself (what oidc-provider's revoke helper does).
export function revokeGrant(grantId) {
  for (const member of [...(grantMembers.get(grantId) ?? [])]) {
    const space = member.indexOf(' ');
    remove(member.slice(0, space), member.slice(space + 1));
  }
  remove('Grant', grantId);
}

// Sweep expired entries now and then so long test runs do not grow without bound.
setInterval(() => {
  for (const [model, store] of stores) {
    for (const [id, entry] of store) if (!live(entry)) remove(model, id);
  }
}, 60_000).unref();
