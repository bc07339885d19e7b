import { Button, Select } from '@mantine/core';
import { IconFileImport } from '@tabler/icons-react';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate } from 'react-router';
import type { OrganizationDto } from '../../../src-shared/dto.ts';
import { BILLING_STATUSES, billingStatusName } from '../../../src-shared/domain/enums.ts';
import {
  AGENT_LIMIT_FILTERS,
  NEAR_AGENT_LIMIT_PERCENT,
} from '../../../src-shared/domain/limits.ts';
import { TIERS, isUnlimited, tierName } from '../../../src-shared/domain/tiers.ts';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { BillingBadge, TierBadge } from '../../components/badges.tsx';
import type { Column } from '../../components/DataTable.tsx';
import { useListParams } from '../../components/list-params.ts';
import { ListScreen } from '../../components/ListScreen.tsx';
import { Truncated } from '../../components/Truncated.tsx';
import { formatNumber } from '../../components/forms.ts';
import { ImportOrganizationModal } from './ImportOrganizationModal.tsx';
import { CreateOrganizationModal } from './OrganizationFormModal.tsx';
import { useOpenedByLink } from '../../components/opened-by-link.ts';

const oneOf = <T extends string>(values: readonly T[], value: string | undefined) =>
  values.find((v) => v === value);

const COLUMNS: Column<OrganizationDto>[] = [
  { key: 'name', label: 'Name', sort: 'name', render: (o) => <Truncated text={o.name} fw={500} /> },
  {
    key: 'slug',
    label: 'Slug',
    sort: 'slug',
    render: (o) => <Truncated text={o.slug} ff="monospace" />,
  },
  {
    key: 'tier',
    label: 'Tier',
    sort: 'tier',
    width: 140,
    render: (o) => <TierBadge tier={o.tier} />,
  },
  {
    key: 'billing',
    label: 'Billing status',
    sort: 'billingStatus',
    width: 150,
    render: (o) => <BillingBadge status={o.billingStatus} />,
  },
  {
    key: 'agents',
    label: 'Agents',
    sort: 'agentCount',
    width: 110,
    render: (o) =>
      isUnlimited('agentLimit', o.agentLimit)
        ? `${formatNumber(o.agentCount)} (no limit)`
        : `${formatNumber(o.agentCount)} of ${formatNumber(o.agentLimit)}`,
  },
];

export function OrganizationsPage() {
  const navigate = useNavigate();
  const { can } = useSession();
  const [creating, create] = useDisclosure(false);
  useOpenedByLink('new', create.open);
  const [importing, importer] = useDisclosure(false);
  const params = useListParams({ sort: 'name' });
  const tier = oneOf(TIERS, params.param('tier'));
  const billingStatus = oneOf(BILLING_STATUSES, params.param('billingStatus'));
  const agentLimit = oneOf(AGENT_LIMIT_FILTERS, params.param('agentLimit'));
  const filters = {
    ...(tier ? { tier } : {}),
    ...(billingStatus ? { billingStatus } : {}),
    ...(agentLimit ? { agentLimit } : {}),
  };
  const query = useChannel(
    'organizations.list',
    { ...params.list, ...filters },
    { placeholderData: (previous) => previous },
  );
  return (
    <>
      <ListScreen
        title="Organizations"
        description="The platform's customers, each with its own users, agents and data, kept apart from the others'."
        create={can('manageOrganizations') && { label: 'New organization', onClick: create.open }}
        actions={
          can('transferOrganizations') && (
            <Button
              variant="default"
              leftSection={<IconFileImport size={16} />}
              onClick={importer.open}
            >
              Import organization…
            </Button>
          )
        }
        csv={{ table: 'organizations', filters }}
        filters={
          <>
            <Select
              aria-label="Filter by tier"
              placeholder="Any tier"
              data={TIERS.map((t) => ({ value: t, label: tierName(t) }))}
              value={tier ?? null}
              onChange={(value) => params.setParam('tier', value ?? undefined)}
              clearable
              w={140}
            />
            <Select
              aria-label="Filter by billing status"
              placeholder="Any billing status"
              data={BILLING_STATUSES.map((s) => ({ value: s, label: billingStatusName(s) }))}
              value={billingStatus ?? null}
              onChange={(value) => params.setParam('billingStatus', value ?? undefined)}
              clearable
              w={190}
            />
            <Select
              aria-label="Filter by agent limit"
              placeholder="Any number of agents"
              data={[
                { value: 'reached', label: 'At the agent limit' },
                { value: 'near', label: `At ${NEAR_AGENT_LIMIT_PERCENT} of it or more` },
              ]}
              value={agentLimit ?? null}
              onChange={(value) => params.setParam('agentLimit', value ?? undefined)}
              clearable
              w={210}
            />
          </>
        }
        columns={COLUMNS}
        query={query}
        params={params}
        rowKey={(o) => o.id}
        onRowClick={(o) => navigate(`/organizations/${o.id}`)}
        empty="No organizations yet."
        searchPlaceholder="Search name or slug…"
      />
      <CreateOrganizationModal opened={creating} onClose={create.close} />
      {importing && <ImportOrganizationModal onClose={importer.close} />}
    </>
  );
}
