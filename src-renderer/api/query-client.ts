import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { sessionEnded } from '../auth/session-end.ts';
import { ApiError } from './client.ts';

/**
 * The page's query client. A call refused because the session ended (idle,
 * 12 hours, account changed) takes the console back to sign-in, which says
 * why; one refused for a pending password change brings up the
 * set-your-password screen (or the set-up-two-step-sign-in one), and one refused as read-only reads who is
 * signed in again (the view may have ended meanwhile). A refusal of the sign-in state itself (auth.me:
 * a headless page without a valid token) is shown where it happened:
 * resetting would only ask again, and be refused again, without end.
 */
export function createQueryClient(): QueryClient {
  const backToSignIn = (error: unknown, fromAuthState: boolean) => {
    if (!(error instanceof ApiError)) return;
    // auth.me answers it while a sign-in waits for its code: the App shows the code step
    if (fromAuthState && error.code === 'SECOND_FACTOR_REQUIRED') return;
    if (error.code === 'UNAUTHENTICATED') {
      sessionEnded(error.message);
      if (!fromAuthState) void client.resetQueries();
    }
    // a view as another user may have begun or ended elsewhere: the banner follows auth.me
    if (
      error.code === 'PASSWORD_CHANGE_REQUIRED' ||
      error.code === 'SECOND_FACTOR_REQUIRED' ||
      error.code === 'READ_ONLY_VIEW'
    )
      void client.invalidateQueries({ queryKey: ['auth'] });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => backToSignIn(error, query.queryKey[0] === 'auth'),
    }),
    mutationCache: new MutationCache({ onError: (error) => backToSignIn(error, false) }),
    defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false, retry: 1 } },
  });
  return client;
}
