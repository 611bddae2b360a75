/**
 * `@openbff/client`: a small client for a Backend-for-Frontend (BFF) token
 * handler that follows the Duende.BFF endpoint contract.
 *
 * The SPA never holds OAuth tokens: the BFF keeps them server side and the
 * browser only has an HttpOnly session cookie. This module therefore never
 * touches `localStorage`, `sessionStorage` or `document.cookie`.
 *
 * Endpoints used:
 * - `GET  {basePath}/bff/user` (with `X-CSRF: 1`): 200 + JSON claims, 401 when anonymous.
 * - `{basePath}/bff/login?returnUrl=…`: full-page navigation, never fetched.
 * - the `bff:logout_url` claim value: full-page navigation.
 * - `{basePath}/api/…` through {@link bffFetch}.
 *
 * No dependencies; works in any modern browser. Importing it touches no
 * browser global, so it can be imported during server-side rendering.
 *
 * @packageDocumentation
 */

/** One claim as returned by `GET /bff/user`. */
export interface Claim {
  /** Claim type, e.g. `sub`, `name`, `bff:logout_url`. */
  type: string;
  /** Claim value; the BFF emits numbers for some claims (e.g. `bff:session_expires_in`). */
  value: string | number;
}

/** Options for {@link configureBff}. */
export interface BffOptions {
  /**
   * Path the BFF (and the SPA) is hosted under, e.g. `/my-app` when the host
   * uses `PathBase`. Default `''`. A trailing slash is ignored.
   */
  basePath?: string;
}

/** Options for {@link getUser}. */
export interface GetUserOptions {
  /**
   * Whether this call may extend (slide) the server-side session.
   * `false` adds `?slide=false`, so polling does not keep the session alive.
   * Default: the BFF's default (sliding).
   */
  slide?: boolean;
  /** Aborts the request. */
  signal?: AbortSignal;
}

/** Claim type holding the URL to navigate to for logging out (includes the session id). */
export const LOGOUT_URL_CLAIM = 'bff:logout_url';
/** Claim type holding the number of seconds until the server-side session expires. */
export const SESSION_EXPIRES_IN_CLAIM = 'bff:session_expires_in';

/** Thrown when a BFF call fails. `status` is the HTTP status (`0` if there was no usable response). */
export class BffError extends Error {
  /** HTTP status code of the failed response, or `0`. */
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.name = 'BffError';
    this.status = status;
  }
}

/**
 * Thrown by {@link bffFetch} on a 401 response: the user is not (or no longer)
 * logged in, e.g. the session ended server side.
 */
export class BffUnauthorizedError extends BffError {
  constructor(message = 'Not logged in (401): the BFF session has ended.') {
    super(message, 401);
    this.name = 'BffUnauthorizedError';
  }
}

/** The logged-in user: a read-only view over the claims from `GET /bff/user`. */
export class BffUser {
  /** All claims, in the order the BFF returned them. */
  readonly claims: readonly Claim[];

  constructor(claims: readonly Claim[]) {
    this.claims = Object.freeze(claims.map((c) => Object.freeze({ type: c.type, value: c.value })));
  }

  /**
   * The value of the first claim of the given type, as a string.
   * @returns `undefined` when there is no such claim.
   */
  get(type: string): string | undefined {
    const claim = this.claims.find((c) => c.type === type);
    return claim === undefined ? undefined : String(claim.value);
  }

  /** All values of the given claim type (e.g. `role`), as strings. */
  getAll(type: string): string[] {
    return this.claims.filter((c) => c.type === type).map((c) => String(c.value));
  }

  /** The `name` claim. */
  get name(): string | undefined {
    return this.get('name');
  }

  /** The `sub` (subject / user id) claim. */
  get sub(): string | undefined {
    return this.get('sub');
  }

  /** The `bff:logout_url` claim: where to navigate to log out. */
  get logoutUrl(): string | undefined {
    return this.get(LOGOUT_URL_CLAIM);
  }

  /** Seconds until the server-side session expires (`bff:session_expires_in`), if known. */
  get sessionExpiresIn(): number | undefined {
    const raw = this.get(SESSION_EXPIRES_IN_CLAIM);
    if (raw === undefined || raw.trim() === '') return undefined;
    const seconds = Number(raw);
    return Number.isFinite(seconds) ? seconds : undefined;
  }
}

