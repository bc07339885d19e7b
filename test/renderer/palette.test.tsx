import { act, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { spotlight } from '@mantine/spotlight';
import { Route, Routes, useLocation } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../src-shared/domain/enums.ts';
import { AppLayout } from '../../src-renderer/layout/AppLayout.tsx';
import { answerChannels, renderSignedIn } from './render.tsx';

/*
 * The Ctrl+K palette: screens the role may use, things to create,
 * organizations, and by the words typed users, skills and agents of any
 * organization (asked of fleet.searchAgents) with the steps each agent can
 * take, each taking the operator where it names or doing what it says.
 */

const ORG = {
  id: 'a0000000-0000-4000-8000-000000000001',
  name: 'Acme Robotics',
  slug: 'acme',
  schema: 'org_acme',
};
const AGENT = {
  agentId: 'b0000000-0000-4000-8000-000000000002',
  organizationId: ORG.id,
  organizationName: ORG.name,
  name: 'Zephyr',
  status: 'active',
};
const DRAFT = {
  agentId: 'b0000000-0000-4000-8000-000000000004',
  organizationId: ORG.id,
  organizationName: ORG.name,
  name: 'Quill',
  status: 'draft',
};
const USER = {
  id: 'd0000000-0000-4000-8000-000000000005',
  email: 'dev@acme.test',
  name: 'Dana',
  role: 'developer',
};
const SKILL = {
  id: 'e0000000-0000-4000-8000-000000000006',
  name: 'Web Research',
  slug: 'web-research',
  tierRequired: 'free',
};

/** The inputs fleet.searchAgents was asked with, in order. */
let searched: unknown[] = [];
/** Every channel called with its input, in order. */
let calls: [string, unknown][] = [];

const page = (items: unknown[]) => ({ items, total: items.length, page: 1, pageSize: 10 });
const matching = <T extends Record<string, unknown>>(
  rows: T[],
  input: unknown,
  keys: (keyof T)[],
) => {
  const search = ((input as { search?: string }).search ?? '').toLowerCase();
  return rows.filter((row) => keys.some((key) => String(row[key]).toLowerCase().includes(search)));
};

beforeEach(() => {
  searched = [];
  calls = [];
  const answers: Record<string, (input: unknown) => unknown> = {
    'organizations.list': () => ({ items: [ORG], total: 1, page: 1, pageSize: 200 }),
    'fleet.searchAgents': (input) => {
      searched.push(input);
      const query = (input as { query: string }).query.toLowerCase();
      return page([AGENT, DRAFT].filter((a) => a.name.toLowerCase().includes(query)));
    },
    'users.list': (input) => page(matching([USER], input, ['email', 'name'])),
    'skills.list': (input) => page(matching([SKILL], input, ['name', 'slug'])),
    'agents.get': () => ({ ...DRAFT, id: DRAFT.agentId, version: 7 }),
    'agents.transition': () => ({ ...DRAFT, id: DRAFT.agentId, status: 'deploying', version: 8 }),
    'tenancy.status': () => [],
  };
  answerChannels(answers, (channel, input) => calls.push([channel, input]));
});

function Where() {
  const location = useLocation();
  return (
    <>
      <output aria-label="Location">{location.pathname + location.search}</output>
      <input aria-label="A text field" />
    </>
  );
}

function renderConsole(role: Role) {
  renderSignedIn(
    <Routes>
      <Route element={<AppLayout />}>
        <Route path="*" element={<Where />} />
      </Route>
    </Routes>,
    { role, email: `${role}@palette.test`, organizationId: ORG.id, organizationName: ORG.name },
    '/start',
  );
}

async function openPalette() {
  act(() => spotlight.open());
  return screen.findByPlaceholderText('Screens, organizations, agents, users, skills, actions…');
}

/**
 * A palette entry by the start of its label; the typed words are
 * highlighted inside it, which may space its accessible name out.
 */
function findAction(label: string) {
  const squeeze = (text: string) => text.replace(/\s+/g, '');
  return screen.findByRole(
    'button',
    { name: (name) => squeeze(name).startsWith(squeeze(label)) },
    { timeout: 10_000 },
  );
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
    expect(await screen.findByText('Organization · acme')).toBeInTheDocument();
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

  it('opens with Ctrl+K while a text field has the focus', async () => {
    renderConsole('user');
    await userEvent.click(screen.getByLabelText('A text field'));
    await userEvent.keyboard('{Control>}k{/Control}');
    expect(
      await screen.findByPlaceholderText('Screens, organizations, agents, users, skills, actions…'),
    ).toBeInTheDocument();
  });

  it('finds a user by part of their email and opens the users list on them', async () => {
    renderConsole('admin');
    const search = await openPalette();
    await userEvent.type(search, 'dev@');
    await userEvent.click(await findAction('dev@acme.test'));
    expect(screen.getByLabelText('Location')).toHaveTextContent('/users?q=dev%40acme.test');
  });

  it('finds a skill by its name', async () => {
    renderConsole('user');
    const search = await openPalette();
    await userEvent.type(search, 'research');
    await userEvent.click(await findAction('Web Research'));
    expect(screen.getByLabelText('Location')).toHaveTextContent('/skills?q=web-research');
  });

  it('deploys the agent named after "deploy", with the version it read', async () => {
    renderConsole('admin');
    const search = await openPalette();
    await userEvent.type(search, 'deploy qui');
    await userEvent.click(await findAction('Deploy Quill'));
    await vi.waitFor(() =>
      expect(calls.filter(([channel]) => channel === 'agents.transition')).toEqual([
        [
          'agents.transition',
          { organizationId: ORG.id, id: DRAFT.agentId, version: 7, event: 'deploy' },
        ],
      ]),
    );
    // only the step named: no other agent, nor the agent itself
    expect(searched.at(-1)).toEqual({ query: 'qui', pageSize: 10 });
  });

  it('takes a step that stops an agent to its page, to be confirmed there', async () => {
    renderConsole('admin');
    const search = await openPalette();
    await userEvent.type(search, 'pause zeph');
    await userEvent.click(await findAction('Pause Zephyr'));
    expect(screen.getByLabelText('Location')).toHaveTextContent(
      `/agents/${ORG.id}/${AGENT.agentId}?step=pause`,
    );
    expect(calls.some(([channel]) => channel === 'agents.transition')).toBe(false);
  });

  it('offers a user no agent steps and nothing to create', async () => {
    renderConsole('user');
    const search = await openPalette();
    await userEvent.type(search, 'zeph');
    expect(await findAction('Zephyr')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^(Pause|Mark failed) Zephyr/ })).toBeNull();
    await userEvent.clear(search);
    await userEvent.type(search, 'new');
    await act(() => new Promise((resolve) => setTimeout(resolve, 400)));
    expect(screen.queryByRole('button', { name: /^New organization/ })).toBeNull();
  });

  it('opens the new-organization dialog\'s screen from "new organization"', async () => {
    renderConsole('admin');
    const search = await openPalette();
    await userEvent.type(search, 'new org');
    await userEvent.click(await findAction('New organization'));
    expect(screen.getByLabelText('Location')).toHaveTextContent('/organizations?new=1');
  });
});
