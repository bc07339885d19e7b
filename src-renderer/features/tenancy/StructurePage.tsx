import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconRefresh, IconTool } from '@tabler/icons-react';
import type { CatalogAdvice, CatalogHealth, StructureDrift } from '../../../src-shared/contract.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { formatDate, formatNumber } from '../../components/forms.ts';
import { CommandBlock } from '../../components/CommandBlock.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TenancyTabs } from './TenancyTabs.tsx';
import { counted } from '../../../src-shared/plural.ts';

const MB = 2 ** 20;
const size = (bytes: number) =>
  bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${(bytes / MB).toFixed(1)} MB`;

const LEVEL_COLOR: Record<CatalogAdvice['level'], string> = {
  ok: 'teal',
  near: 'orange',
  over: 'red',
};
const LEVEL_LABEL: Record<CatalogAdvice['level'], string> = {
  ok: 'fine',
  near: 'near its limit',
  over: 'past its limit',
};
const FIGURE_LABEL: Record<CatalogAdvice['figure'], string> = {
  relations: 'Relations',
  catalog: 'Catalog size',
  locks: 'Lock table',
  tenant: 'Largest tenant',
};

/** Tenants listed by schema; a long list is cut after the first few. */
function tenantNames(drift: StructureDrift): string {
  const shown = drift.tenants.slice(0, 5).map((t) => t.schema);
  const more = drift.tenants.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${formatNumber(more)} more` : shown.join(', ');
}

