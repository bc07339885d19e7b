import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { spotlight } from '@mantine/spotlight';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FleetBridge } from '../../src-shared/channels.ts';
import type { SessionUser } from '../../src-shared/contract.ts';
import type { Role } from '../../src-shared/domain/enums.ts';
import { SessionProvider } from '../../src-renderer/auth/session.tsx';
import { AppLayout } from '../../src-renderer/layout/AppLayout.tsx';
import { renderWithMantine } from './render.tsx';

/*
 * The Ctrl+K palette: screens the role may use, organizations, and agents of
 * any organization found by the name typed (asked of fleet.searchAgents),
 * each taking the operator where it names.
 */

const ORG = {
  id: 'a0000000-0000-4000-8000-000000000001',
  name: 'Acme Robotics',
  schema: 'org_acme',
};
const AGENT = {
  agentId: 'b0000000-0000-4000-8000-000000000002',
  organizationId: ORG.id,
  organizationName: ORG.name,
  name: 'Zephyr',
  status: 'active',
};

/** The inputs fleet.searchAgents was asked with, in order. */
let searched: unknown[] = [];

beforeEach(() => {
  searched = [];
  const answers: Record<string, (input: unknown) => unknown> = {
    'organizations.list': () => ({ items: [ORG], total: 1, page: 1, pageSize: 200 }),
    'fleet.searchAgents': (input) => {
      searched.push(input);
      const query = (input as { query: string }).query.toLowerCase();
      const items = AGENT.name.toLowerCase().includes(query) ? [AGENT] : [];
      return { items, total: items.length, page: 1, pageSize: 10 };
    },
    'tenancy.status': () => [],
  };
  const bridge: FleetBridge = {
    invoke: async (channel, input) => {
      const answer = answers[channel];
      return answer
        ? { ok: true, data: answer(input) }
        : { ok: false, error: { code: 'NOT_FOUND', message: `no stub for ${channel}` } };
    },
    onEvent: () => () => undefined,
  };
  window.fleet = bridge;
});

function Where() {
  return <output aria-label="Location">{useLocation().pathname}</output>;
}

function renderConsole(role: Role) {
  const user: SessionUser = {
    id: 'c0000000-0000-4000-8000-000000000003',
    email: `${role}@palette.test`,
    name: null,
    role,
    organizationId: ORG.id,
    organizationName: ORG.name,
    mustChangePassword: false,
  };
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  renderWithMantine(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={['/start']}>
        <SessionProvider user={user}>
          <Routes>
            <Route element={<AppLayout />}>
              <Route path="*" element={<Where />} />
            </Route>
          </Routes>
        </SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

async function openPalette() {
  act(() => spotlight.open());
  return screen.findByPlaceholderText('Screens, organizations, agents…');
}

// the search waits 200 ms after the last key, and the palette's transitions are real here
describe('the jump-to palette', { timeout: 20_000 }, () => {
  it('finds an agent of any organization by the name typed, and opens it', async () => {
    renderConsole('admin');
    const search = await openPalette();
    await userEvent.type(search, 'zeph');
    const found = await screen.findByText(
      'Agent · active · Acme Robotics',
      {},
      { timeout: 10_000 },
    );
    expect(searched.at(-1)).toEqual({ query: 'zeph', pageSize: 10 });
    await userEvent.click(found);
    expect(screen.getByLabelText('Location')).toHaveTextContent(
      `/agents/${ORG.id}/${AGENT.agentId}`,
    );
  });

  it('asks for no agents before anything is typed, and shows none that do not match', async () => {
    renderConsole('admin');
    const search = await openPalette();
    expect(await screen.findByText('Organization · org_acme')).toBeInTheDocument();
    expect(searched).toEqual([]);
    await userEvent.type(search, 'nobody');
    await act(() => new Promise((resolve) => setTimeout(resolve, 400)));
    expect(searched.at(-1)).toEqual({ query: 'nobody', pageSize: 10 });
    expect(screen.queryByText(/^Agent ·/)).toBeNull();
    expect(screen.getByText('Nothing found')).toBeInTheDocument();
  });

  it('offers a user only the screens a user may use', async () => {
    renderConsole('user');
    await openPalette();
    const screens = (await screen.findAllByText('Screen')).map(
      (description) => description.closest('button')?.textContent?.replace('Screen', '') ?? '',
    );
    expect(screens).toEqual(['Fleet', 'Organizations', 'Users', 'Agents', 'Skills']);
  });
});
