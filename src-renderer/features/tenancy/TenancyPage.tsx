import { Alert, Badge, Button, Code, List, Progress, Stack, Table, Text } from '@mantine/core';
import { IconCalculator, IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { modals } from '@mantine/modals';
import type { MigrationProgress } from '../../../src-shared/channels.ts';
import type { TenantStatus } from '../../../src-shared/contract.ts';
import { AGENT_STATUSES, type AgentStatus } from '../../../src-shared/domain/agent-machine.ts';
import { tenantMigrationInWords } from '../../../src-shared/domain/migration-words.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { formatNumber } from '../../components/forms.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ButtonWithReason } from '../../components/Refusable.tsx';
import { Name } from '../../components/Truncated.tsx';
import { RolloutPanel } from './RolloutPanel.tsx';
import { StateWithReason } from './StateWithReason.tsx';
import { TenancyTabs } from './TenancyTabs.tsx';
import { counted } from '../../../src-shared/plural.ts';

const statusLine = (counts: Record<AgentStatus, number>) =>
  AGENT_STATUSES.map((s) => `${counts[s]} ${s}`).join(', ');

export function TenancyPage() {
  const status = useChannel('tenancy.status', {});
  const [progress, setProgress] = useState<MigrationProgress | null>(null);
  useEffect(
    () =>
      window.fleet.onEvent((event) => {
        if (event.type === 'migration-progress') setProgress(event);
      }),
    [],
  );
  const migrate = useWrite('tenancy.migrateAll', {
    success: (r) =>
      r.total === 0
        ? 'Every organization is up to date'
        : `${formatNumber(r.migrated)} of ${counted(r.total, 'organization')} migrated`,
    invalidates: ['tenancy'],
  });
  const recount = useWrite('tenancy.recount', {
    success: (r) =>
      r.drifted.length === 0
        ? `Checked ${counted(r.organizations, 'organization')}: each agrees with its data`
        : `Repaired ${formatNumber(r.drifted.length)} of ${counted(r.organizations, 'organization')}`,
    invalidates: ['tenancy', 'fleet', 'organizations', 'agents'],
  });
  const tenants = status.data ?? [];
  const behind = tenants.filter((t) => t.pendingMigrations.length > 0);
  return (
    <>
      <PageHeader
        title="Tenancy"
        description="Each organization's data in the database: the structure it is at, and the changes it still lacks."
        actions={
          <>
            <Button
              variant="default"
              leftSection={<IconCalculator size={16} />}
              loading={recount.isPending}
              onClick={() => recount.mutate({})}
            >
              Recount
            </Button>
            {/* nothing to migrate: said beside the button rather than learned from a click */}
            <ButtonWithReason
              leftSection={<IconRefresh size={16} />}
              // until the status is read the button waits, like the list under it
              loading={migrate.isPending || !status.data}
              reason={
                status.data && behind.length === 0 ? 'Every organization is up to date' : null
              }
              onClick={() => previewMigration(behind, () => migrate.mutate({}))}
            >
              Migrate all
            </ButtonWithReason>
          </>
        }
      />
      <TenancyTabs />
      <Stack>
        <RolloutPanel />
        {migrate.isPending && progress && progress.total > 0 && (
          <Progress
            value={(progress.done / progress.total) * 100}
            aria-label="Migration progress"
          />
        )}
        {recount.data && recount.data.drifted.length > 0 && (
          <Alert
            color="orange"
            title="Repaired figures that no longer matched the organization's data"
          >
            {recount.data.drifted.map((d) => (
              <Text size="sm" key={d.organizationId}>
                <Code>org_{d.slug}</Code>: agent count {d.agentCount.from} → {d.agentCount.to};
                index {d.index.missing} missing, {d.index.extra} extra, {d.index.changed} changed;
                by status {statusLine(d.byStatus.from)} → {statusLine(d.byStatus.to)}
              </Text>
            ))}
          </Alert>
        )}
        {migrate.data && migrate.data.failed.length > 0 && (
          <Alert
            color="red"
            title={`${counted(migrate.data.failed.length, 'organization')} failed to migrate`}
          >
            {migrate.data.failed.map((f) => (
              <Text size="sm" key={f.slug}>
                <Code>{f.schema}</Code>: {f.message}
              </Text>
            ))}
          </Alert>
        )}
        {status.error && (
          <Alert color="red" title="Could not load">
            {status.error.message}
          </Alert>
        )}
        <Text size="sm" c="dimmed">
          {counted(tenants.length, 'organization')} · {behind.length} behind
        </Text>
        {/* fixed widths for the short values; the schema and the changes it lacks share the
            rest, the schema cut with the whole in a tooltip, so that the table is never wider
            than the screen */}
        <Table aria-label="Organizations by structure level" verticalSpacing="sm" layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Organization (schema)</Table.Th>
              <Table.Th w={80}>Level</Table.Th>
              <Table.Th>Changes still to apply</Table.Th>
              <Table.Th w={80}>Agents</Table.Th>
              {/* the widest badge, "up to date", whole at 1024 px */}
              <Table.Th w={130}>State</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tenants.map((t) => (
              <Table.Tr key={t.organizationId}>
                <Table.Td>
                  <Name
                    text={t.schema}
                    to={`/organizations/${t.organizationId}`}
                    aria-label={`${t.schema}: open its organization`}
                    ff="monospace"
                  />
                </Table.Td>
                <Table.Td>{t.appliedMigrations}</Table.Td>
                <Table.Td>
                  {t.pendingMigrations.length === 0 ? (
                    'None'
                  ) : (
                    <Stack gap={2}>
                      {t.pendingMigrations.map((m) => (
                        <Text size="sm" key={m}>
                          {tenantMigrationInWords(m)}
                        </Text>
                      ))}
                    </Stack>
                  )}
                </Table.Td>
                <Table.Td>{t.agentCount}</Table.Td>
                <Table.Td>
                  <StateWithReason
                    badge={
                      t.problem ? (
                        <Badge color="red">problem</Badge>
                      ) : t.pendingMigrations.length > 0 ? (
                        <Badge color="orange">behind</Badge>
                      ) : (
                        <Badge color="teal" variant="light">
                          up to date
                        </Badge>
                      )
                    }
                    reason={t.problem}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </>
  );
}

/** What Migrate all will do, asked before it runs: which organizations, and which changes they lack. */
function previewMigration(behind: TenantStatus[], onConfirm: () => void) {
  const migrations = [...new Set(behind.flatMap((t) => t.pendingMigrations))];
  const named = behind.slice(0, 5).map((t) => t.schema);
  modals.openConfirmModal({
    title: `Migrate ${counted(behind.length, 'organization')}?`,
    children: (
      <Stack gap="xs">
        <Text size="sm">
          {named.join(', ')}
          {behind.length > named.length && ` and ${behind.length - named.length} more`}{' '}
          {behind.length === 1 ? 'lacks' : 'lack'} {counted(migrations.length, 'change')}:
        </Text>
        <List size="sm">
          {migrations.map((m) => (
            <List.Item key={m}>{tenantMigrationInWords(m)}</List.Item>
          ))}
        </List>
        <Text size="sm">
          Each organization migrates on its own; one that fails is named here and the others go on.
        </Text>
      </Stack>
    ),
    labels: { confirm: `Migrate ${counted(behind.length, 'organization')}`, cancel: 'Cancel' },
    onConfirm,
  });
}
