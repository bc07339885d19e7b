import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import type { Me, SessionUser } from '../../src-shared/contract.ts';
import {
  can,
  type Actor,
  type Capability,
  type Target,
} from '../../src-shared/domain/permissions.ts';
import { useChannel } from '../api/hooks.ts';

interface Session {
  /** Whose console this is: the viewed user's while an administrator views as them. */
  user: SessionUser;
  /** Who signed in (their account menu, their sessions). */
  signedIn: SessionUser;
  /** The user an administrator is viewing the console as (auth.viewAs), or null. */
  viewingAs: SessionUser | null;
  /** The access table's verdict for `user`: screens offer only what it allows. */
  can(capability: Capability, target?: Target): boolean;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  const client = useQueryClient();
  const user = me.viewingAs ?? me;
  const actor: Actor = {
    kind: 'user',
    id: user.id,
    email: user.email,
    role: user.role,
    organizationId: user.organizationId,
  };
  // a view begun or ended (here, in another window of the session, or by its 30 minutes): every
  // screen reads again as whoever the console is now
  const viewed = me.viewingAs?.id ?? null;
  const shown = useRef(viewed);
  useEffect(() => {
    if (shown.current === viewed) return;
    shown.current = viewed;
    void client.resetQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
  }, [client, viewed]);
  const session: Session = {
    user,
    signedIn: me,
    viewingAs: me.viewingAs,
    can: (capability, target) => can(actor, capability, target),
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
