import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/spotlight/styles.css';
import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from './api/client.ts';
import { sessionEnded } from './auth/session-end.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.tsx';
import { cssVariables, theme } from './theme.ts';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

/**
 * A call refused because the session ended (idle, 12 hours, account changed)
 * takes the console back to sign-in, which says why; one refused for a
 * pending password change brings up the set-your-password screen.
 */
const backToSignIn = (error: unknown) => {
  if (!(error instanceof ApiError)) return;
  if (error.code === 'UNAUTHENTICATED') {
    sessionEnded(error.message);
    void queries.resetQueries();
  }
  if (error.code === 'PASSWORD_CHANGE_REQUIRED')
    void queries.invalidateQueries({ queryKey: ['auth'] });
};

const queries: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: backToSignIn }),
  mutationCache: new MutationCache({ onError: backToSignIn }),
  defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false, retry: 1 } },
});

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables} defaultColorScheme="auto">
      <QueryClientProvider client={queries}>
        <ModalsProvider>
          <Notifications position="bottom-right" />
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </ModalsProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
