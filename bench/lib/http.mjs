// A minimal browser over fetch: a cookie jar per user (cookies of every loopback port shared, as a
// browser does for one host name), manual redirects, timeouts on every request, and the full
// OpenID Connect code-flow login through the dev IdP's real login page.
import http from 'node:http';

const requestTimeoutMs = 30_000;

export class CookieJar {
  constructor() {
    this.cookies = new Map();
  }

  store(response) {
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = setCookie.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key, val = ''] = a.trim().split('=');
        if (/^max-age$/i.test(key)) return Number(val) <= 0;
        if (/^expires$/i.test(key)) return Date.parse(val) < Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name) {
    return this.cookies.get(name);
  }

  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * One request with the jar's cookies; the answer's Set-Cookie go into the jar. Body read as text.
 * `navigate`: sent as a browser's top-level navigation (node:http: fetch always sends
 * `Sec-Fetch-Mode: cors`, and mod_auth_openidc answers such a request 401 instead of a redirect).
 */
export async function send(url, { method = 'GET', jar, headers = {}, body, timeoutMs = requestTimeoutMs, navigate = false } = {}) {
  const all = { ...headers };
  const cookie = jar?.header();
  if (cookie) all.cookie = cookie;
  if (navigate) {
    const response = await navigation(url, { method, headers: all, body, timeoutMs });
    jar?.store(response);
    return { url: new URL(url), ...response };
  }
  const response = await fetch(url, { method, headers: all, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  jar?.store(response);
  const text = await response.text();
  return { url: new URL(url), status: response.status, headers: response.headers, text };
}

function navigation(url, { method, headers, body, timeoutMs }) {
  const all = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', ...headers };
  if (body !== undefined) all['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers: all, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const responseHeaders = new Headers();
        for (let i = 0; i < response.rawHeaders.length; i += 2) responseHeaders.append(response.rawHeaders[i], response.rawHeaders[i + 1]);
        resolve({ status: response.statusCode, headers: responseHeaders, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

export async function getJson(url, { method = 'GET', jar, headers, timeoutMs } = {}) {
  const answer = await send(url, { method, jar, headers, timeoutMs });
  if (answer.status !== 200) {
    throw new Error(`${method} ${url} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  }
  return JSON.parse(answer.text);
}

function isRedirect(answer) {
  return answer.status >= 300 && answer.status < 400 && answer.headers.get('location');
}

/** Follows redirects (GET) until an answer that is not one, or `stop(url)` is true for the next hop (which is then requested and returned). */
export async function follow(answer, jar, stop = () => false, { navigate = false } = {}) {
  for (let hops = 0; isRedirect(answer); hops++) {
    if (hops >= 20) throw new Error(`more than 20 redirects from ${answer.url}`);
    const next = new URL(answer.headers.get('location'), answer.url);
    answer = await send(next, { jar, navigate });
    if (stop(next)) return answer;
  }
  return answer;
}

function decodeHtml(value) {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function hiddenField(html, name) {
  for (const [tag] of html.matchAll(/<input[^>]*>/gi)) {
    if (tag.includes(`name="${name}"`)) {
      const value = /value="([^"]*)"/i.exec(tag);
      return value ? decodeHtml(value[1]) : '';
    }
  }
  throw new Error(`the IdP login page has no field '${name}'`);
}

/**
 * Logs in through the full code flow: BFF /bff/login -> IdP authorize -> IdP login page ->
 * POST credentials -> IdP authorize -> BFF /signin-oidc (code redeemed, session created).
 * Returns the jar holding the BFF session cookie.
 */
export async function login(bffUrl, { username = 'alice', password = 'alice', cookieName = '__Host-bff' } = {}) {
  return codeFlowLogin(`${bffUrl}/bff/login?returnUrl=%2F`, { callbackPath: '/signin-oidc', sessionCookie: cookieName, username, password });
}

/**
 * The same login for any relying party (the BFF, or a peer of the peers run): GET `startUrl` ->
 * redirects to the dev IdP's login page -> POST credentials -> redirects back to `callbackPath` on
 * `startUrl`'s port (the relying party redeems the code there). Returns the jar once it holds a
 * cookie whose name matches `sessionCookie` (a name, or a RegExp for chunked cookies). `navigate`:
 * every request as a browser's top-level navigation (see send).
 */
export async function codeFlowLogin(startUrl, { callbackPath, sessionCookie, username = 'alice', password = 'alice', navigate = false }) {
  const jar = new CookieJar();
  const start = await send(startUrl, { jar, navigate });
  const page = await follow(start, jar, undefined, { navigate });
  if (page.status !== 200 || !page.text.includes('login-form')) {
    throw new Error(`expected the IdP login page, got ${page.status} from ${page.url}: ${page.text.slice(0, 300)}`);
  }
  const form = new URLSearchParams({
    username,
    password,
    returnUrl: hiddenField(page.text, 'returnUrl'),
    __RequestVerificationToken: hiddenField(page.text, '__RequestVerificationToken'),
  });
  const posted = await send(new URL('/account/login', page.url), {
    method: 'POST',
    jar,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    navigate,
  });
  const rp = new URL(startUrl);
  const isCallback = (url) => url.port === rp.port && url.pathname === callbackPath;
  const callback = await follow(posted, jar, isCallback, { navigate });
  if (!isCallback(callback.url)) {
    throw new Error(`the login did not come back to the callback ${callbackPath}: ${callback.status} ${callback.url}: ${callback.text.slice(0, 300)}`);
  }
  const matches = (name) => (typeof sessionCookie === 'string' ? name === sessionCookie : sessionCookie.test(name));
  if (![...jar.cookies.keys()].some(matches)) {
    throw new Error(`the callback answered ${callback.status} without a ${sessionCookie} cookie: ${callback.text.slice(0, 300)}`);
  }
  return jar;
}

/** The jar's cookies whose names match `pattern`, as one Cookie header value (what wrk sends). */
export function cookieHeader(jar, pattern) {
  return [...jar.cookies]
    .filter(([name]) => pattern.test(name))
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** Runs `count` tasks with at most `concurrency` at a time; resolves with their results in order. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
