// Who is signed in: the console token (from the login form) and what the server says it may do.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, UNAUTHORIZED_EVENT } from './api';
import { readToken, saveConsoleToken } from './token';
import { vitalsQueries } from '../modules/vitals/queries';
import type { Me } from '../modules/vitals/types';

interface LoginAnswer {
  token: string;
  expiresIn: number;
  user: { username: string; role: string; orgCode: string; displayName: string };
}

interface Session {
  token: string | null;
  me: Me | undefined;
  checking: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): void;
  can(permission: string): boolean;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() => readToken());
  const client = useQueryClient();
  const me = useQuery(vitalsQueries.me(token));

  const logout = useCallback(() => {
    saveConsoleToken(null);
    setToken(null);
    client.clear();
  }, [client]);

  useEffect(() => {
    // A 401 anywhere means the token expired or was revoked: forget it, the router sends the user to log in.
    const onUnauthorized = () => {
      if (readToken() === token) logout();
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [logout, token]);

  const login = useCallback(async (username: string, password: string) => {
    const answer = await api<LoginAnswer>('/api/v1/auth/login', { method: 'POST', body: { username, password }, token: null });
    saveConsoleToken(answer.token);
    setToken(answer.token);
  }, []);

  const value = useMemo<Session>(() => ({
    token,
    me: me.data,
    checking: !!token && me.isPending,
    login,
    logout,
    can: (permission) => !!me.data?.permissions.includes(permission),
  }), [token, me.data, me.isPending, login, logout]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
