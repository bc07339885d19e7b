import { Alert, Badge, Button, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { RolloutDto } from '../../../src-shared/contract.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { StateWithReason } from './StateWithReason.tsx';
import { counted } from '../../../src-shared/plural.ts';

const OUTCOME_COLOR = { pending: 'gray', migrated: 'teal', failed: 'red' } as const;

const waveName = (wave: number) => (wave === 0 ? 'Canary' : `Wave ${wave}`);

/** The rollout in progress (db:migrate --canary / --waves): each wave, each tenant's outcome. */
export function RolloutPanel() {
  const status = useChannel('tenancy.rollout', {});
  const go = useWrite('tenancy.continueRollout', {
    success: (r) => (r ? 'The rollout stopped at a failing wave' : 'The rollout is finished'),
    invalidates: ['tenancy'],
  });
  const stop = useWrite('tenancy.stopRollout', {
    success: () => 'The rollout is stopped; the organizations it did not reach stay behind',
    invalidates: ['tenancy'],
  });
  const rollout: RolloutDto | null | undefined = status.data;
  if (!rollout) return null;
  return (
    <Card withBorder>
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={4}>Rollout to level {rollout.targetLevel} in progress</Title>
          <Text size="sm" c="dimmed">
            {rollout.plannedWaves === null
              ? 'Canary only so far'
              : `${counted(rollout.plannedWaves, 'wave')} planned`}
            ; a wave stops it when more than {rollout.maxFailures} of its organizations fail.
            Start-up leaves the organizations behind to it.
          </Text>
        </div>
        <Group>
          <Button
            variant="default"
            color="red"
            loading={stop.isPending}
            onClick={() => stop.mutate({})}
          >
            Stop
          </Button>
          <Button loading={go.isPending} onClick={() => go.mutate({})}>
            Continue
          </Button>
        </Group>
      </Group>
      <Stack>
        {rollout.stoppedReason && (
          <Alert color="orange" title="The rollout waits">
            Stopped at {rollout.stoppedReason}. Fix the failed tenants, then continue.
          </Alert>
        )}
        <Table aria-label="Rollout waves" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Wave</Table.Th>
              <Table.Th>Organization (schema)</Table.Th>
              <Table.Th>Outcome</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rollout.waves.flatMap((wave) =>
              wave.tenants.map((t) => (
                <Table.Tr key={t.organizationId}>
                  <Table.Td>{waveName(wave.wave)}</Table.Td>
                  <Table.Td>
                    <Code>org_{t.slug}</Code>
                  </Table.Td>
                  <Table.Td>
                    <StateWithReason
                      badge={
                        <Badge color={OUTCOME_COLOR[t.outcome]} variant="light">
                          {t.outcome}
                        </Badge>
                      }
                      reason={t.message}
                    />
                  </Table.Td>
                </Table.Tr>
              )),
            )}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}
