import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { onSessionLost, setCsrfToken } from './api.ts';

export type SessionUser = { id: string; email: string; name: string; role: string };
export type SessionWorkspace = { id: string; name: string; locale: string; timeZone: string; defaultCountry: string };
export type Session = { user: SessionUser; workspace: SessionWorkspace; csrfToken: string };

export type SignInResult =
  | { ok: true; session: Session }
  | { ok: false; code: 'invalid_credentials' | 'rate_limited' | 'workspace_choice_required' | 'error'; workspaces?: { id: string; name: string }[]; retryAfter?: number };

type SessionState = {
  /** undefined while the first check runs; null when signed out. */
  session: Session | null | undefined;
  /** True when the session ended by itself (expired), not by signing out. */
  expired: boolean;
  signIn(email: string, password: string, workspaceId?: string): Promise<SignInResult>;
  signOut(): Promise<void>;
};

const SessionContext = createContext<SessionState | null>(null);

async function fetchSession(): Promise<Session | null> {
  const res = await fetch('/v1/auth/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 200) return (await res.json()) as Session;
  return null;
}

/** The signed-in user and workspace, from the server's session (an httpOnly cookie). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const queryClient = useQueryClient();

  const adopt = useCallback((s: Session | null) => {
    setCsrfToken(s?.csrfToken);
    setSession(s);
  }, []);

  useEffect(() => {
    fetchSession().then(adopt, () => adopt(null));
  }, [adopt]);

  useEffect(() => {
    onSessionLost(() => {
      setExpired(true);
      adopt(null);
      queryClient.clear();
    });
    return () => onSessionLost(undefined);
  }, [adopt, queryClient]);

  const signIn = useCallback(async (email: string, password: string, workspaceId?: string): Promise<SignInResult> => {
    const res = await fetch('/v1/auth/sign-in', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(workspaceId ? { email, password, workspaceId } : { email, password }),
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status === 200) {
      const s = body as unknown as Session;
      setExpired(false);
      queryClient.clear();
      adopt(s);
      return { ok: true, session: s };
    }
    if (res.status === 409 && body.code === 'workspace_choice_required') {
      return { ok: false, code: 'workspace_choice_required', workspaces: body.workspaces as { id: string; name: string }[] };
    }
    if (res.status === 429) return { ok: false, code: 'rate_limited', retryAfter: Number(res.headers.get('retry-after') ?? 60) };
    if (res.status === 401 || res.status === 422 || res.status === 400) return { ok: false, code: 'invalid_credentials' };
    return { ok: false, code: 'error' };
  }, [adopt, queryClient]);

  const signOut = useCallback(async () => {
    const token = session?.csrfToken;
    await fetch('/v1/auth/sign-out', { method: 'POST', credentials: 'same-origin', headers: token ? { 'x-csrf-token': token } : {} }).catch(() => undefined);
    setExpired(false);
    queryClient.clear();
    adopt(null);
  }, [adopt, queryClient, session]);

  const value = useMemo(() => ({ session, expired, signIn, signOut }), [session, expired, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in session; only inside the signed-in part of the app. */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useSignedIn without a session');
  return session;
}
