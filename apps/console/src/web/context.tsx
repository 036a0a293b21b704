import { createContext, useContext } from 'react';
import type { Api } from './api/index.ts';
import type { ConsoleConfig } from './config.ts';
import type { Session } from './session.ts';

export interface ConsoleContextValue {
  /** The staff API: carries the signed-in token. */
  api: Api;
  /** An API carrying another token (the customer page's order-scoped one). */
  apiFor(token: string | null): Api;
  config: ConsoleConfig;
  session: Session | null;
  /** Why the last sign-out happened (e.g. a service refused the token). */
  notice?: string | undefined;
  signIn(session: Session): void;
  signOut(message?: string): void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole must be used inside <ConsoleProvider>');
  return value;
}
