// The SPA. It never sees an OAuth token: the host keeps them server-side and the browser holds
// only its HttpOnly session cookie. @openbff/client adds the X-CSRF: 1 header the host requires.
import { type BffUser, BffUnauthorizedError, bffFetch, getUser, login, logout, onLoggedOut } from '@openbff/client';
import './style.css';

const app = document.querySelector<HTMLElement>('#app')!;

/** Creates an element; strings become text nodes, never HTML. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function button(id: string, text: string, onClick: () => void): HTMLButtonElement {
  const element = el('button', { id, type: 'button' }, text);
  element.addEventListener('click', onClick);
  return element;
}

function renderAnonymous(): void {
  app.replaceChildren(el('p', {}, 'You are not signed in.'), button('login', 'Log in', () => login()));
}

function renderUser(user: BffUser): void {
  const result = el('pre', { id: 'api-result' });

  /** Calls an API through the host: /api/... is proxied with the user's access token, /local/... is the host's own. */
  const call = async (path: string): Promise<void> => {
    result.textContent = `GET ${path} ...`;
    try {
      const response = await bffFetch(path);
      result.textContent = `GET ${path}: ${response.status}\n${await response.text()}`;
    } catch (error) {
      if (!(error instanceof BffUnauthorizedError)) result.textContent = `GET ${path} failed: ${String(error)}`;
    }
  };

  app.replaceChildren(
    el('p', {}, 'Signed in as ', el('strong', { id: 'user-name' }, user.name ?? user.sub ?? 'unknown'), ` (sub ${user.sub ?? '?'})`),
    el(
      'div',
      { class: 'actions' },
      button('call-api', 'Call the API', () => void call('/api/hello')),
      button('call-local-api', 'Call the local API', () => void call('/local/me')),
      button('logout', 'Log out', () => logout(user)),
    ),
    result,
  );
}

// A 401 from bffFetch: the session ended on the server.
onLoggedOut(renderAnonymous);

try {
  const user = await getUser();
  if (user) renderUser(user);
  else renderAnonymous();
} catch (error) {
  app.replaceChildren(el('p', { role: 'alert' }, `Could not ask the host who is signed in: ${String(error)}`));
}
