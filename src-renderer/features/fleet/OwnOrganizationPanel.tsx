import { Anchor, Card, Group, SimpleGrid, Skeleton, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { FleetOverview } from '../../../src-shared/contract.ts';
import { useChannel } from '../../api/hooks.ts';
import { AgentLimitMeter } from '../../components/AgentLimitMeter.tsx';
import { BillingBadge, TierBadge } from '../../components/badges.tsx';
import { formatNumber } from '../../components/forms.ts';

/** A developer's or user's own organization: its name, tier and billing, and its agents against the limit. */
export function OwnOrganizationPanel({
  organizationId,
  overview,
}: {
  organizationId: string;
  overview: FleetOverview;
}) {
  const org = useChannel('organizations.get', { id: organizationId });
  if (!org.data) return <Skeleton height={110} />;
  const o = org.data;
  const agents = overview.agents.total;
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }}>
      <Card withBorder>
        <Text size="sm" c="dimmed">
          Your organization
        </Text>
        <Anchor component={Link} to={`/organizations/${o.id}`} fw={600} size="lg">
          {o.name}
        </Anchor>
        <Group gap="xs" mt="xs">
          <TierBadge tier={o.tier} />
          <BillingBadge status={o.billingStatus} />
        </Group>
      </Card>
      <Card withBorder component={Link} to={`/agents?org=${o.id}`}>
        <Text size="sm" c="dimmed">
          Agents
        </Text>
        <AgentLimitMeter agents={agents} limit={o.agentLimit} />
      </Card>
      <Card withBorder component={Link} to={`/agents?org=${o.id}&status=error`}>
        <Text size="sm" c="dimmed">
          Agents in error
        </Text>
        <Title order={3}>{formatNumber(overview.agents.byStatus.error)}</Title>
        <Text size="sm">{formatNumber(overview.agents.byStatus.active)} active</Text>
      </Card>
    </SimpleGrid>
  );
}
