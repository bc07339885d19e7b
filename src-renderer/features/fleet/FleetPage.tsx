import { BarChart, DonutChart } from '@mantine/charts';
import {
  Alert,
  Anchor,
  Button,
  Card,
  ColorSwatch,
  getThemeColor,
  Group,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  useMantineTheme,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { AuditEventDto, FleetOverview } from '../../../src-shared/contract.ts';
import {
  AGENT_STATUSES,
  agentStatusName,
  type AgentStatus,
} from '../../../src-shared/domain/agent-machine.ts';
import { auditActionLabel } from '../../../src-shared/domain/audit-vocabulary.ts';
import { BILLING_STATUSES, billingStatusName } from '../../../src-shared/domain/enums.ts';
import { NEAR_AGENT_LIMIT_PERCENT } from '../../../src-shared/domain/limits.ts';
import { TIERS, limitInWords, tierName } from '../../../src-shared/domain/tiers.ts';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { StatusBadge } from '../../components/badges.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { formatDate, formatNumber } from '../../components/forms.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Panel } from '../../components/Panel.tsx';
import { Name, Truncated } from '../../components/Truncated.tsx';
import { targetText } from '../audit/audit-cells.ts';
import { auditHref } from '../audit/audit-filters.ts';
import { OwnOrganizationPanel } from './OwnOrganizationPanel.tsx';
import { fleetLinks, type FleetLinks } from './fleet-links.ts';

const STATUS_CHART_COLOR = {
  draft: 'gray.6',
  deploying: 'cyan.6',
  active: 'teal.6',
  paused: 'blue.6',
  error: 'red.6',
} as const;

/** A headline figure that opens the list it counts. */
function Figure({
  label,
  value,
  detail,
  to,
}: {
  label: string;
  value: string;
  detail?: ReactNode;
  to: string | null;
}) {
  const body = (
    <>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Title order={3}>{value}</Title>
      {detail && <Text size="sm">{detail}</Text>}
    </>
  );
  return to ? (
    <Card withBorder component={Link} to={to} className="fleet-figure">
      {body}
    </Card>
  ) : (
    <Card withBorder>{body}</Card>
  );
}

