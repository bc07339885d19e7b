import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { call } from '../api/client.ts';

/**
 * Ends this console's session, from the account menu, Sessions, or any
 * screen before the console.
 */
export function useSignOut(): () => Promise<void> {
  const client = useQueryClient();
  return useCallback(async () => {
    await call('auth.signOut', {});
    // back to initial state: no screen keeps showing the previous user's data
    await client.resetQueries();
  }, [client]);
}
