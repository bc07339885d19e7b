import { BarChart, DonutChart } from '@mantine/charts';
import {
  Alert,
  Anchor,
  Card,
  ColorSwatch,
  getThemeColor,
  Group,
  List,
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
import { Link } from 'react-router';
import { AGENT_STATUSES } from '../../../src-shared/domain/agent-machine.ts';
import { BILLING_STATUSES } from '../../../src-shared/domain/enums.ts';
import { TIERS } from '../../../src-shared/domain/tiers.ts';
import { useChannel } from '../../api/hooks.ts';
import { StatusBadge } from '../../components/badges.tsx';
import { formatDate, formatNumber } from '../../components/forms.ts';
import { PageHeader } from '../../components/PageHeader.tsx';

const STATUS_CHART_COLOR = {
  draft: 'gray.6',
  deploying: 'cyan.6',
  active: 'teal.6',
  paused: 'blue.6',
  error: 'red.6',
} as const;

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <Card withBorder>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Title order={3}>{value}</Title>
      {detail && <Text size="sm">{detail}</Text>}
    </Card>
  );
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

/** A panel's two-column table of name and figure; `empty` says so when there are no rows. */
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
            <Table.Td ta="right">{row.figure}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Agents by name across every organization the operator may read; a result opens the agent. */
function FleetSearch() {
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 250);
  const found = useChannel(
    'fleet.searchAgents',
    { query: debounced, pageSize: 10 },
    { enabled: debounced.length > 0 },
  );
  return (
    <Card withBorder>
      <TextInput
        label="Find an agent in any organization"
        placeholder="Agent name…"
        leftSection={<IconSearch size={16} />}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
      />
      {debounced && found.data && (
        <List mt="sm" spacing={4} listStyleType="none" aria-label="Agents found">
          {found.data.items.length === 0 && <Text size="sm">No agent is named like that.</Text>}
          {found.data.items.map((a) => (
            <List.Item key={a.agentId}>
              <Group gap="xs">
                <Anchor component={Link} to={`/agents/${a.organizationId}/${a.agentId}`}>
                  {a.name}
                </Anchor>
                <Text size="sm" c="dimmed">
                  {a.organizationName}
                </Text>
                <StatusBadge status={a.status} />
              </Group>
            </List.Item>
          ))}
          {found.data.total > found.data.items.length && (
            <Text size="sm" c="dimmed">
              and {found.data.total - found.data.items.length} more; type more of the name
            </Text>
          )}
        </List>
      )}
    </Card>
  );
}

/**
 * The first screen: the whole fleet for an administrator, one's own
 * organization for anyone else, read from public alone and kept current by
 * the changes every console announces.
 */
export function FleetPage() {
  const theme = useMantineTheme();
  const overview = useChannel('fleet.overview', {});
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
            ? 'Your organization at a glance.'
            : 'Every organization and agent at a glance.'
        }
      />
      {!o ? (
        <Skeleton height={320} />
      ) : (
        <Stack>
          <FleetSearch />
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <Figure label="Organizations" value={formatNumber(o.organizations.total)} />
            <Figure label="Agents" value={formatNumber(o.agents.total)} />
            <Figure
              label="At their agent limit"
              value={formatNumber(o.atLimit)}
              detail={`${formatNumber(o.nearLimitCount)} at 80 % or more`}
            />
            <Figure
              label="Tenant schemas behind"
              value={formatNumber(o.tenancy.behind)}
              detail={`${formatNumber(o.tenancy.failed.length)} failed to migrate`}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, lg: 3 }}>
            <Panel title="Agents by status">
              <div
                role="img"
                aria-label={`Agents by status: ${AGENT_STATUSES.map(
                  (status) => `${o.agents.byStatus[status]} ${status}`,
                ).join(', ')}`}
              >
                <DonutChart
                  data={AGENT_STATUSES.map((status) => ({
                    name: status,
                    value: o.agents.byStatus[status],
                    color: STATUS_CHART_COLOR[status],
                  }))}
                  withLabelsLine={false}
                  chartLabel={formatNumber(o.agents.total)}
                  mx="auto"
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
                    <Text size="sm">
                      {status} {formatNumber(o.agents.byStatus[status])}
                    </Text>
                  </Group>
                ))}
              </Group>
            </Panel>
            <Panel title="Organizations by tier">
              <BarChart
                h={180}
                data={TIERS.map((tier) => ({ tier, organizations: o.organizations.byTier[tier] }))}
                dataKey="tier"
                series={[{ name: 'organizations', color: 'indigo.6', label: 'Organizations' }]}
                valueFormatter={formatNumber}
              />
            </Panel>
            <Panel title="Billing status">
              <FigureTable
                label="Organizations by billing status"
                rows={BILLING_STATUSES.map((status) => ({
                  key: status,
                  name: status,
                  figure: formatNumber(o.organizations.byBillingStatus[status]),
                }))}
              />
            </Panel>
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Panel title="Agents in error">
              {o.agentsInError.length === 0 ? (
                <Text size="sm">No agent is in error.</Text>
              ) : (
                <Table aria-label="Agents in error">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Agent</Table.Th>
                      <Table.Th>Organization</Table.Th>
                      <Table.Th>Since</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {o.agentsInError.map((a) => (
                      <Table.Tr key={a.agentId}>
                        <Table.Td>
                          <Anchor component={Link} to={`/agents/${a.organizationId}/${a.agentId}`}>
                            {a.name}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>{a.organizationName}</Table.Td>
                        <Table.Td>{formatDate(a.since)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Panel>
            <Panel title="Near their agent limit">
              <FigureTable
                label="Organizations near their agent limit"
                empty="No organization is at 80 % of its agent limit."
                rows={o.nearLimit.map((org) => ({
                  key: org.organizationId,
                  name: (
                    <Anchor component={Link} to={`/organizations/${org.organizationId}`}>
                      {org.name}
                    </Anchor>
                  ),
                  figure: `${org.agentCount} of ${org.agentLimit}`,
                }))}
              />
            </Panel>
          </SimpleGrid>
          {o.latestAudit.length > 0 && (
            <Card withBorder>
              <Group justify="space-between" mb="sm">
                <Title order={4}>Latest events</Title>
                <Anchor component={Link} to="/audit" size="sm">
                  Audit log
                </Anchor>
              </Group>
              <Table aria-label="Latest audit events">
                <Table.Tbody>
                  {o.latestAudit.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td>{formatDate(e.at)}</Table.Td>
                      <Table.Td>{e.actorLabel}</Table.Td>
                      <Table.Td>{e.action}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          )}
        </Stack>
      )}
    </>
  );
}
