// @vitest-environment happy-dom
// DOM tests for the demo UI (main.ts): the element ids are a contract for the e2e tests.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The live section (SignalR) is tested in live.test.ts: here it opens no connection.
vi.mock('./live', () => ({
  renderLive: () => ({ section: Object.assign(document.createElement('section'), { id: 'live' }), stop: () => {} }),
}));

const claims = [
  { type: 'sub', value: '1' },
  { type: 'name', value: 'Alice Smith' },
  { type: 'bff:logout_url', value: '/bff/logout?sid=abc' },
  { type: 'bff:session_expires_in', value: 28800 },
];

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

let fetchMock: ReturnType<typeof vi.fn>;
let assign: ReturnType<typeof vi.fn>;

const $ = (selector: string): HTMLElement | null => document.querySelector<HTMLElement>(selector);
const text = (selector: string): string | undefined => $(selector)?.textContent ?? undefined;

/** Loads main.ts afresh (it renders on import). */
async function startApp(): Promise<void> {
  vi.resetModules();
  await import('./main');
}

beforeEach(() => {
  document.body.innerHTML = '<main id="app"></main>';
  fetchMock = vi.fn();
  assign = vi.fn();
  vi.stubGlobal('fetch', fetchMock);
  vi.stubGlobal('location', {
    href: 'http://localhost/orders?id=7',
    origin: 'http://localhost',
    pathname: '/orders',
    search: '?id=7',
    assign,
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  sessionStorage.clear();
});

describe('demo app', () => {
  it('shows #loading, then the anonymous view with a login button', async () => {
    let respond!: (r: Response) => void;
    fetchMock.mockReturnValue(new Promise<Response>((resolve) => (respond = resolve)));
    await startApp();
    expect(text('#loading')).toBe('Loading…');

    respond(new Response(null, { status: 401 }));
    await vi.waitFor(() => expect($('#anonymous')).not.toBeNull());
    expect(text('#anonymous')).toContain('You are not signed in');
    expect($('#loading')).toBeNull();
    expect($('#session-ended')).toBeNull();

    $('#login')!.click();
    expect(assign).toHaveBeenCalledWith('/bff/login?returnUrl=%2Forders%3Fid%3D7');
  });

  it('shows the user, claims and session expiry', async () => {
    fetchMock.mockResolvedValue(json(claims));
    await startApp();
    await vi.waitFor(() => expect($('#user')).not.toBeNull());

    expect(text('#user-name')).toBe('Alice Smith');
    expect(text('#session-expires')).toBe('28800');
    const rows = [...document.querySelectorAll('#claims tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(rows).toEqual(claims.map((c) => [c.type, String(c.value)]));
    expect(fetchMock).toHaveBeenCalledWith('/bff/user', expect.objectContaining({ headers: { 'X-CSRF': '1' } }));
  });

  it('renders claim values as text, never as HTML', async () => {
    fetchMock.mockResolvedValue(json([...claims, { type: 'evil', value: '<img src=x onerror=alert(1)>' }]));
    await startApp();
    await vi.waitFor(() => expect($('#claims')).not.toBeNull());
    expect($('#claims img')).toBeNull();
    expect(text('#claims')).toContain('<img src=x onerror=alert(1)>');
  });

  it('calls the API with X-CSRF and pretty-prints the JSON result', async () => {
    fetchMock.mockImplementation(async (url: string) =>
      url === '/api/hello' ? json({ message: 'Hello, Alice' }) : json(claims),
    );
    await startApp();
    await vi.waitFor(() => expect($('#call-api')).not.toBeNull());

    $('#call-api')!.click();
    await vi.waitFor(() => expect($('#api-result')!.hidden).toBe(false));
    expect(text('#api-result')).toBe(JSON.stringify({ message: 'Hello, Alice' }, null, 2));

    const [, init] = fetchMock.mock.calls.find(([url]) => url === '/api/hello') as [string, RequestInit];
    expect((init.headers as Headers).get('X-CSRF')).toBe('1');
    expect(init.credentials).toBe('same-origin');
    // The session expiry is refreshed without sliding the session.
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledWith('/bff/user?slide=false', expect.anything()));
  });

  it('switches to the anonymous view with #session-ended when an API call gets 401', async () => {
    fetchMock.mockImplementation(async (url: string) =>
      url === '/api/hello' ? new Response(null, { status: 401 }) : json(claims),
    );
    await startApp();
    await vi.waitFor(() => expect($('#call-api')).not.toBeNull());

    $('#call-api')!.click();
    await vi.waitFor(() => expect($('#session-ended')).not.toBeNull());
    expect(text('#session-ended')).toBe('Your session has ended. Please log in again.');
    expect($('#user')).toBeNull();
    expect($('#login')).not.toBeNull();
    expect($('#error')).toBeNull();
  });

  it('shows #error for other API failures and keeps the user view', async () => {
    fetchMock.mockImplementation(async (url: string) =>
      url === '/api/hello'
        ? new Response(null, { status: 502, statusText: 'Bad Gateway' })
        : json(claims),
    );
    await startApp();
    await vi.waitFor(() => expect($('#call-api')).not.toBeNull());

    $('#call-api')!.click();
    await vi.waitFor(() => expect($('#error')).not.toBeNull());
    expect(text('#error')).toContain('502 Bad Gateway');
    expect($('#user')).not.toBeNull();
  });

  it('shows #error when /bff/user fails', async () => {
    fetchMock.mockResolvedValue(new Response('oops', { status: 500, statusText: 'Internal Server Error' }));
    await startApp();
    await vi.waitFor(() => expect($('#error')).not.toBeNull());
    expect(text('#error')).toContain('500');
    expect($('#loading')).toBeNull();
  });

  it('logs out via bff:logout_url with returnUrl=/', async () => {
    fetchMock.mockResolvedValue(json(claims));
    await startApp();
    await vi.waitFor(() => expect($('#logout')).not.toBeNull());
    $('#logout')!.click();
    expect(assign).toHaveBeenCalledWith('/bff/logout?sid=abc&returnUrl=%2F');
  });

  it('never uses web storage', async () => {
    fetchMock.mockImplementation(async (url: string) =>
      url === '/api/hello' ? json({ ok: true }) : json(claims),
    );
    await startApp();
    await vi.waitFor(() => expect($('#call-api')).not.toBeNull());
    $('#call-api')!.click();
    await vi.waitFor(() => expect($('#api-result')!.hidden).toBe(false));
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });
});
