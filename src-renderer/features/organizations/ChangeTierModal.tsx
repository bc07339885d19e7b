import { Alert, Button, Group, Modal, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { tierChangeRefusal } from '../../../src-shared/domain/limits.ts';
import {
  TIERS,
  limitInWords,
  tierLimits,
  tierName,
  type Tier,
  type TierLimits,
} from '../../../src-shared/domain/tiers.ts';
import type { OrganizationDto } from '../../../src-shared/dto.ts';
import { counted } from '../../../src-shared/plural.ts';
import { useWrite } from '../../api/hooks.ts';
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
    success: (o) => `${o.name} is now on the ${tierName(o.tier)} tier`,
  });
  const before = tierLimits(organization.tier);
  const after = tierLimits(tier);
  const rows: [string, keyof TierLimits][] = [
    ['Monthly tokens', 'monthlyTokenLimit'],
    ['Agents', 'agentLimit'],
    ['Workflows', 'workflowLimit'],
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
          data={TIERS.map((t) => ({ value: t, label: tierName(t) }))}
        />
        <Table aria-label="Limits before and after">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Limit</Table.Th>
              <Table.Th>Now ({tierName(organization.tier)})</Table.Th>
              <Table.Th>After ({tierName(tier)})</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(([label, limit]) => (
              <Table.Tr key={label}>
                <Table.Td>{label}</Table.Td>
                <Table.Td>{limitInWords(limit, before[limit])}</Table.Td>
                <Table.Td
                  c={
                    after[limit] < before[limit]
                      ? 'orange'
                      : after[limit] > before[limit]
                        ? 'teal'
                        : undefined
                  }
                >
                  {limitInWords(limit, after[limit])}
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
            <ButtonWithReason reason={`It is on ${tierName(tier)} now: choose another tier above`}>
              Change to {tierName(tier)}
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
              Change to {tierName(tier)}
            </Refusable>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
