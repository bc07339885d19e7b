import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import type { SessionUser } from '../../src-shared/contract.ts';
import {
  can,
  type Actor,
  type Capability,
  type Target,
} from '../../src-shared/domain/permissions.ts';
import { call } from '../api/client.ts';
import { useChannel } from '../api/hooks.ts';

interface Session {
  user: SessionUser;
  /** The access table's verdict for the signed-in user: screens offer only what it allows. */
  can(capability: Capability, target?: Target): boolean;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ user, children }: { user: SessionUser; children: ReactNode }) {
  const client = useQueryClient();
  const actor: Actor = {
    kind: 'user',
    id: user.id,
    email: user.email,
    role: user.role,
    organizationId: user.organizationId,
  };
  const session: Session = {
    user,
    can: (capability, target) => can(actor, capability, target),
    signOut: async () => {
      await call('auth.signOut', {});
      // back to initial state: no screen keeps showing the previous user's data
      await client.resetQueries();
    },
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in screen');
  return session;
}

/**
 * Who is signed in (null when nobody), and whether the console has no user
 * yet: asked together, so the first screen waits for one round trip, not two
 * in turn (the answer reads at most one row, unused once someone signs in).
 */
export function useAuthState() {
  const me = useChannel('auth.me', {}, { retry: false });
  const firstRun = useChannel('auth.firstRun', {}, { retry: false });
  return { me, firstRun };
}
