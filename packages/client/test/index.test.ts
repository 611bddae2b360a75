// Unit tests for the core, src/index.ts (vitest, Node environment: fetch and location are stubbed).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BffError,
  BffUnauthorizedError,
  BffUser,
  bffFetch,
  configureBff,
  getLoginUrl,
  getLogoutUrl,
  getUser,
  login,
  logout,
  onLoggedOut,
  watchSession,
  type Claim,
} from '../src/index.js';
import { json, stubBrowser } from './browser.js';

const claims: Claim[] = [
  { type: 'sub', value: '1' },
  { type: 'name', value: 'Alice Smith' },
  { type: 'role', value: 'admin' },
  { type: 'role', value: 'user' },
  { type: 'bff:logout_url', value: '/bff/logout?sid=abc' },
  { type: 'bff:session_expires_in', value: 28800 },
];

let fetchMock: ReturnType<typeof vi.fn>;
let assign: ReturnType<typeof vi.fn>;

/** The [url, init] of the n-th fetch call. */
const fetchCall = (n = 0): [string, RequestInit] => fetchMock.mock.calls[n] as [string, RequestInit];

beforeEach(() => {
  ({ fetch: fetchMock, assign } = stubBrowser());
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('BffUser', () => {
  it('exposes well-known claims', () => {
    const user = new BffUser(claims);
    expect(user.name).toBe('Alice Smith');
    expect(user.sub).toBe('1');
    expect(user.logoutUrl).toBe('/bff/logout?sid=abc');
    expect(user.sessionExpiresIn).toBe(28800);
    expect(user.get('missing')).toBeUndefined();
    expect(user.getAll('role')).toEqual(['admin', 'user']);
  });

  it('parses a string session_expires_in and ignores garbage', () => {
    expect(new BffUser([{ type: 'bff:session_expires_in', value: '60' }]).sessionExpiresIn).toBe(60);
    expect(new BffUser([{ type: 'bff:session_expires_in', value: 'soon' }]).sessionExpiresIn).toBeUndefined();
    expect(new BffUser([]).sessionExpiresIn).toBeUndefined();
  });
});

describe('getUser', () => {
  it('calls /bff/user with X-CSRF, no-store and same-origin credentials', async () => {
    fetchMock.mockResolvedValue(json(claims));
    const user = await getUser();
    expect(user?.name).toBe('Alice Smith');
    const [url, init] = fetchCall();
    expect(url).toBe('/bff/user');
    expect(init.headers).toEqual({ 'X-CSRF': '1' });
    expect(init.cache).toBe('no-store');
    expect(init.credentials).toBe('same-origin');
  });

  it('adds slide=false and the base path', async () => {
    configureBff({ basePath: '/my-app/' });
    fetchMock.mockResolvedValue(json(claims));
    await getUser({ slide: false });
    expect(fetchCall()[0]).toBe('/my-app/bff/user?slide=false');
  });

  it('returns null on 401', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 401 }));
    expect(await getUser()).toBeNull();
  });

  it('throws BffError with the status on other failures', async () => {
    fetchMock.mockResolvedValue(new Response('boom', { status: 500, statusText: 'Internal Server Error' }));
    const error = await getUser().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BffError);
    expect(error).not.toBeInstanceOf(BffUnauthorizedError);
    expect((error as BffError).status).toBe(500);
  });

  it('throws BffError when the body is not a claims array', async () => {
    fetchMock.mockResolvedValue(json({ sub: '1' }));
    await expect(getUser()).rejects.toBeInstanceOf(BffError);
  });
});

