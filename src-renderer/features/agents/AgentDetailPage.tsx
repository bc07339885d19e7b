import {
  Alert,
  Button,
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
import { useNavigate, useParams } from 'react-router';
import { allowedAgentEvents } from '../../../src-shared/domain/agent-machine.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { StatusBadge } from '../../components/badges.tsx';
import { formatDate, formatNumber } from '../../components/forms.ts';
import { confirmDelete } from '../../components/confirm-delete.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AgentFormModal } from './AgentFormModal.tsx';
import { AgentSkillsPanel } from './AgentSkillsPanel.tsx';
import { EVENT_LABEL } from './event-labels.ts';

export function AgentDetailPage() {
  const { organizationId = '', id = '' } = useParams();
  const navigate = useNavigate();
  const { can } = useSession();
  const [editing, edit] = useDisclosure(false);
  const agent = useChannel('agents.get', { organizationId, id });
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
                <Button
                  key={event}
                  variant={event === 'fail' ? 'light' : 'filled'}
                  color={event === 'fail' ? 'red' : undefined}
                  loading={transition.isPending && transition.variables?.event === event}
                  onClick={() =>
                    transition.mutate({ organizationId, id, version: a.version, event })
                  }
                >
                  {EVENT_LABEL[event]}
                </Button>
              ))}
              <Button variant="default" onClick={edit.open}>
                Edit
              </Button>
              <Button variant="subtle" color="red" onClick={askDelete}>
                Delete
              </Button>
            </>
          )
        }
      />
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
            <Code block>{a.systemPrompt}</Code>
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
                  {t.event} by {t.actorLabel} · {formatDate(t.at)}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </Card>
      </SimpleGrid>
      <AgentSkillsPanel organizationId={organizationId} agentId={id} writer={writer} />
      {writer && editing && (
        <AgentFormModal organizationId={organizationId} agent={a} opened onClose={edit.close} />
      )}
    </>
  );
}
