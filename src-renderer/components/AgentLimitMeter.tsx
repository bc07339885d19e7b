import { Progress, Text, Title } from '@mantine/core';
import { isUnlimited } from '../../src-shared/domain/tiers.ts';
import { formatNumber } from './forms.ts';

/** An organization's agents against its tier's limit: both figures, and a bar that turns orange at the limit. */
export function AgentLimitMeter({ agents, limit }: { agents: number; limit: number }) {
  if (isUnlimited('agentLimit', limit))
    return (
      <Title order={3}>
        {formatNumber(agents)}{' '}
        <Text span c="dimmed" size="sm">
          no limit on the tier
        </Text>
      </Title>
    );
  return (
    <>
      <Title order={3}>
        {formatNumber(agents)}{' '}
        <Text span c="dimmed" size="sm">
          of {formatNumber(limit)} allowed
        </Text>
      </Title>
      <Progress
        mt="xs"
        value={(agents / Math.max(1, limit)) * 100}
        color={agents >= limit ? 'orange' : 'indigo'}
        aria-label="Agents used of the tier's limit"
      />
    </>
  );
}
