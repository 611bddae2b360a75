/**
 * `@openbff/client/react`: the BFF session as React state.
 *
 * Wrap the app in {@link BffProvider}; read the session with {@link useBffUser}.
 * The provider asks `GET /bff/user` once; a 401 (there, from {@link bffFetch},
 * or when {@link watchSession} sees the session end) is the logged-out state,
 * not an error. React 18 or later.
 *
 * @packageDocumentation
 */
import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactElement,
  type ReactNode,
} from 'react';
import { type BffUser, type Claim, getUser, login, logout, onLoggedOut, watchSession } from './index.js';

/** What {@link useBffUser} returns. */
export interface BffUserState {
  /** The logged-in user; `null` while loading, when logged out, and when the first load failed. */
  readonly user: BffUser | null;
  /** The user's claims, in the order the BFF returned them; empty without a user. */
  readonly claims: readonly Claim[];
  /** The first value of a claim type, as a string (see `BffUser.get`); `undefined` without a user. */
  claim(type: string): string | undefined;
  /** True until `GET /bff/user` has answered, and again while {@link BffUserState.refresh} runs. */
  readonly isLoading: boolean;
  /** True when there is a user. */
  readonly isLoggedIn: boolean;
  /**
   * True when the BFF said there is no session (401). False while loading and when
   * `GET /bff/user` failed otherwise: an error is not a logout.
   */
  readonly isLoggedOut: boolean;
  /**
   * True when a session this page had has ended: a 401 from {@link bffFetch}, the session
   * watch, or a refresh. Lets the app say "your session has ended" rather than "please log in".
   */
  readonly sessionEnded: boolean;
  /**
   * Why the last `GET /bff/user` failed (a `BffError` with the status, or the browser's
   * `TypeError` for a network failure); `null` after a successful answer, 401 included.
   * A failed refresh keeps the user it had.
   */
  readonly error: Error | null;
  /**
   * Navigates to `/bff/login?returnUrl=…` (default: the current page).
   * @throws TypeError if `returnUrl` is not a local path.
   */
  login(returnUrl?: string): void;
  /**
   * Navigates to the session's `bff:logout_url` (it carries the `sid` the BFF requires),
   * adding `returnUrl` (default `/`).
   * @throws Error when there is no user, or no usable logout URL.
   */
  logout(returnUrl?: string): void;
  /** Asks `GET /bff/user` again (e.g. after a retry button). Never rejects: see `error`. */
  refresh(): Promise<void>;
}

/** Props of {@link BffProvider}. */
export interface BffProviderProps {
  children?: ReactNode;
  /**
   * Whether to watch the session's expiry ({@link watchSession}, which checks with
   * `?slide=false`) and switch to the logged-out state when it ends. Default `true`.
   */
  watchSession?: boolean;
}

interface Snapshot {
  user: BffUser | null;
  error: Error | null;
  isLoading: boolean;
  sessionEnded: boolean;
}

const BffContext = createContext<BffUserState | null>(null);

/** The state after the session ended while the page had it (or after a 401 without one). */
function loggedOut(previous: Snapshot): Snapshot {
  return { user: null, error: null, isLoading: false, sessionEnded: previous.sessionEnded || previous.user !== null };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Holds the BFF session for {@link useBffUser}: asks `GET /bff/user` (with `X-CSRF: 1`,
 * `credentials: 'same-origin'`) once when mounted, listens for 401s from {@link bffFetch}
 * and, unless `watchSession` is false, for the session's expiry.
 */
export function BffProvider({ children, watchSession: watch = true }: BffProviderProps): ReactElement {
  const [snapshot, setSnapshot] = useState<Snapshot>({ user: null, error: null, isLoading: true, sessionEnded: false });
  /** Id of the latest request: an older answer arriving late must not overwrite a newer state. */
  const latest = useRef(0);
  const started = useRef(false);

  const refresh = useCallback(async (): Promise<void> => {
    const request = ++latest.current;
    setSnapshot((s) => (s.isLoading ? s : { ...s, isLoading: true }));
    try {
      const user = await getUser();
      if (request !== latest.current) return;
      setSnapshot((s) => (user === null ? loggedOut(s) : { user, error: null, isLoading: false, sessionEnded: false }));
    } catch (error) {
      if (request !== latest.current) return;
      setSnapshot((s) => ({ ...s, error: asError(error), isLoading: false }));
    }
  }, []);

  // Once per provider, also under StrictMode (which runs effects twice in development).
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void refresh();
  }, [refresh]);

  useEffect(
    () =>
      onLoggedOut(() => {
        latest.current++; // a load still under way answered before this 401
        setSnapshot(loggedOut);
      }),
    [],
  );

  const user = snapshot.user;
  useEffect(() => {
    if (!watch || user === null) return undefined;
    return watchSession(user, () => {
      latest.current++;
      setSnapshot((s) => (s.user === user ? loggedOut(s) : s));
    });
  }, [user, watch]);

  const value = useMemo<BffUserState>(
    () => ({
      user,
      claims: user?.claims ?? [],
      claim: (type) => user?.get(type),
      isLoading: snapshot.isLoading,
      isLoggedIn: user !== null,
      isLoggedOut: user === null && !snapshot.isLoading && snapshot.error === null,
      sessionEnded: snapshot.sessionEnded,
      error: snapshot.error,
      login: (returnUrl) => login(returnUrl),
      logout: (returnUrl) => {
        if (user === null) throw new Error('Not logged in: there is no session to log out of.');
        logout(user, returnUrl);
      },
      refresh,
    }),
    [snapshot, user, refresh],
  );

  return createElement(BffContext.Provider, { value }, children);
}

/**
 * The BFF session of the nearest {@link BffProvider}.
 * @throws Error when used outside a `BffProvider`.
 */
export function useBffUser(): BffUserState {
  const state = useContext(BffContext);
  if (state === null) {
    throw new Error('useBffUser() must be used inside a <BffProvider>.');
  }
  return state;
}
