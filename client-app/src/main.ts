// Demo SPA for the BFF token handler. Plain DOM, no framework.
//
// All data from the server is rendered with textContent (via `el`), never innerHTML.
// Nothing is stored in localStorage/sessionStorage/cookies: the BFF's HttpOnly
// cookie is the only credential, and the browser handles it.

import './style.css';
import {
  BffError,
  BffUnauthorizedError,
  type BffUser,
  bffFetch,
  getUser,
  login,
  logout,
  onLoggedOut,
  watchSession,
} from '@openbff/client';
import { el } from './dom';
import { renderLive } from './live';

const app = document.querySelector<HTMLElement>('#app')!;

/** Cancels the current session watch (set while the user view is shown). */
let stopWatching: () => void = () => {};

/** Closes the live connection (set while the user view is shown). */
let stopLive: () => void = () => {};

/** Replaces the whole page content. */
function show(...nodes: Node[]): void {
  app.replaceChildren(...nodes);
}

/** Shows (or with `null`, removes) the `#error` message at the top of the page. */
function setError(message: string | null): void {
  document.querySelector('#error')?.remove();
  if (message !== null) app.prepend(el('p', { id: 'error', role: 'alert' }, message));
}

function errorMessage(error: unknown): string {
  if (error instanceof BffError) return error.message;
  if (error instanceof TypeError) return `Network error: ${error.message}`;
  return String(error);
}

function renderLoading(): void {
  show(el('p', { id: 'loading' }, 'Loading…'));
}

function renderAnonymous(sessionEnded = false): void {
  stopWatching();
  stopLive();
  const loginButton = el('button', { id: 'login', type: 'button' }, 'Log in');
  loginButton.addEventListener('click', () => login());

  const section = el('section', { id: 'anonymous' });
  if (sessionEnded) {
    section.append(el('p', { id: 'session-ended', role: 'alert' }, 'Your session has ended. Please log in again.'));
  }
  section.append(el('p', {}, 'You are not signed in'), loginButton);
  show(section);
}

function renderLoadError(error: unknown): void {
  const retry = el('button', { id: 'retry', type: 'button' }, 'Retry');
  retry.addEventListener('click', () => void start());
  show(retry);
  setError(`Could not load the user: ${errorMessage(error)}`);
}

/** `['28800', '(at 22:15:00)']` for the `#session-expires` and `#session-expires-at` spans. */
function sessionExpiryText(user: BffUser): [seconds: string, at: string] {
  const seconds = user.sessionExpiresIn;
  if (seconds === undefined) return ['unknown', ''];
  return [String(seconds), `(at ${new Date(Date.now() + seconds * 1000).toLocaleTimeString()})`];
}

function renderUser(user: BffUser): void {
  const [seconds, at] = sessionExpiryText(user);
  const expires = el('span', { id: 'session-expires' }, seconds);
  const expiresAt = el('span', { id: 'session-expires-at' }, at);

  const claimsBody = el('tbody');
  const claimsTable = el(
    'table',
    { id: 'claims' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Type'), el('th', { scope: 'col' }, 'Value'))),
    claimsBody,
  );
  const renderClaims = (u: BffUser): void => {
    claimsBody.replaceChildren(
      ...u.claims.map((c) => el('tr', {}, el('td', {}, c.type), el('td', {}, String(c.value)))),
    );
  };
  renderClaims(user);

  const apiResult = el('pre', { id: 'api-result', hidden: '' });
  const callApi = el('button', { id: 'call-api', type: 'button' }, 'Call API');
  const logoutButton = el('button', { id: 'logout', type: 'button' }, 'Log out');

  /** The API call slid the session: show the new expiry (asking with slide=false). */
  const refreshSession = async (): Promise<void> => {
    let refreshed: BffUser | null;
    try {
      refreshed = await getUser({ slide: false });
    } catch {
      return; // keep showing the old value; the session watch will notice an expiry
    }
    if (refreshed === null) {
      renderAnonymous(true);
      return;
    }
    [expires.textContent, expiresAt.textContent] = sessionExpiryText(refreshed);
    renderClaims(refreshed);
    watch(refreshed);
  };

  callApi.addEventListener('click', async () => {
    callApi.disabled = true;
    setError(null);
    try {
      const response = await bffFetch('/api/hello');
      if (!response.ok) {
        apiResult.hidden = true;
        apiResult.textContent = '';
        setError(`API call failed: ${response.status} ${response.statusText}`.trim());
        return;
      }
      apiResult.textContent = await formatBody(response);
      apiResult.hidden = false;
      await refreshSession();
    } catch (error) {
      // A 401 is handled by the onLoggedOut listener (switches to the anonymous view).
      if (!(error instanceof BffUnauthorizedError)) setError(errorMessage(error));
    } finally {
      callApi.disabled = false;
    }
  });

  logoutButton.addEventListener('click', () => {
    try {
      logout(user);
    } catch (error) {
      setError(errorMessage(error));
    }
  });

  stopLive();
  const live = renderLive(location.search);
  stopLive = live.stop;

  show(
    el(
      'section',
      { id: 'user' },
      el('h2', {}, 'Hello, ', el('span', { id: 'user-name' }, user.name ?? user.sub ?? 'unknown user')),
      el('p', {}, 'Session expires in ', expires, ' seconds ', expiresAt),
      claimsTable,
      el('div', { class: 'actions' }, callApi, logoutButton),
      apiResult,
      live.section,
    ),
  );
  watch(user);
}

/** (Re)starts watching the session; shows the "session ended" view when it expires. */
function watch(user: BffUser): void {
  stopWatching();
  stopWatching = watchSession(user, () => renderAnonymous(true));
}

/** Pretty-prints JSON bodies; other bodies are shown as text. */
async function formatBody(response: Response): Promise<string> {
  const text = await response.text();
  if (response.headers.get('Content-Type')?.includes('json')) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not valid JSON after all: show it as is
    }
  }
  return text;
}

async function start(): Promise<void> {
  renderLoading();
  try {
    const user = await getUser();
    if (user) renderUser(user);
    else renderAnonymous();
  } catch (error) {
    renderLoadError(error);
  }
}

// Any 401 from bffFetch means the session ended server side.
onLoggedOut(() => renderAnonymous(true));

void start();
