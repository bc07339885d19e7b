import { Button, Center, Select, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { AGENT_STATUSES, type AgentStatus } from '../../../src-shared/domain/agent-machine.ts';
import type { AgentDto } from '../../../src-shared/dto.ts';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { StatusBadge } from '../../components/badges.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { formatNumber } from '../../components/forms.ts';
import { useListParams } from '../../components/list-params.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AgentFormModal } from './AgentFormModal.tsx';
import { OrganizationPicker } from './OrganizationPicker.tsx';
import { useRememberedOrganization } from './remembered-organization.ts';

const COLUMNS: Column<AgentDto>[] = [
  { key: 'name', label: 'Name', sort: 'name', render: (a) => <Text fw={500}>{a.name}</Text> },
  {
    key: 'status',
    label: 'Status',
    sort: 'status',
    render: (a) => <StatusBadge status={a.status} />,
  },
  { key: 'version', label: 'Version', sort: 'agentVersion', render: (a) => a.agentVersion },
  {
    key: 'executions',
    label: 'Total executions',
    sort: 'totalExecutions',
    render: (a) => formatNumber(a.totalExecutions),
  },
  {
    key: 'model',
    label: 'Model',
    render: (a) => (
      <Text size="sm" c="dimmed">
        {a.config.model}
      </Text>
    ),
  },
];

export function AgentsPage() {
  const navigate = useNavigate();
  const { can, user } = useSession();
  const [remembered, remember] = useRememberedOrganization();
  const params = useListParams({ sort: 'name' });
  const organizationId =
    params.param('org') ?? remembered ?? (can('seeAllOrganizations') ? null : user.organizationId);
  const status = params.param('status') as AgentStatus | undefined;
  const [creating, create] = useDisclosure(false);
  useEffect(() => {
    if (organizationId && organizationId !== remembered) remember(organizationId);
  }, [organizationId, remembered, remember]);
  const query = useChannel(
    'agents.list',
    { ...params.list, organizationId: organizationId ?? '', ...(status ? { status } : {}) },
    { enabled: Boolean(organizationId), placeholderData: (p) => p },
  );
  return (
    <>
      <PageHeader
        title="Agents"
        description="The agents of one organization, in its tenant schema."
        actions={
          <>
            <OrganizationPicker
              value={organizationId}
              onChange={(id) => params.setParam('org', id ?? undefined)}
            />
            {organizationId && can('writeAgents') && (
              <Button leftSection={<IconPlus size={16} />} onClick={create.open}>
                New agent
              </Button>
            )}
          </>
        }
      />
      {organizationId ? (
        <DataTable
          label="Agents"
          columns={COLUMNS}
          query={query}
          params={params}
          rowKey={(a) => a.id}
          onRowClick={(a) => navigate(`/agents/${a.organizationId}/${a.id}`)}
          empty="No agents in this organization yet."
          searchPlaceholder="Search agents…"
          toolbar={
            <Select
              aria-label="Filter by status"
              placeholder="Any status"
              data={[...AGENT_STATUSES]}
              value={status ?? null}
              onChange={(value) => params.setParam('status', value ?? undefined)}
              clearable
              w={160}
            />
          }
        />
      ) : (
        <Center py="xl">
          <Stack align="center">
            <Text c="dimmed">Pick an organization to see its agents.</Text>
          </Stack>
        </Center>
      )}
      {organizationId && (
        <AgentFormModal organizationId={organizationId} opened={creating} onClose={create.close} />
      )}
    </>
  );
}