let basePath = '';
const loggedOutListeners = new Set<() => void>();

/**
 * Configures the module. Call once at start-up, before any other function.
 * @example configureBff({ basePath: '/my-app' });
 */
export function configureBff(options: BffOptions): void {
  if (options.basePath !== undefined) {
    basePath = options.basePath.replace(/\/+$/, '');
  }
}

/** Prefixes root-relative paths (`/…` but not `//…`) with the configured base path. */
function withBase(path: string): string {
  return path.startsWith('/') && !path.startsWith('//') ? basePath + path : path;
}

/**
 * True for a local, root-relative path such as `/orders?id=1`: not `//evil.example`,
 * `/\evil.example` or `https://…`, and no control characters (browsers drop tabs and
 * line breaks from URLs, so `/\t/evil.example` would become `//evil.example`).
 */
function isLocalPath(url: string): boolean {
  return (
    url.startsWith('/') &&
    !url.startsWith('//') &&
    !url.startsWith('/\\') &&
    !/[\u0000-\u001f\u007f]/.test(url)
  );
}

function isClaim(value: unknown): value is Claim {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.type === 'string' && (typeof c.value === 'string' || typeof c.value === 'number');
}

/**
 * Asks the BFF who is logged in (`GET /bff/user` with `X-CSRF: 1`).
 *
 * @returns the user, or `null` when anonymous (401).
 * @throws {@link BffError} for any other non-2xx status or a malformed body
 *   (network failures reject with the browser's `TypeError`).
 */
export async function getUser(options: GetUserOptions = {}): Promise<BffUser | null> {
  const url = withBase('/bff/user') + (options.slide === false ? '?slide=false' : '');
  const init: RequestInit = {
    headers: { 'X-CSRF': '1' },
    cache: 'no-store',
    credentials: 'same-origin',
  };
  if (options.signal) init.signal = options.signal;

  const response = await fetch(url, init);
  if (response.status === 401) return null;
  if (!response.ok) {
    throw new BffError(`GET ${url} failed: ${describeStatus(response)}`, response.status);
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new BffError(`GET ${url} returned a body that is not JSON`, response.status);
  }
  if (!Array.isArray(body) || !body.every(isClaim)) {
    throw new BffError(`GET ${url} did not return an array of claims`, response.status);
  }
  return new BffUser(body);
}

/**
 * The URL that starts the login flow: `{basePath}/bff/login?returnUrl=…`.
 * Use it for a link (`<a href>`); {@link login} navigates to it.
 *
 * @param returnUrl local path to come back to after login; defaults to the current page.
 * @throws TypeError if `returnUrl` is not a local path (the BFF would reject it with 400 anyway).
 */
export function getLoginUrl(returnUrl: string = location.pathname + location.search): string {
  if (!isLocalPath(returnUrl)) {
    throw new TypeError(`returnUrl must be a local path starting with '/', got '${returnUrl}'`);
  }
  return withBase('/bff/login') + '?returnUrl=' + encodeURIComponent(returnUrl);
}

/**
 * Starts the login flow by navigating the whole page to `/bff/login`.
 * Never `fetch` the login endpoint: it redirects to the identity provider.
 *
 * @param returnUrl local path to come back to after login; defaults to the current page.
 * @throws TypeError if `returnUrl` is not a local path (the BFF would reject it anyway).
 */
export function login(returnUrl?: string): void {
  location.assign(getLoginUrl(returnUrl));
}

/**
 * The URL that logs the user out: their `bff:logout_url` claim (which carries
 * the session id, `sid`, that the BFF requires), with `returnUrl` added unless
 * the URL already has one. {@link logout} navigates to it.
 *
 * @throws Error if the user has no `bff:logout_url` claim or it points to another origin.
 */
