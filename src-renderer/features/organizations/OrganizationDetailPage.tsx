import { BarChart } from '@mantine/charts';
import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  SimpleGrid,
  Skeleton,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useId } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { BillingBadge, RoleBadge, TierBadge } from '../../components/badges.tsx';
import { isUnlimited } from '../../../src-shared/domain/tiers.ts';
import { formatDate, formatNumber } from '../../components/forms.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { MaintenanceBanner } from '../../components/MaintenanceBanner.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Panel } from '../../components/Panel.tsx';
import { AgentLimitMeter } from '../../components/AgentLimitMeter.tsx';
import { axisLabel, topWithRest } from '../../components/top-n.ts';
import { counted } from '../../../src-shared/plural.ts';
import { ChangeTierModal } from './ChangeTierModal.tsx';
import { DeleteOrganizationModal } from './DeleteOrganizationModal.tsx';
import { maintenanceRefusal } from '../../../src-shared/domain/limits.ts';
import { Refusable, RefusalNote } from '../../components/Refusable.tsx';
import { MaintenanceModal } from './MaintenanceModal.tsx';
import { RenameSlugModal } from './RenameSlugModal.tsx';
import { ExportOrganizationModal } from './ExportOrganizationModal.tsx';
import { EditOrganizationModal } from './OrganizationFormModal.tsx';

/** Bars in the token chart before the rest are summed into one. */
const TOP_AGENTS = 8;

