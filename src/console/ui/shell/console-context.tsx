/**
 * The signed-in session as React context: the API wrapper, the session's facts, and the region
 * every call goes to (the header's region picker).
 */
import { createContext, useContext } from 'react';
import type { SessionInfo } from '../../api-contract.ts';
import type { ConsoleApi } from '../api/client.ts';

export interface ConsoleContextValue {
  api: ConsoleApi;
  session: SessionInfo;
  region: string;
  setRegion: (region: string) => void;
  signOut: () => void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside a signed-in session');
  return value;
}
