// A minimal browser over fetch: a cookie jar per user (cookies of every loopback port shared, as a
// browser does for one host name), manual redirects, timeouts on every request, and the full
// OpenID Connect code-flow login through the dev IdP's real login page.

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

/** One request with the jar's cookies; the answer's Set-Cookie go into the jar. Body read as text. */
export async function send(url, { method = 'GET', jar, headers = {}, body, timeoutMs = requestTimeoutMs } = {}) {
  const all = { ...headers };
  const cookie = jar?.header();
  if (cookie) all.cookie = cookie;
  const response = await fetch(url, { method, headers: all, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  jar?.store(response);
  const text = await response.text();
  return { url: new URL(url), status: response.status, headers: response.headers, text };
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
export async function follow(answer, jar, stop = () => false) {
  for (let hops = 0; isRedirect(answer); hops++) {
    if (hops >= 20) throw new Error(`more than 20 redirects from ${answer.url}`);
    const next = new URL(answer.headers.get('location'), answer.url);
    answer = await send(next, { jar });
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
  const jar = new CookieJar();
  const start = await send(`${bffUrl}/bff/login?returnUrl=%2F`, { jar });
  const page = await follow(start, jar);
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
  });
  const bff = new URL(bffUrl);
  const callback = await follow(posted, jar, (url) => url.port === bff.port && url.pathname === '/signin-oidc');
  if (!(callback.url.port === bff.port && callback.url.pathname === '/signin-oidc')) {
    throw new Error(`the login did not come back to the BFF callback: ${callback.status} ${callback.url}: ${callback.text.slice(0, 300)}`);
  }
  if (!jar.get(cookieName)) {
    throw new Error(`the BFF callback answered ${callback.status} without a ${cookieName} cookie: ${callback.text.slice(0, 300)}`);
  }
  return jar;
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