export function OrganizationDetailPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const navigate = useNavigate();
  const [editing, edit] = useDisclosure(false);
  const [tiering, tier] = useDisclosure(false);
  const [deleting, del] = useDisclosure(false);
  const [maintaining, maintain] = useDisclosure(false);
  const [renaming, rename] = useDisclosure(false);
  const [exporting, exporter] = useDisclosure(false);
  const org = useChannel('organizations.get', { id });
  const users = useChannel('users.list', {
    organizationId: id,
    page: 1,
    pageSize: 50,
    sort: 'email',
  });
  const usage = useChannel('organizations.usage', { organizationId: id });
  const frozenReason = useId();

  if (org.error)
    return (
      <Alert color="red" title="Could not load the organization">
        {org.error.message}
      </Alert>
    );
  if (!org.data) return <Skeleton height={240} />;
  const o = org.data;
  // every change to the organization is refused while it is in maintenance
  const frozen = maintenanceRefusal(o);
  const chart = usage.data
    ? topWithRest(
        usage.data.topAgents.map((a) => ({ name: a.name, value: a.totalTokensUsed })),
        { total: usage.data.totalTokensUsed, count: usage.data.agents },
        TOP_AGENTS,
        { singular: 'agent' },
      ).map((row) => ({ agent: row.name, tokens: row.value }))
    : [];

  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Organizations', to: '/organizations' }, { label: o.name }]}
        title={o.name}
        description={
          <>
            Slug <Code>{o.slug}</Code> · created {formatDate(o.createdAt)}
          </>
        }
        actions={
          (can('manageOrganizations') || can('transferOrganizations')) && (
            <>
              {can('manageOrganizations') && (
                <>
                  <Refusable
                    variant="default"
                    refusal={frozen}
                    reasonShownAt={frozenReason}
                    onClick={edit.open}
                  >
                    Edit
                  </Refusable>
                  <Refusable
                    variant="default"
                    refusal={frozen}
                    reasonShownAt={frozenReason}
                    onClick={tier.open}
                  >
                    Change tier
                  </Refusable>
                  <Refusable
                    variant="default"
                    refusal={frozen}
                    reasonShownAt={frozenReason}
                    onClick={rename.open}
                  >
                    Rename slug…
                  </Refusable>
                  {!o.maintenance?.byOperation && (
                    <Button variant="default" onClick={maintain.open}>
                      {o.maintenance ? 'End maintenance' : 'Maintenance…'}
                    </Button>
                  )}
                </>
              )}
              {can('transferOrganizations', { organizationId: o.id }) && (
                <Button variant="default" onClick={exporter.open}>
                  Export organization…
                </Button>
              )}
              {can('endOrganizations', { organizationId: o.id }) && (
                <Refusable
                  color="red"
                  variant="light"
                  refusal={frozen}
                  reasonShownAt={frozenReason}
                  onClick={del.open}
                >
                  Delete
                </Refusable>
              )}
              {/* the writes it refuses share one reason, said once beside them */}
              <RefusalNote
                id={frozenReason}
                refusal={frozen}
                onWayForward={o.maintenance?.byOperation ? undefined : maintain.open}
              />
            </>
          )
        }
      />
      <MaintenanceBanner name={o.name} maintenance={o.maintenance} />
      <SimpleGrid cols={{ base: 1, md: 3 }} mb="lg">
        <Card withBorder>
          <Text size="sm" c="dimmed">
            Tier and billing
          </Text>
          <Group mt="xs">
            <TierBadge tier={o.tier} />
            <BillingBadge status={o.billingStatus} />
          </Group>
          <Text size="sm" mt="xs">
            {isUnlimited('workflowLimit', o.workflowLimit)
              ? 'No limit on workflows'
              : `${counted(o.workflowLimit, 'workflow')} allowed`}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            Agents
          </Text>
          <AgentLimitMeter agents={o.agentCount} limit={o.agentLimit} />
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            Tokens used, all time
          </Text>
          <Title order={3}>{usage.data ? formatNumber(usage.data.totalTokensUsed) : '…'}</Title>
          <Text size="sm" mt="xs">
            over {usage.data ? counted(usage.data.totalExecutions, 'execution') : '… executions'} of{' '}
            {usage.data ? counted(usage.data.agents, 'agent') : '… agents'};{' '}
            {isUnlimited('monthlyTokenLimit', o.monthlyTokenLimit)
              ? 'the tier sets no monthly limit'
              : `the tier allows ${formatNumber(o.monthlyTokenLimit)} a month`}
          </Text>
        </Card>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Panel
          title="Token use by agent, all time"
          all={{ to: `/agents?org=${o.id}`, label: 'All agents' }}
        >
          {chart.length === 0 ? (
            <EmptyState
              text="No agents yet."
              create={
                can('writeAgents', { organizationId: o.id }) && {
                  label: 'New agent',
                  onClick: () => void navigate(`/agents?org=${o.id}&new=1`),
                  refusal: frozen,
                }
              }
            />
          ) : chart.every((row) => row.tokens === 0) ? (
            // an empty chart would draw an axis from 0 to 4 over nothing
            <Text c="dimmed" size="sm">
              No agent has used tokens yet.
            </Text>
          ) : (
            // agents down the side, so that every bar keeps its name however many there are
            <BarChart
              h={40 + chart.length * 30}
              data={chart}
              dataKey="agent"
              orientation="vertical"
              series={[{ name: 'tokens', color: 'indigo.6', label: 'Tokens used' }]}
              valueFormatter={formatNumber}
              gridAxis="y"
              // every bar labelled: names on the side, cut to fit, whole in the tooltip
              yAxisProps={{ width: 150, interval: 0, tickFormatter: (v: string) => axisLabel(v) }}
              xAxisProps={{ allowDecimals: false }}
            />
          )}
        </Panel>
        <Panel title="Users" all={{ to: `/users?org=${o.id}`, label: 'Manage users' }}>
          <Table aria-label="Users of the organization">
            <Table.Tbody>
              {(users.data?.items ?? []).map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>{u.name}</Table.Td>
                  <Table.Td>
                    <RoleBadge role={u.role} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {users.data?.items.length === 0 && (
            <EmptyState
              text="No users yet."
              create={
                can('manageUsers') && {
                  label: 'New user',
                  onClick: () => void navigate(`/users?org=${o.id}&new=1`),
                }
              }
            />
          )}
        </Panel>
      </SimpleGrid>
      {/* mounted while open, so each opening starts from the current record and a
          refetch after saving does not remount a dialog that is closing */}
      {editing && <EditOrganizationModal organization={o} opened onClose={edit.close} />}
      {tiering && <ChangeTierModal organization={o} opened onClose={tier.close} />}
      {deleting && <DeleteOrganizationModal organization={o} opened onClose={del.close} />}
      {maintaining && <MaintenanceModal organization={o} onClose={maintain.close} />}
      {renaming && <RenameSlugModal organization={o} onClose={rename.close} />}
      {exporting && <ExportOrganizationModal organization={o} onClose={exporter.close} />}
    </>
  );
}