/** A panel's two-column table of name and figure, each name a link to what it counts. */
function FigureTable({
  label,
  rows,
  empty,
}: {
  label: string;
  rows: { key: string; name: ReactNode; figure: ReactNode }[];
  empty?: string;
}) {
  if (rows.length === 0 && empty) return <Text size="sm">{empty}</Text>;
  return (
    <Table aria-label={label}>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.key}>
            <Table.Td>{row.name}</Table.Td>
            <Table.Td ta="right" w={110}>
              {row.figure}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The agents found by name, or by the status chosen on the chart: a tidy table, a row per agent. */
function FoundAgents({
  query,
  status,
  onClear,
}: {
  query: string;
  status: AgentStatus | undefined;
  onClear: () => void;
}) {
  const found = useChannel(
    'fleet.searchAgents',
    { ...(query ? { query } : {}), ...(status ? { status } : {}), pageSize: 20 },
    { enabled: query.length > 0 || status !== undefined },
  );
  if (!query && !status) return null;
  if (!found.data) return <Skeleton height={60} mt="sm" />;
  const { items, total } = found.data;
  const what = status ? `${status} agents` : 'agents';
  return (
    <Stack gap="xs" mt="sm">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {total === 0
            ? `No ${what}${query ? ` named like “${query}”` : ''}.`
            : `${formatNumber(total)} ${total === 1 ? what.replace(/s$/, '') : what}${
                query ? ` named like “${query}”` : ''
              }`}
        </Text>
        {status && (
          <Button size="compact-sm" variant="subtle" onClick={onClear}>
            Show all statuses
          </Button>
        )}
      </Group>
      {items.length > 0 && (
        <Table aria-label="Agents found" layout="fixed" verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Agent</Table.Th>
              <Table.Th>Organization</Table.Th>
              <Table.Th w={110}>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((a) => (
              <Table.Tr key={a.agentId}>
                <Table.Td>
                  <Name to={`/agents/${a.organizationId}/${a.agentId}`} text={a.name} />
                </Table.Td>
                <Table.Td>
                  <Truncated text={a.organizationName} />
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={a.status} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {total > items.length && (
        <Text size="sm" c="dimmed">
          and {formatNumber(total - items.length)} more; type more of the name
        </Text>
      )}
    </Stack>
  );
}

/** Agents by name across every organization the operator may read, or by the status the chart opened. */
function FleetSearch({ status }: { status: AgentStatus | undefined }) {
  const [, setParams] = useSearchParams();
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 250);
  return (
    <Card withBorder id="agents-found">
      <TextInput
        label="Find an agent in any organization"
        placeholder="Agent name…"
        leftSection={<IconSearch size={16} />}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
      />
      <FoundAgents query={debounced} status={status} onClear={() => setParams({})} />
    </Card>
  );
}

/** Agents by status: each segment, and each line of the legend, opens the agents it counts. */
function StatusDonut({ overview, links }: { overview: FleetOverview; links: FleetLinks }) {
  const theme = useMantineTheme();
  const navigate = useNavigate();
  const { can, user } = useSession();
  const { byStatus, total } = overview.agents;
  if (total === 0)
    return (
      <EmptyState
        text="No agents yet."
        create={
          can('writeAgents', { organizationId: user.organizationId }) && {
            label: 'New agent',
            onClick: () => void navigate('/agents?new=1'),
          }
        }
      />
    );
  return (
    <>
      <div
        role="img"
        aria-label={`Agents by status: ${AGENT_STATUSES.map(
          (status) => `${byStatus[status]} ${status}`,
        ).join(', ')}`}
      >
        <DonutChart
          data={AGENT_STATUSES.map((status) => ({
            name: status,
            value: byStatus[status],
            color: STATUS_CHART_COLOR[status],
          }))}
          withLabelsLine={false}
          chartLabel={formatNumber(total)}
          mx="auto"
          pieProps={{
            cursor: 'pointer',
            onClick: (segment: { name?: string }) => {
              const status = AGENT_STATUSES.find((s) => s === segment.name);
              if (status) void navigate(links.agentsByStatus(status));
            },
          }}
        />
      </div>
      <Group gap="sm" mt="sm" justify="center">
        {AGENT_STATUSES.map((status) => (
          <Group key={status} gap={6} wrap="nowrap">
            {/* the chart's colour beside its name: the text alone says the count */}
            <ColorSwatch
              aria-hidden
              color={getThemeColor(STATUS_CHART_COLOR[status], theme)}
              size={10}
              withShadow={false}
            />
            <Anchor component={Link} to={links.agentsByStatus(status)} size="sm">
              {agentStatusName(status)} {formatNumber(byStatus[status])}
            </Anchor>
          </Group>
        ))}
      </Group>
    </>
  );
}

/** Organizations by tier: whole numbers on the axis, each bar and its label opening that tier. */
function TierChart({ overview, links }: { overview: FleetOverview; links: FleetLinks }) {
  const navigate = useNavigate();
  const { byTier, total } = overview.organizations;
  if (total === 0) return <Text size="sm">No organizations yet.</Text>;
  return (
    <>
      <BarChart
        h={170}
        data={TIERS.map((tier) => ({ tier, name: tierName(tier), organizations: byTier[tier] }))}
        dataKey="name"
        series={[{ name: 'organizations', color: 'indigo.6', label: 'Organizations' }]}
        valueFormatter={formatNumber}
        yAxisProps={{ allowDecimals: false }}
        // room above the top grid line, so its tick label sits on it instead of being pushed down
        barChartProps={{ margin: { top: 12 } }}
        barProps={{
          cursor: 'pointer',
          onClick: (bar) => {
            const row = bar.payload as { tier?: string } | undefined;
            const tier = TIERS.find((t) => t === row?.tier);
            if (tier) void navigate(links.organizationsByTier(tier));
          },
        }}
      />
      <Group gap="md" mt="xs" justify="center">
        {TIERS.map((tier) => (
          <Anchor key={tier} component={Link} to={links.organizationsByTier(tier)} size="sm">
            {tierName(tier)} {formatNumber(byTier[tier])}
          </Anchor>
        ))}
      </Group>
    </>
  );
}

function AgentsInError({ overview }: { overview: FleetOverview }) {
  if (overview.agentsInError.length === 0) return <Text size="sm">No agent is in error.</Text>;
  return (
    <Table aria-label="Agents in error" layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Agent</Table.Th>
          <Table.Th>Organization</Table.Th>
          {/* "12 Dec 2026, 21:04:09" whole, on one line */}
          <Table.Th w={190}>Since</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {overview.agentsInError.map((a) => (
          <Table.Tr key={a.agentId}>
            <Table.Td>
              <Name to={`/agents/${a.organizationId}/${a.agentId}`} text={a.name} />
            </Table.Td>
            <Table.Td>
              <Name to={`/organizations/${a.organizationId}`} text={a.organizationName} />
            </Table.Td>
            <Table.Td>
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                {formatDate(a.since)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** "Created agent: Support Bot"; an event about no particular record ("Loaded demo data") alone. */
const eventText = (e: AuditEventDto) =>
  e.targetId && e.targetType !== 'demo' && e.targetType !== 'tenancy'
    ? `${auditActionLabel(e.action)}: ${targetText(e)}`
    : auditActionLabel(e.action);

/** The newest events, each opening the audit log's history of what it is about. */
function LatestEvents({ events }: { events: AuditEventDto[] }) {
  if (events.length === 0) return null;
  return (
    <Panel title="Latest events" all={{ to: '/audit', label: 'Audit log' }}>
      <Table aria-label="Latest audit events" layout="fixed">
        <Table.Tbody>
          {events.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td w={190}>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {formatDate(e.at)}
                </Text>
              </Table.Td>
              <Table.Td w="30%">
                <Truncated text={e.actorLabel} />
              </Table.Td>
              <Table.Td>
                <Name
                  text={eventText(e)}
                  to={auditHref(
                    e.targetId
                      ? { targetType: e.targetType as never, targetId: e.targetId }
                      : { action: e.action as never },
                  )}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Panel>
  );
}

/** Administrators who sign in with a password alone, and where to require more of them. */
function AdministratorsSecondFactor({ overview: o }: { overview: FleetOverview }) {
  const without = o.secondFactor?.administratorsWithout ?? 0;
  if (without === 0) return null;
  const who =
    without === 1 ? '1 administrator signs' : `${formatNumber(without)} administrators sign`;
  return (
    <Alert color="yellow" title={`${who} in without two-step sign-in`}>
      {o.secondFactor?.required
        ? 'Two-step sign-in is required: they set it up at their next sign-in.'
        : 'A password alone lets them delete any tenant or move every tenant’s data. '}
      {!o.secondFactor?.required && (
        // the alert's own text colour: the link colour on yellow is below 4.5:1
        <Anchor component={Link} to="/settings" c="inherit" underline="always" fw={500}>
          Require two-step sign-in for administrators in Settings
        </Anchor>
      )}
    </Alert>
  );
}

/** Every organization and agent: for administrators. */
function FleetWide({ overview: o, status }: { overview: FleetOverview; status?: AgentStatus }) {
  const { can } = useSession();
  const links = fleetLinks(o, null);
  return (
    <Stack>
      <FleetSearch status={status} />
      <AdministratorsSecondFactor overview={o} />
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure
          label="Organizations"
          value={formatNumber(o.organizations.total)}
          to="/organizations"
        />
        <Figure
          label="Agents"
          value={formatNumber(o.agents.total)}
          detail={
            <>
              {formatNumber(o.agents.byStatus.active)} active,{' '}
              {formatNumber(o.agents.byStatus.error)} in error
            </>
          }
          to={links.agentsByStatus('active')}
        />
        <Figure
          label="At their agent limit"
          value={formatNumber(o.atLimit)}
          detail={`${formatNumber(o.nearLimitCount)} at ${NEAR_AGENT_LIMIT_PERCENT} or more`}
          to={links.organizationsByAgentLimit('reached')}
        />
        <Figure
          label="Organizations behind"
          value={formatNumber(o.tenancy.behind)}
          detail={`${formatNumber(o.tenancy.failed.length)} failed to migrate`}
          to={can('manageTenancy') ? '/tenancy' : null}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 3 }}>
        <Panel title="Agents by status">
          <StatusDonut overview={o} links={links} />
        </Panel>
        <Panel title="Organizations by tier">
          <TierChart overview={o} links={links} />
        </Panel>
        <Panel title="Billing status">
          <FigureTable
            label="Organizations by billing status"
            rows={BILLING_STATUSES.map((billing) => ({
              key: billing,
              name: (
                <Anchor component={Link} to={links.organizationsByBilling(billing)} size="sm">
                  {billingStatusName(billing)}
                </Anchor>
              ),
              figure: formatNumber(o.organizations.byBillingStatus[billing]),
            }))}
          />
        </Panel>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Panel title="Agents in error">
          <AgentsInError overview={o} />
        </Panel>
        <Panel
          title="Near their agent limit"
          all={
            o.nearLimitCount > 0
              ? {
                  to: links.organizationsByAgentLimit('near'),
                  label: `All ${formatNumber(o.nearLimitCount)}`,
                }
              : undefined
          }
        >
          <FigureTable
            label="Organizations near their agent limit"
            empty={`No organization is at ${NEAR_AGENT_LIMIT_PERCENT} of its agent limit.`}
            rows={o.nearLimit.map((org) => ({
              key: org.organizationId,
              name: <Name to={`/organizations/${org.organizationId}`} text={org.name} />,
              figure: `${formatNumber(org.agentCount)} of ${limitInWords('agentLimit', org.agentLimit)}`,
            }))}
          />
        </Panel>
      </SimpleGrid>
      <LatestEvents events={o.latestAudit} />
    </Stack>
  );
}

/** One's own organization: for developers and users, who see no other. */
function OwnOrganization({ overview: o }: { overview: FleetOverview }) {
  const { user } = useSession();
  const links = fleetLinks(o, user.organizationId);
  return (
    <Stack>
      <OwnOrganizationPanel organizationId={user.organizationId} overview={o} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Panel title="Agents by status">
          <StatusDonut overview={o} links={links} />
        </Panel>
        <Panel title="Agents in error">
          <AgentsInError overview={o} />
        </Panel>
      </SimpleGrid>
      <LatestEvents events={o.latestAudit} />
    </Stack>
  );
}

/**
 * The first screen: the whole fleet for an administrator, one's own
 * organization for anyone else, read from public alone and kept current by
 * the changes every console announces.
 */
export function FleetPage() {
  const overview = useChannel('fleet.overview', {});
  const [params] = useSearchParams();
  const status = AGENT_STATUSES.find((s) => s === params.get('status'));
  const { user } = useSession();
  if (overview.error) {
    return (
      <Alert color="red" title="Could not load the fleet">
        {overview.error.message}
      </Alert>
    );
  }
  const o = overview.data;
  return (
    <>
      <PageHeader
        title="Fleet"
        description={
          o?.scope === 'organization'
            ? `${user.organizationName} at a glance.`
            : 'Every organization and agent at a glance.'
        }
      />
      {!o ? (
        <Skeleton height={320} />
      ) : o.scope === 'organization' ? (
        <OwnOrganization overview={o} />
      ) : (
        <FleetWide overview={o} status={status} />
      )}
    </>
  );
}
