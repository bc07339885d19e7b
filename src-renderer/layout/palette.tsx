import { notifications } from '@mantine/notifications';
import { useDebouncedValue } from '@mantine/hooks';
import type { SpotlightActionData, SpotlightActionGroupData } from '@mantine/spotlight';
import {
  IconBolt,
  IconBuilding,
  IconPlus,
  IconRobot,
  IconSparkles,
  IconUser,
} from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import {
  AGENT_EVENTS,
  allowedAgentEvents,
  type AgentEvent,
} from '../../src-shared/domain/agent-machine.ts';
import { roleName } from '../../src-shared/domain/enums.ts';
import { tierName } from '../../src-shared/domain/tiers.ts';
import { call } from '../api/client.ts';
import { notifyRefusal } from '../api/notify-refusal.ts';
import { useChannel } from '../api/hooks.ts';
import { useSession } from '../auth/session.tsx';
import { CONFIRMED_EVENTS } from '../features/agents/ConfirmTransition.tsx';
import { EVENT_LABEL } from '../features/agents/event-labels.ts';
import { screensFor } from './nav.ts';

/*
 * What the Ctrl+K palette finds: screens, things to create, organizations,
 * and by the words typed users, skills and agents of any organization the
 * operator may see, with the lifecycle steps each agent can take ("deploy
 * zephyr"). It offers only what the access table lets the operator do.
 */

/** The words of a query that name a lifecycle step first ("deploy zeph"), and the rest. */
export function stepAndName(query: string): { event: AgentEvent | null; name: string } {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const [first = '', second = ''] = words;
  // "mark failed zeph", "fail zeph"
  if (first === 'mark' && 'failed'.startsWith(second) && second) {
    return { event: 'fail', name: words.slice(2).join(' ') };
  }
  const event = AGENT_EVENTS.find((e) => e === first || (first === 'failed' && e === 'fail'));
  return event ? { event, name: words.slice(1).join(' ') } : { event: null, name: words.join(' ') };
}

/**
 * The actions whose label, description or keywords hold every word typed,
 * in any order ("zeph deploy" finds "Deploy Zephyr").
 */
type PaletteEntry = SpotlightActionData | SpotlightActionGroupData;

export function paletteFilter(query: string, actions: PaletteEntry[]): PaletteEntry[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const text = (a: SpotlightActionData) =>
    [a.label, a.description, ...[a.keywords ?? []].flat()].join(' ').toLowerCase();
  return actions.filter((a) => 'actions' in a || words.every((word) => text(a).includes(word)));
}

/** The create actions, each opening its list with the new-record dialog. */
function useCreateActions(): SpotlightActionData[] {
  const navigate = useNavigate();
  const { can, user } = useSession();
  const creatable: [string, string, boolean][] = [
    ['New organization', '/organizations', can('manageOrganizations')],
    ['New user', '/users', can('manageUsers')],
    ['New agent', '/agents', can('writeAgents', { organizationId: user.organizationId })],
    ['New skill', '/skills', can('manageSkills')],
  ];
  return creatable
    .filter(([, , allowed]) => allowed)
    .map(([label, path]) => ({
      id: `new:${path}`,
      label,
      description: 'Create',
      keywords: ['create', 'add'],
      leftSection: <IconPlus size={18} />,
      onClick: () => navigate(`${path}?new=1`),
    }));
}

/** Every action the palette offers for what has been typed. */
export function usePaletteActions(query: string): SpotlightActionData[] {
  const navigate = useNavigate();
  const client = useQueryClient();
  const { can } = useSession();
  const creates = useCreateActions();
  const [typed] = useDebouncedValue(query.trim(), 200);
  const { event: wantedStep, name } = stepAndName(typed);
  const orgs = useChannel('organizations.list', { page: 1, pageSize: 200, sort: 'name' });
  const agents = useChannel(
    'fleet.searchAgents',
    { query: name, pageSize: 10 },
    { enabled: name.length > 0 },
  );
  const users = useChannel(
    'users.list',
    { search: typed, page: 1, pageSize: 5, sort: 'email' },
    { enabled: typed.length > 0 && !wantedStep },
  );
  const skills = useChannel(
    'skills.list',
    { search: typed, page: 1, pageSize: 5, sort: 'name' },
    { enabled: typed.length > 0 && !wantedStep },
  );

  const step = async (organizationId: string, id: string, event: AgentEvent) => {
    // steps that take an agent off work are confirmed on its page, as there
    if (CONFIRMED_EVENTS.has(event)) {
      navigate(`/agents/${organizationId}/${id}?step=${event}`);
      return;
    }
    try {
      const agent = await call('agents.get', { organizationId, id });
      const moved = await call('agents.transition', {
        organizationId,
        id,
        version: agent.version,
        event,
      });
      await client.invalidateQueries({ queryKey: ['agents'] });
      notifications.show({ color: 'teal', message: `${moved.name} is now ${moved.status}` });
    } catch (error) {
      notifyRefusal(error);
    }
  };

  const found = name ? (agents.data?.items ?? []) : [];
  return [
    ...screensFor(can).map((s) => ({
      id: `screen:${s.path}`,
      label: s.label,
      description: 'Screen',
      leftSection: <s.icon size={18} />,
      onClick: () => navigate(s.path),
    })),
    ...creates,
    ...(orgs.data?.items ?? []).map((o) => ({
      id: `org:${o.id}`,
      label: o.name,
      description: `Organization · ${o.slug}`,
      leftSection: <IconBuilding size={18} />,
      onClick: () => navigate(`/organizations/${o.id}`),
    })),
    ...(wantedStep ? [] : found).map((a) => ({
      id: `agent:${a.agentId}`,
      label: a.name,
      description: `Agent · ${a.status} · ${a.organizationName}`,
      leftSection: <IconRobot size={18} />,
      onClick: () => navigate(`/agents/${a.organizationId}/${a.agentId}`),
    })),
    ...found
      .filter((a) => can('writeAgents', { organizationId: a.organizationId }))
      .flatMap((a) =>
        allowedAgentEvents(a.status)
          .filter((e) => !wantedStep || e === wantedStep)
          .map((e) => ({
            id: `step:${a.agentId}:${e}`,
            label: `${EVENT_LABEL[e]} ${a.name}`,
            description: `Agent step · now ${a.status} · ${a.organizationName}`,
            keywords: [e, a.name],
            leftSection: <IconBolt size={18} />,
            onClick: () => void step(a.organizationId, a.agentId, e),
          })),
      ),
    ...(typed ? (users.data?.items ?? []) : []).map((u) => ({
      id: `user:${u.id}`,
      label: u.email,
      description: `User · ${u.name ?? 'no name'} · ${roleName(u.role)}`,
      keywords: [u.name ?? ''],
      leftSection: <IconUser size={18} />,
      onClick: () => navigate(`/users?q=${encodeURIComponent(u.email)}`),
    })),
    ...(typed ? (skills.data?.items ?? []) : []).map((s) => ({
      id: `skill:${s.id}`,
      label: s.name,
      description: `Skill · ${s.slug} · ${tierName(s.tierRequired)} tier`,
      keywords: [s.slug],
      leftSection: <IconSparkles size={18} />,
      onClick: () => navigate(`/skills?q=${encodeURIComponent(s.slug)}`),
    })),
  ];
}
