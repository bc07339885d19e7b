import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import type { FleetBridge } from '../../src-shared/channels.ts';
import type { SessionUser } from '../../src-shared/contract.ts';
import { SessionProvider } from '../../src-renderer/auth/session.tsx';

/** Renders under Mantine's provider in its test environment (no transitions, no portals' delays). */
export function renderWithMantine(ui: ReactNode) {
  return render(<MantineProvider env="test">{ui}</MantineProvider>);
}

/**
 * Renders `ui` as the console shows it to a signed-in user: a query cache
 * of its own that does not retry, a router at `at`, and the session of
 * `user` (the fields not given as an ordinary user of one organization).
 */
export function renderSignedIn(
  ui: ReactNode,
  user: Partial<SessionUser> & Pick<SessionUser, 'role' | 'email' | 'organizationId'>,
  at = '/',
) {
  const me: SessionUser = {
    id: 'c0000000-0000-4000-8000-000000000003',
    name: null,
    organizationName: 'Acme Robotics',
    mustChangePassword: false,
    secondFactor: false,
    mustEnrollSecondFactor: false,
    ...user,
  };
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return renderWithMantine(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[at]}>
        <SessionProvider me={{ ...me, viewingAs: null }}>{ui}</SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

/**
 * Puts a stand-in for the preload bridge on `window.fleet`: each channel in
 * `answers` answered by its function, any other refused with NOT_FOUND
 * naming it, no events. `heard` is told of every call.
 */
export function answerChannels(
  answers: Record<string, (input: unknown) => unknown>,
  heard: (channel: string, input: unknown) => void = () => undefined,
): void {
  const bridge: FleetBridge = {
    invoke: async (channel, input) => {
      heard(channel, input);
      const answer = answers[channel];
      return answer
        ? { ok: true, data: answer(input) }
        : { ok: false, error: { code: 'NOT_FOUND', message: `no stub for ${channel}` } };
    },
    onEvent: () => () => undefined,
  };
  window.fleet = bridge;
}