describe('login / logout', () => {
  it('login navigates to /bff/login with the current page as returnUrl', () => {
    login();
    expect(assign).toHaveBeenCalledWith('/bff/login?returnUrl=%2Forders%3Fid%3D7');
  });

  it('login rejects non-local return URLs', () => {
    expect(() => login('https://evil.example/')).toThrow(TypeError);
    expect(() => login('//evil.example/')).toThrow(TypeError);
    expect(() => login('/\\evil.example/')).toThrow(TypeError);
    expect(() => login('orders')).toThrow(TypeError);
    expect(assign).not.toHaveBeenCalled();
  });

  it('login rejects control characters, which browsers drop (/<tab>/evil.example is //evil.example)', () => {
    for (const bad of ['/\t/evil.example', '/\n/evil.example', '/orders\r\n', '/a\u0000', '/a\u007f']) {
      expect(() => login(bad), JSON.stringify(bad)).toThrow(TypeError);
    }
    expect(assign).not.toHaveBeenCalled();
  });

  it('getLoginUrl builds the login URL without navigating, with the base path', () => {
    configureBff({ basePath: '/my-app' });
    expect(getLoginUrl('/orders?id=1&x=ü')).toBe('/my-app/bff/login?returnUrl=%2Forders%3Fid%3D1%26x%3D%C3%BC');
    expect(getLoginUrl()).toBe('/my-app/bff/login?returnUrl=%2Forders%3Fid%3D7');
    expect(() => getLoginUrl('https://evil.example/')).toThrow(TypeError);
    expect(assign).not.toHaveBeenCalled();
  });

  it('getLogoutUrl builds the logout URL from the sid-carrying claim without navigating', () => {
    expect(getLogoutUrl(new BffUser(claims))).toBe('/bff/logout?sid=abc&returnUrl=%2F');
    expect(getLogoutUrl(new BffUser(claims), '/bye?x=1')).toBe('/bff/logout?sid=abc&returnUrl=%2Fbye%3Fx%3D1');
    expect(() => getLogoutUrl(new BffUser([]))).toThrow(/bff:logout_url/);
    expect(assign).not.toHaveBeenCalled();
  });

  it('logout navigates to the logout url with returnUrl', () => {
    logout(new BffUser(claims));
    expect(assign).toHaveBeenCalledWith('/bff/logout?sid=abc&returnUrl=%2F');
  });

  it('logout keeps an existing returnUrl', () => {
    logout(new BffUser([{ type: 'bff:logout_url', value: '/bff/logout?sid=abc&returnUrl=/bye' }]));
    expect(assign).toHaveBeenCalledWith('/bff/logout?sid=abc&returnUrl=/bye');
  });

  it('logout refuses a missing or cross-origin logout url', () => {
    expect(() => logout(new BffUser([]))).toThrow();
    expect(() => logout(new BffUser([{ type: 'bff:logout_url', value: 'https://evil.example/x' }]))).toThrow();
    expect(assign).not.toHaveBeenCalled();
  });
});

describe('bffFetch', () => {
  it('merges X-CSRF into the given headers and forces same-origin credentials', async () => {
    fetchMock.mockResolvedValue(json({ ok: true }));
    const response = await bffFetch('/api/hello', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'include',
    });
    expect(response.status).toBe(200);
    const [url, init] = fetchCall();
    expect(url).toBe('/api/hello');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    const headers = init.headers as Headers;
    expect(headers.get('X-CSRF')).toBe('1');
    expect(headers.get('Content-Type')).toBe('application/json');
  });

  it('returns non-401 errors as responses', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 503 }));
    expect((await bffFetch('/api/hello')).status).toBe(503);
  });

  it('on 401 notifies onLoggedOut listeners and throws BffUnauthorizedError', async () => {
    const listener = vi.fn();
    const removed = vi.fn();
    const unsubscribe = onLoggedOut(listener);
    onLoggedOut(removed)();
    fetchMock.mockResolvedValue(new Response(null, { status: 401 }));

    const error = await bffFetch('/api/hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BffUnauthorizedError);
    expect((error as BffError).status).toBe(401);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
    unsubscribe();
  });
});

describe('watchSession', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  const userExpiringIn = (seconds: number) =>
    new BffUser([
      { type: 'sub', value: '1' },
      { type: 'bff:session_expires_in', value: seconds },
    ]);

  it('re-checks with slide=false at expiry and calls onExpired on 401', async () => {
    const onExpired = vi.fn();
    fetchMock.mockResolvedValue(new Response(null, { status: 401 }));
    watchSession(userExpiringIn(60), onExpired);

    await vi.advanceTimersByTimeAsync(59_000);
    expect(fetchMock).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fetchCall()[0]).toBe('/bff/user?slide=false');
    expect(onExpired).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('re-schedules when the session slid', async () => {
    const onExpired = vi.fn();
    fetchMock
      .mockResolvedValueOnce(json([{ type: 'sub', value: '1' }, { type: 'bff:session_expires_in', value: 120 }]))
      .mockResolvedValueOnce(new Response(null, { status: 401 }));
    watchSession(userExpiringIn(60), onExpired);

    await vi.advanceTimersByTimeAsync(61_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(onExpired).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(121_000);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it('can be cancelled', async () => {
    const onExpired = vi.fn();
    const cancel = watchSession(userExpiringIn(60), onExpired);
    cancel();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(onExpired).not.toHaveBeenCalled();
  });

  it('does nothing without a session_expires_in claim', async () => {
    watchSession(new BffUser([{ type: 'sub', value: '1' }]), vi.fn());
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
