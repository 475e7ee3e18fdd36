/**
 * Who is signed in. Loads `GET /api/me` once at start, keeps its CSRF token for
 * the API client, and forgets the account on logout or on any 401.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, api, onUnauthorized, setCsrfToken } from './api';
import type { Me } from './types';

interface SessionValue {
  /** undefined while the first /api/me is in flight, null when signed out. */
  me: Me | null | undefined;
  refresh: () => Promise<Me | null>;
  signup: (email: string, password: string) => Promise<void>;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  /** Ends every session of the account, this browser's included. */
  logoutEverywhere: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  const refresh = useCallback(async (): Promise<Me | null> => {
    try {
      const answer = await api.me();
      setCsrfToken(answer.csrf_token);
      setMe(answer);
      return answer;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        setMe(null);
        return null;
      }
      throw error;
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => setMe(null));
    return onUnauthorized(() => {
      setCsrfToken(null);
      setMe(null);
    });
  }, [refresh]);

  const signup = useCallback(
    async (email: string, password: string) => {
      const answer = await api.signup(email, password);
      setCsrfToken(answer.csrf_token);
      await refresh();
    },
    [refresh],
  );

  const login = useCallback(
    async (email: string, password: string) => {
      const answer = await api.login(email, password);
      setCsrfToken(answer.csrf_token);
      await refresh();
    },
    [refresh],
  );

  /** Signs this browser out with `end` (one session or all), forgetting the account whatever the answer. */
  const signOut = useCallback(async (end: () => Promise<void>) => {
    try {
      await end();
    } finally {
      setCsrfToken(null);
      setMe(null);
      try {
        sessionStorage.removeItem(PLAYGROUND_KEY_STORAGE);
      } catch {
        // storage unavailable: nothing to clear
      }
    }
  }, []);

  const logout = useCallback(() => signOut(api.logout), [signOut]);
  const logoutEverywhere = useCallback(() => signOut(api.logoutEverywhere), [signOut]);

  const value = useMemo(() => ({ me, refresh, signup, login, logout, logoutEverywhere }), [me, refresh, signup, login, logout, logoutEverywhere]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** sessionStorage slot of the playground's API key (never localStorage, never the server). */
export const PLAYGROUND_KEY_STORAGE = 'op.playground.key';