function DriftCard({ drift }: { drift: StructureDrift }) {
  const repair = useWrite('tenancy.repair', {
    success: (r) =>
      r.failed.length === 0
        ? `Repaired ${counted(r.repaired.length, 'organization')}`
        : `Repaired ${r.repaired.length}; ${r.failed.length} could not be repaired: ${r.failed.map((f) => f.slug).join(', ')}`,
    invalidates: ['tenancy'],
  });
  const title = tenantNames(drift);
  return (
    <Paper withBorder p="md" component="section" aria-label={`Drift of ${title}`}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Stack gap={0}>
            <Title order={4}>{title}</Title>
            <Text size="sm">
              {drift.tenants.length === 1
                ? 'Level'
                : `${formatNumber(drift.tenants.length)} organizations at level`}{' '}
              {drift.level}
            </Text>
          </Stack>
          {drift.repair.length > 0 && (
            <Button
              size="xs"
              leftSection={<IconTool size={14} />}
              loading={repair.isPending}
              onClick={() =>
                repair.mutate({ organizationIds: drift.tenants.map((t) => t.organizationId) })
              }
            >
              Apply the safe repair
            </Button>
          )}
        </Group>
        <ul aria-label="What differs" style={{ margin: 0, paddingLeft: '1.25rem' }}>
          {drift.differences.map((difference) => (
            <li key={difference}>
              <Text size="sm" component="span">
                {difference}
              </Text>
            </li>
          ))}
        </ul>
        {drift.repair.length > 0 ? (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              The safe repair runs in each of these organizations&apos; data (it adds back, never
              drops):
            </Text>
            {/* wrapped, so a statement reads whole at 1024 px; still focusable, since a single
                word longer than the card scrolls sideways and the keyboard must reach it */}
            <Code
              block
              tabIndex={0}
              aria-label="Safe repair SQL"
              style={{ whiteSpace: 'pre-wrap' }}
            >
              {drift.repair.map((s) => `${s};`).join('\n')}
            </Code>
          </Stack>
        ) : (
          <Text size="sm">
            Nothing here can be added back without touching rows: a person must decide.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function CatalogFigures({ catalog }: { catalog: CatalogHealth }) {
  return (
    <Stack gap="sm">
      <Title order={3}>Catalog health</Title>
      <Table aria-label="Catalog figures" verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Figure</Table.Th>
            <Table.Th w={150}>State</Table.Th>
            <Table.Th>What it means, and what to do</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {catalog.advice.map((advice) => (
            <Table.Tr key={advice.figure}>
              <Table.Td>{FIGURE_LABEL[advice.figure]}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Badge
                  color={LEVEL_COLOR[advice.level]}
                  variant="light"
                  style={{ overflow: 'visible' }}
                >
                  {LEVEL_LABEL[advice.level]}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{advice.message}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm">
        Tenant relations: {formatNumber(catalog.relations.tenant)} of{' '}
        {formatNumber(catalog.relations.total)} in the database&apos;s catalog (
        {(catalog.relations.share * 100).toFixed(0)} %). Lock table:{' '}
        {formatNumber(catalog.locks.fleetNeeds)} needed by a whole-fleet transaction,{' '}
        {formatNumber(catalog.locks.capacity)} held by the server.
      </Text>
      <Title order={4}>Largest tenants</Title>
      <Text size="sm">
        From the planner&apos;s statistics, as of each table&apos;s last VACUUM or ANALYZE.
      </Text>
      <Table aria-label="Largest tenants" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Tenant</Table.Th>
            <Table.Th ta="right">Size</Table.Th>
            <Table.Th ta="right">Rows</Table.Th>
            <Table.Th ta="right">Share</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {catalog.largestTenants.map((tenant) => (
            <Table.Tr key={tenant.organizationId}>
              <Table.Td>
                <Code>org_{tenant.slug}</Code>
              </Table.Td>
              <Table.Td ta="right">{size(tenant.bytes)}</Table.Td>
              <Table.Td ta="right">{formatNumber(Math.round(tenant.rows))}</Table.Td>
              <Table.Td ta="right">{(tenant.share * 100).toFixed(1)} %</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Tenancy → Structure: drift of each organization's data from its level, and the catalog's health. */
export function StructurePage() {
  const report = useChannel('tenancy.check', {}, { staleTime: 0 });
  const data = report.data;
  const drifted = data?.drifted.reduce((n, d) => n + d.tenants.length, 0) ?? 0;
  return (
    <>
      <PageHeader
        title="Tenancy"
        description="Each organization's data against the structure its level should have, and how the database bears them all."
        actions={
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} />}
            loading={report.isFetching}
            onClick={() => void report.refetch()}
          >
            Check again
          </Button>
        }
      />
      <TenancyTabs />
      <Stack>
        {report.error && (
          <Alert color="red" title="Could not check">
            {report.error.message}
          </Alert>
        )}
        {!data && !report.error && (
          <Group gap="xs">
            <Loader size="sm" aria-label="Checking every organization's structure" />
            <Text size="sm">Checking every organization&apos;s structure…</Text>
          </Group>
        )}
        {data && (
          <>
            <Alert
              color={drifted === 0 && data.orphanSchemas.length === 0 ? 'teal' : 'orange'}
              title={
                drifted === 0 && data.orphanSchemas.length === 0
                  ? "Every organization's structure is as its level should be"
                  : `${counted(drifted, 'organization')} drifted from ${drifted === 1 ? 'its' : 'their'} level`
              }
            >
              Checked {counted(data.tenants, 'organization')} in {formatNumber(data.elapsedMs)} ms,
              on {formatDate(data.checkedAt)}.
            </Alert>
            {data.drifted.map((drift) => (
              <DriftCard key={drift.tenants[0]?.organizationId} drift={drift} />
            ))}
            {data.orphanSchemas.length > 0 && (
              <Alert color="orange" title="Schemas in the database that no organization owns">
                {data.orphanSchemas.map((schema) => (
                  <Code key={schema} mr="xs">
                    {schema}
                  </Code>
                ))}
              </Alert>
            )}
            {!data.structureTriggers && (
              <Alert color="blue" title="Every check reads every organization's structure">
                <Stack gap="xs">
                  <Text size="sm">
                    The triggers that mark what changed are not installed, and only a superuser may
                    install them. With them, a check reads again only the organizations whose
                    structure changed since the last. Run this in the console&apos;s installation
                    folder, with a superuser&apos;s URL for this database in place of URL:
                  </Text>
                  <CommandBlock
                    label="Command that installs the structure triggers"
                    command="npm run db:install-triggers -- URL"
                  />
                </Stack>
              </Alert>
            )}
            <CatalogFigures catalog={data.catalog} />
          </>
        )}
      </Stack>
    </>
  );
}
