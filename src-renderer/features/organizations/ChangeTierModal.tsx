import { Alert, Button, Group, Modal, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { tierChangeRefusal } from '../../../src-shared/domain/limits.ts';
import { TIERS, tierLimits, type Tier } from '../../../src-shared/domain/tiers.ts';
import type { OrganizationDto } from '../../../src-shared/dto.ts';
import { counted } from '../../../src-shared/plural.ts';
import { useWrite } from '../../api/hooks.ts';
import { formatNumber } from '../../components/forms.ts';
import { ButtonWithReason, Refusable } from '../../components/Refusable.tsx';

/** Shows the limits before and after; a refused downgrade explains why, in place. */
export function ChangeTierModal({
  organization,
  opened,
  onClose,
}: {
  organization: OrganizationDto;
  opened: boolean;
  onClose: () => void;
}) {
  const [tier, setTier] = useState<Tier>(organization.tier);
  const navigate = useNavigate();
  const refusal = tierChangeRefusal(organization, tier);
  const change = useWrite('organizations.changeTier', {
    success: (o) => `${o.name} is now on the ${o.tier} tier`,
  });
  const before = tierLimits(organization.tier);
  const after = tierLimits(tier);
  const rows: [string, number, number][] = [
    ['Monthly tokens', before.monthlyTokenLimit, after.monthlyTokenLimit],
    ['Agents', before.agentLimit, after.agentLimit],
    ['Workflows', before.workflowLimit, after.workflowLimit],
  ];
  const close = () => {
    change.reset();
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={`Change tier of ${organization.name}`}
      // room for Cancel, the change and a refusal beside it on one line
      size="lg"
    >
      <Stack>
        <SegmentedControl
          aria-label="Tier"
          value={tier}
          onChange={(v) => setTier(v as Tier)}
          data={[...TIERS]}
        />
        <Table aria-label="Limits before and after">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Limit</Table.Th>
              <Table.Th>Now ({organization.tier})</Table.Th>
              <Table.Th>After ({tier})</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(([label, now, next]) => (
              <Table.Tr key={label}>
                <Table.Td>{label}</Table.Td>
                <Table.Td>{formatNumber(now)}</Table.Td>
                <Table.Td c={next < now ? 'orange' : next > now ? 'teal' : undefined}>
                  {formatNumber(next)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="sm" c="dimmed">
          The organization has {counted(organization.agentCount, 'agent')}.
        </Text>
        {change.error && (
          <Alert color="orange" title="Not changed" role="alert">
            {change.error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          {tier === organization.tier ? (
            <ButtonWithReason reason={`It is on ${tier} now: choose another tier above`}>
              Change to {tier}
            </ButtonWithReason>
          ) : (
            <Refusable
              refusal={refusal}
              onWayForward={() => navigate(`/agents?org=${organization.id}`)}
              loading={change.isPending}
              onClick={() =>
                change.mutate(
                  { id: organization.id, version: organization.version, tier },
                  { onSuccess: close },
                )
              }
            >
              Change to {tier}
            </Refusable>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
