/** The signed-in person, shared by the pages. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { SessionInfo } from './api';

export const SessionContext = createContext<SessionInfo | null>(null);

export function useSession(): SessionInfo {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

export function hasRole(s: SessionInfo, role: 'checker' | 'auditor' | 'admin' | 'submitter'): boolean {
  return (s.roles ?? []).includes(role);
}
