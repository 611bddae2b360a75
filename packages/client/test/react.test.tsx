// @vitest-environment happy-dom
// Tests of the React adapter (src/react.ts): a small app rendered with @testing-library/react,
// fetch and location stubbed as in the core's tests.
import { StrictMode } from 'react';
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BffError, bffFetch, type Claim } from '../src/index.js';
import { BffProvider, useBffUser, type BffUserState } from '../src/react.js';
import { json, stubBrowser } from './browser.js';

const claims: Claim[] = [
  { type: 'sub', value: '1' },
  { type: 'name', value: 'Alice Smith' },
  { type: 'role', value: 'admin' },
  { type: 'bff:logout_url', value: '/bff/logout?sid=abc' },
  { type: 'bff:session_expires_in', value: 28800 },
];

let fetchMock: ReturnType<typeof vi.fn>;
let assign: ReturnType<typeof vi.fn>;

beforeEach(() => {
  ({ fetch: fetchMock, assign } = stubBrowser());
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** What a typical app renders from the hook. */
function Header() {
  const bff = useBffUser();
  if (bff.isLoading && !bff.isLoggedIn) return <p>Loading…</p>;
  if (bff.error && !bff.isLoggedIn) {
    return (
      <p role="alert">
        Could not load the user: {bff.error.message} <button onClick={() => void bff.refresh()}>Retry</button>
      </p>
    );
  }
  if (bff.isLoggedIn) {
    return (
      <>
        <p>Hello, {bff.user?.name}</p>
        <p>Roles: {bff.user?.getAll('role').join(', ')}</p>
        <button onClick={() => bff.logout()}>Log out</button>
      </>
    );
  }
  return (
    <>
      {bff.sessionEnded && <p>Your session has ended.</p>}
      <button onClick={() => bff.login()}>Log in</button>
    </>
  );
}

/** Renders the provider and returns a getter for the latest hook state. */
function renderState(props: { watchSession?: boolean } = {}): () => BffUserState {
  const { result } = renderHook(() => useBffUser(), {
    wrapper: ({ children }) => <BffProvider {...props}>{children}</BffProvider>,
  });
  return () => result.current;
}

describe('BffProvider and useBffUser', () => {
  it('401 from /bff/user is the logged-out state, not an error', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 401 }));
    const state = renderState();
    expect(state().isLoading).toBe(true);
    expect(state().isLoggedOut).toBe(false);

    await waitFor(() => expect(state().isLoading).toBe(false));
    expect(state().isLoggedOut).toBe(true);
    expect(state().isLoggedIn).toBe(false);
    expect(state().user).toBeNull();
    expect(state().claims).toEqual([]);
    expect(state().error).toBeNull();
    expect(state().sessionEnded).toBe(false);
  });

  it('200 gives the user and its claims, asking /bff/user once with X-CSRF and same-origin credentials', async () => {
    fetchMock.mockResolvedValue(json(claims));
    render(
      <StrictMode>
        <BffProvider>
          <Header />
        </BffProvider>
      </StrictMode>,
    );
    expect(screen.getByText('Loading…')).toBeTruthy();
    await screen.findByText('Hello, Alice Smith');
    expect(screen.getByText('Roles: admin')).toBeTruthy();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/bff/user');
    expect(init.headers).toEqual({ 'X-CSRF': '1' });
    expect(init.credentials).toBe('same-origin');
  });

  it('exposes claim helpers', async () => {
    fetchMock.mockResolvedValue(json(claims));
    const state = renderState();
    await waitFor(() => expect(state().isLoggedIn).toBe(true));
    expect(state().claims).toEqual(claims);
    expect(state().claim('name')).toBe('Alice Smith');
    expect(state().claim('bff:session_expires_in')).toBe('28800');
    expect(state().claim('missing')).toBeUndefined();
    expect(state().isLoggedOut).toBe(false);
  });

  it('500 from /bff/user is an error, not a logout; refresh() recovers', async () => {
    fetchMock.mockResolvedValueOnce(new Response('boom', { status: 500, statusText: 'Internal Server Error' }));
    render(
      <BffProvider>
        <Header />
      </BffProvider>,
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('500 Internal Server Error');
    expect(screen.queryByText('Log in')).toBeNull();

    fetchMock.mockResolvedValueOnce(json(claims));
    act(() => screen.getByText('Retry').click());
    await screen.findByText('Hello, Alice Smith');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('reports the error state in the hook: BffError with the status, not logged out', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 500 }));
    const state = renderState();
    await waitFor(() => expect(state().isLoading).toBe(false));
    expect(state().error).toBeInstanceOf(BffError);
    expect((state().error as BffError).status).toBe(500);
    expect(state().isLoggedOut).toBe(false);
    expect(state().isLoggedIn).toBe(false);
  });

  it('a failed refresh keeps the user', async () => {
    fetchMock.mockResolvedValueOnce(json(claims)).mockResolvedValueOnce(new Response(null, { status: 503 }));
    const state = renderState();
    await waitFor(() => expect(state().isLoggedIn).toBe(true));
    await act(() => state().refresh());
    expect(state().isLoggedIn).toBe(true);
    expect(state().user?.name).toBe('Alice Smith');
    expect((state().error as BffError).status).toBe(503);
  });

  it('an older answer arriving after a newer one does not overwrite it', async () => {
    let answerFirst!: (r: Response) => void;
    fetchMock
      .mockResolvedValueOnce(new Response(null, { status: 401 }))
      .mockReturnValueOnce(new Promise<Response>((resolve) => (answerFirst = resolve)))
      .mockResolvedValueOnce(json(claims));
    const state = renderState();
    await waitFor(() => expect(state().isLoggedOut).toBe(true));

    let first!: Promise<void>;
    act(() => {
      first = state().refresh();
    });
    await act(() => state().refresh());
    expect(state().isLoggedIn).toBe(true);

    await act(async () => {
      answerFirst(new Response(null, { status: 500 }));
      await first;
    });
    expect(state().isLoggedIn).toBe(true);
    expect(state().error).toBeNull();
  });

  it('logout navigates to the session bff:logout_url, which carries the sid', async () => {
    fetchMock.mockResolvedValue(json(claims));
    render(
      <BffProvider>
        <Header />
      </BffProvider>,
    );
    (await screen.findByText('Log out')).click();
    expect(assign).toHaveBeenCalledWith('/bff/logout?sid=abc&returnUrl=%2F');
  });

  it('logout passes returnUrl, and throws without a user', async () => {
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 401 })).mockResolvedValueOnce(json(claims));
    const state = renderState();
    await waitFor(() => expect(state().isLoggedOut).toBe(true));
    expect(() => state().logout()).toThrow(/Not logged in/);

    await act(() => state().refresh());
    state().logout('/bye');
    expect(assign).toHaveBeenCalledExactlyOnceWith('/bff/logout?sid=abc&returnUrl=%2Fbye');
  });

  it('the login button navigates to /bff/login with the current page as returnUrl', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 401 }));
    render(
      <BffProvider>
        <Header />
      </BffProvider>,
    );
    (await screen.findByText('Log in')).click();
    expect(assign).toHaveBeenLastCalledWith('/bff/login?returnUrl=%2Forders%3Fid%3D7');
  });

  it('login encodes returnUrl and refuses an absolute or off-site one', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 401 }));
    const state = renderState();
    await waitFor(() => expect(state().isLoggedOut).toBe(true));

    state().login('/a b?x=1&y=2');
    expect(assign).toHaveBeenCalledExactlyOnceWith('/bff/login?returnUrl=%2Fa%20b%3Fx%3D1%26y%3D2');
    for (const bad of ['https://evil.example/', '//evil.example/', '/\\evil.example', '/\t/evil.example']) {
      expect(() => state().login(bad)).toThrow(TypeError);
    }
    expect(assign).toHaveBeenCalledTimes(1);
  });

  it('a 401 from bffFetch switches to logged out with sessionEnded', async () => {
    fetchMock.mockImplementation(async (url: string) =>
      url === '/api/orders' ? new Response(null, { status: 401 }) : json(claims),
    );
    render(
      <BffProvider>
        <Header />
      </BffProvider>,
    );
    await screen.findByText('Hello, Alice Smith');

    await act(() => bffFetch('/api/orders').catch(() => undefined));
    expect(screen.getByText('Your session has ended.')).toBeTruthy();
    expect(screen.getByText('Log in')).toBeTruthy();
    expect(screen.queryByText('Hello, Alice Smith')).toBeNull();
  });

  it('watches the session and switches to logged out when it expires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fetchMock
      .mockResolvedValueOnce(json([{ type: 'sub', value: '1' }, { type: 'bff:session_expires_in', value: 60 }]))
      .mockResolvedValueOnce(new Response(null, { status: 401 }));
    const state = renderState();
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(state().isLoggedIn).toBe(true);

    await act(() => vi.advanceTimersByTimeAsync(59_000));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await act(() => vi.advanceTimersByTimeAsync(2_000));
    expect(fetchMock.mock.calls[1]?.[0]).toBe('/bff/user?slide=false');
    expect(state().isLoggedOut).toBe(true);
    expect(state().sessionEnded).toBe(true);
  });

  it('does not watch the session with watchSession={false}', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fetchMock.mockResolvedValueOnce(json([{ type: 'sub', value: '1' }, { type: 'bff:session_expires_in', value: 60 }]));
    const state = renderState({ watchSession: false });
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(state().isLoggedIn).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(3_600_000));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(state().isLoggedIn).toBe(true);
  });

  it('useBffUser outside a BffProvider throws', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => renderHook(() => useBffUser())).toThrow(/inside a <BffProvider>/);
  });
});
