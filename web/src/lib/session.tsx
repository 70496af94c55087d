// The signed-in session as React context: the API client every query uses, and the auth behind it.
import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from './api';
import type { Auth } from './auth';

interface Session {
  api: ApiClient;
  auth: Auth;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ api, auth, children }: Session & { children: ReactNode }) {
  return <SessionContext.Provider value={{ api, auth }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export const useApi = (): ApiClient => useSession().api;