export function getLogoutUrl(user: BffUser, returnUrl = '/'): string {
  const logoutUrl = user.logoutUrl;
  if (!logoutUrl) {
    throw new Error(`The user has no '${LOGOUT_URL_CLAIM}' claim; cannot log out.`);
  }
  const parsed = new URL(logoutUrl, location.href);
  if (parsed.origin !== location.origin) {
    throw new Error(`Refusing to navigate to a cross-origin logout URL: ${logoutUrl}`);
  }
  const hasReturnUrl = [...parsed.searchParams.keys()].some((k) => k.toLowerCase() === 'returnurl');
  return hasReturnUrl
    ? logoutUrl
    : logoutUrl + (logoutUrl.includes('?') ? '&' : '?') + 'returnUrl=' + encodeURIComponent(returnUrl);
}

/**
 * Logs out by navigating the whole page to the user's `bff:logout_url`
 * (see {@link getLogoutUrl}).
 *
 * @throws Error if the user has no `bff:logout_url` claim or it points to another origin.
 */
export function logout(user: BffUser, returnUrl = '/'): void {
  location.assign(getLogoutUrl(user, returnUrl));
}

/**
 * `fetch` for BFF-proxied APIs: adds the `X-CSRF: 1` anti-forgery header
 * (merged with `init.headers`), always sends `credentials: 'same-origin'`, and
 * prefixes root-relative paths with the configured base path.
 *
 * Non-2xx responses other than 401 are returned as-is, like `fetch`.
 *
 * @throws {@link BffUnauthorizedError} on 401, after calling every
 *   {@link onLoggedOut} listener.
 */
export async function bffFetch(input: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('X-CSRF', '1');
  const response = await fetch(withBase(input), { ...init, headers, credentials: 'same-origin' });
  if (response.status === 401) {
    notifyLoggedOut();
    throw new BffUnauthorizedError();
  }
  return response;
}

/**
 * Registers a listener called whenever {@link bffFetch} gets a 401 (the
 * session ended server side). It may be called more than once if several
 * requests fail, so make it idempotent.
 *
 * @returns a function that unregisters the listener.
 */
export function onLoggedOut(listener: () => void): () => void {
  loggedOutListeners.add(listener);
  return () => {
    loggedOutListeners.delete(listener);
  };
}

function notifyLoggedOut(): void {
  for (const listener of [...loggedOutListeners]) {
    try {
      listener();
    } catch (error) {
      console.error('onLoggedOut listener failed', error);
    }
  }
}

/** Largest delay `setTimeout` supports (~24.8 days); longer delays fire immediately. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** Check a little after the expiry, not exactly on it. */
const EXPIRY_GRACE_MS = 1000;
/** Retry delay when the check itself fails (network error, 5xx). */
const RETRY_AFTER_MS = 30_000;

/**
 * Calls `onExpired` once the server-side session has ended.
 *
 * Schedules a check at `user.sessionExpiresIn` seconds. The check calls
 * `GET /bff/user?slide=false` (so it does not itself extend the session):
 * - 401, or a different user → the session ended: `onExpired()` is called once and watching stops;
 * - still logged in (the session slid, e.g. because of API calls) → re-schedules at the new expiry;
 * - the check fails (network, 5xx) → retries in 30 s.
 *
 * Does nothing if the user has no `bff:session_expires_in` claim.
 *
 * @returns a function that cancels the watch.
 */
export function watchSession(user: BffUser, onExpired: () => void): () => void {
  let cancelled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const schedule = (delayMs: number): void => {
    if (cancelled) return;
    timer = setTimeout(check, Math.min(Math.max(delayMs, EXPIRY_GRACE_MS), MAX_TIMEOUT_MS));
  };

  const scheduleAtExpiry = (seconds: number | undefined): void => {
    if (seconds !== undefined) schedule(seconds * 1000 + EXPIRY_GRACE_MS);
  };

  const check = async (): Promise<void> => {
    timer = undefined;
    let current: BffUser | null;
    try {
      current = await getUser({ slide: false });
    } catch {
      schedule(RETRY_AFTER_MS);
      return;
    }
    if (cancelled) return;
    if (current === null || current.sub !== user.sub) {
      cancelled = true;
      onExpired();
      return;
    }
    scheduleAtExpiry(current.sessionExpiresIn);
  };

  scheduleAtExpiry(user.sessionExpiresIn);

  return () => {
    cancelled = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
}

function describeStatus(response: Response): string {
  return response.statusText ? `${response.status} ${response.statusText}` : String(response.status);
}
