// The browser the core and the React adapter's tests run against: fetch and location stubbed
// (the page https://app.example/orders?id=7), the core configured at the site root.
import { vi } from 'vitest';
import { configureBff } from '../src/index.js';

export interface StubbedBrowser {
  /** `fetch`: each test gives its answers (mockResolvedValueOnce ...). */
  fetch: ReturnType<typeof vi.fn>;
  /** `location.assign`: where a login or logout navigated. */
  assign: ReturnType<typeof vi.fn>;
}

/** Stubs `fetch` and `location` for one test; `vi.unstubAllGlobals()` undoes it. */
export function stubBrowser(): StubbedBrowser {
  const browser = { fetch: vi.fn(), assign: vi.fn() };
  vi.stubGlobal('fetch', browser.fetch);
  vi.stubGlobal('location', {
    href: 'https://app.example/orders?id=7',
    origin: 'https://app.example',
    pathname: '/orders',
    search: '?id=7',
    assign: browser.assign,
  });
  configureBff({ basePath: '' });
  return browser;
}

/** A JSON answer. */
export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
