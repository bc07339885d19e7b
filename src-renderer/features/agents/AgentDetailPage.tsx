import {
  Alert,
  Card,
  Code,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Timeline,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowRight } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  AGENT_EVENTS,
  allowedAgentEvents,
  type AgentEvent,
} from '../../../src-shared/domain/agent-machine.ts';
import { decideTransition, maintenanceRefusal } from '../../../src-shared/domain/limits.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { MaintenanceBanner } from '../../components/MaintenanceBanner.tsx';
import { useSession } from '../../auth/session.tsx';
import { StatusBadge } from '../../components/badges.tsx';
import { formatDate, formatNumber } from '../../components/forms.ts';
import { confirmDelete } from '../../components/confirm-delete.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Refusable } from '../../components/Refusable.tsx';
import { useOpenedByLink } from '../../components/opened-by-link.ts';
import { CONFIRMED_EVENTS, ConfirmTransition } from './ConfirmTransition.tsx';
import { AgentFormModal } from './AgentFormModal.tsx';
import { AgentSkillsPanel } from './AgentSkillsPanel.tsx';
import { EVENT_LABEL } from './event-labels.ts';

export function AgentDetailPage() {
  const { organizationId = '', id = '' } = useParams();
  const navigate = useNavigate();
  const { can } = useSession();
  const [editing, edit] = useDisclosure(false);
  const [confirming, setConfirming] = useState<AgentEvent | null>(null);
  // the palette's "Pause Zephyr" opens the confirmation here
  useOpenedByLink(
    'step',
    useCallback((step: string) => {
      const event = AGENT_EVENTS.find((e) => e === step);
      if (event && CONFIRMED_EVENTS.has(event)) setConfirming(event);
    }, []),
  );
  const agent = useChannel('agents.get', { organizationId, id });
  const organization = useChannel('organizations.get', { id: organizationId });
  const history = useChannel('agents.history', { organizationId, id });
  const transition = useWrite('agents.transition', {
    success: (a) => `${a.name} is now ${a.status}`,
  });
  const remove = useWrite('agents.delete', {
    success: () => 'Agent deleted',
    invalidates: ['agents', 'organizations'],
  });

  if (agent.error)
    return (
      <Alert color="red" title="Could not load the agent">
        {agent.error.message}
      </Alert>
    );
  if (!agent.data) return <Skeleton height={240} />;
  const a = agent.data;
  const writer = can('writeAgents', { organizationId });
  // no change to the organization's agents is accepted while it is in maintenance
  const frozen = organization.data ? maintenanceRefusal(organization.data) : null;
  const toOrganization = can('manageOrganizations')
    ? () => navigate(`/organizations/${organizationId}`)
    : undefined;
  const step = (event: AgentEvent, reason?: string) =>
    transition.mutate(
      { organizationId, id, version: a.version, event, ...(reason ? { reason } : {}) },
      { onSuccess: () => setConfirming(null) },
    );
  // why the agent is in error, as the operator who marked it failed said
  const failure =
    a.status === 'error'
      ? history.data?.transitions.findLast((t) => t.to === 'error' && t.agentId === a.id)
      : undefined;

  const askDelete = () =>
    confirmDelete({
      title: `Delete ${a.name}?`,
      consequence: 'The agent and its transition history are deleted. This cannot be undone.',
      confirmLabel: 'Delete agent',
      onConfirm: () =>
        remove.mutate({ organizationId, id }, { onSuccess: () => navigate('/agents') }),
    });

  return (
    <>
      <PageHeader
        crumbs={[
          {
            label: organization.data?.name ?? 'Organization',
            to: `/organizations/${organizationId}`,
          },
          { label: 'Agents', to: `/agents?org=${organizationId}` },
          { label: a.name },
        ]}
        title={
          <Group gap="sm">
            {a.name} <StatusBadge status={a.status} />
          </Group>
        }
        description={a.description ?? undefined}
        actions={
          writer && (
            <>
              {allowedAgentEvents(a.status).map((event) => (
                <Refusable
                  key={event}
                  refusal={
                    frozen ??
                    (organization.data
                      ? decideTransition(organization.data, a.status, event).refusal
                      : null)
                  }
                  onWayForward={toOrganization}
                  variant={event === 'fail' ? 'light' : 'filled'}
                  color={event === 'fail' ? 'red' : undefined}
                  loading={transition.isPending && transition.variables?.event === event}
                  onClick={() => (CONFIRMED_EVENTS.has(event) ? setConfirming(event) : step(event))}
                >
                  {EVENT_LABEL[event]}
                </Refusable>
              ))}
              <Refusable
                variant="default"
                refusal={frozen}
                onWayForward={toOrganization}
                onClick={edit.open}
              >
                Edit
              </Refusable>
              <Refusable
                variant="subtle"
                color="red"
                refusal={frozen}
                onWayForward={toOrganization}
                onClick={askDelete}
              >
                Delete
              </Refusable>
            </>
          )
        }
      />
      {organization.data && (
        <MaintenanceBanner
          name={organization.data.name}
          maintenance={organization.data.maintenance}
        />
      )}
      {a.status === 'error' && (
        <Alert color="red" title="This agent is in error" mb="lg">
          {failure?.reason
            ? `${failure.reason} (marked failed by ${failure.actorLabel}, ${formatDate(failure.at)}).`
            : 'No reason was given when it failed.'}{' '}
          Redeploy it once the cause is fixed.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, md: 4 }} mb="lg">
        {[
          ['Total executions', formatNumber(a.totalExecutions)],
          ['Tokens used', formatNumber(a.totalTokensUsed)],
          ['Average latency', a.avgLatencyMs === null ? '—' : `${formatNumber(a.avgLatencyMs)} ms`],
          ['Version', a.agentVersion],
        ].map(([label, value]) => (
          <Card withBorder key={label}>
            <Text size="sm" c="dimmed">
              {label}
            </Text>
            <Title order={3}>{value}</Title>
          </Card>
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Title order={4} mb="sm">
            Configuration
          </Title>
          <Stack gap={4}>
            <Text size="sm">
              Model <Code>{a.config.model}</Code> · max tokens {formatNumber(a.config.max_tokens)} ·
              temperature {a.config.temperature}
            </Text>
            <Text size="sm">
              Up to {a.maxConcurrentRequests} concurrent requests, {a.timeoutSeconds} s timeout
            </Text>
            <Text size="sm" fw={500} mt="sm">
              System prompt
            </Text>
            <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {a.systemPrompt}
            </Code>
          </Stack>
        </Card>
        <Card withBorder>
          <Title order={4} mb="sm">
            History
          </Title>
          {history.data && history.data.transitions.length === 0 && (
            <Text c="dimmed" size="sm">
              No transitions yet: the agent is a draft.
            </Text>
          )}
          <Timeline
            active={(history.data?.transitions.length ?? 0) - 1}
            bulletSize={20}
            lineWidth={2}
            aria-label="Transition history"
            role="region"
          >
            {(history.data?.transitions ?? []).map((t) => (
              <Timeline.Item
                key={t.id}
                bullet={<IconArrowRight size={12} />}
                title={`${t.from} → ${t.to}`}
              >
                <Text size="xs" c="dimmed">
                  {EVENT_LABEL[t.event]} by {t.actorLabel} · {formatDate(t.at)}
                </Text>
                {t.reason && <Text size="sm">Reason: {t.reason}</Text>}
              </Timeline.Item>
            ))}
          </Timeline>
        </Card>
      </SimpleGrid>
      <AgentSkillsPanel organizationId={organizationId} agentId={id} writer={writer} />
      {writer && confirming && (
        <ConfirmTransition
          event={confirming}
          subject={a.name}
          loading={transition.isPending}
          onConfirm={(reason) => step(confirming, reason)}
          onClose={() => setConfirming(null)}
        />
      )}
      {writer && editing && (
        <AgentFormModal organizationId={organizationId} agent={a} opened onClose={edit.close} />
      )}
    </>
  );
}
