// The session: who is logged in (GET /api/session), the CSRF token kept for every
// state-changing request, and whether a generated password must be changed first.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, onAuthProblem, setCsrf, type User } from './api.ts';

export interface SessionState {
  status: 'loading' | 'anonymous' | 'ready';
  user: User | null;
  mustChange: boolean;
  login: (name: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  changePassword: (current: string, next: string) => Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (s === null) throw new Error('useSession outside SessionProvider');
  return s;
}

export function useUser(): User | null {
  return useSession().user;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionState['status']>('loading');
  const [user, setUser] = useState<User | null>(null);
  const [mustChange, setMustChange] = useState(false);

  const load = useCallback(async () => {
    try {
      const s = await api<{ user: User; csrf_token: string }>('/api/session', { quiet: true });
      setCsrf(s.csrf_token);
      setUser(s.user);
      setMustChange(s.user.must_change_password);
      setStatus('ready');
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) console.error(e);
      setCsrf('');
      setUser(null);
      setStatus('anonymous');
    }
  }, []);

  useEffect(() => {
    void load();
    return onAuthProblem((what) => {
      if (what === 'unauthenticated') {
        setUser(null);
        setStatus('anonymous');
      } else setMustChange(true);
    });
  }, [load]);

  const login = useCallback(async (name: string, password: string) => {
    const s = await api<{ user: User; csrf_token: string }>('/api/login', { method: 'POST', body: { name, password }, quiet: true });
    setCsrf(s.csrf_token);
    setUser(s.user);
    setMustChange(s.user.must_change_password);
    setStatus('ready');
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('/api/logout', { method: 'POST', quiet: true });
    } finally {
      setCsrf('');
      setUser(null);
      setStatus('anonymous');
    }
  }, []);

  const changePassword = useCallback(async (current: string, next: string) => {
    await api('/api/password', { method: 'POST', body: { current, new: next }, quiet: true });
    // The change ends every session and opens a new one: take its CSRF token.
    await load();
  }, [load]);

  return <Ctx.Provider value={{ status, user, mustChange, login, logout, changePassword }}>{children}</Ctx.Provider>;
}
