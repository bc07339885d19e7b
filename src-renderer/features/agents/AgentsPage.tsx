import { Button, Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useDisclosure } from '@mantine/hooks';
import { IconDownload, IconFileImport } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import {
  AGENT_EVENTS,
  AGENT_STATUSES,
  type AgentEvent,
  type AgentStatus,
} from '../../../src-shared/domain/agent-machine.ts';
import type { AgentDto } from '../../../src-shared/dto.ts';
import { call } from '../../api/client.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { StatusBadge } from '../../components/badges.tsx';
import { showBulkSummary } from '../../components/bulk-summary.ts';
import { BulkBar } from '../../components/BulkBar.tsx';
import type { Column } from '../../components/DataTable.tsx';
import { downloadText, today } from '../../components/download.ts';
import { formatNumber } from '../../components/forms.ts';
import { useListParams } from '../../components/list-params.ts';
import { ListScreen } from '../../components/ListScreen.tsx';
import { AgentFormModal } from './AgentFormModal.tsx';
import { EVENT_LABEL } from './event-labels.ts';
import { ImportAgentsModal } from './ImportAgentsModal.tsx';
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

/** What can be done to the ticked agents: one lifecycle event for all, or an export. */
function AgentBulkActions({
  organizationId,
  selected,
  onDone,
}: {
  organizationId: string;
  selected: ReadonlySet<string>;
  onDone: () => void;
}) {
  const [event, setEvent] = useState<AgentEvent | null>(null);
  const [exporting, setExporting] = useState(false);
  const transition = useWrite('agents.transitionMany', { notifyErrors: true });
  const ids = [...selected];
  const apply = () => {
    if (!event) return;
    transition.mutate(
      { organizationId, ids, event },
      {
        onSuccess: (result) => {
          showBulkSummary(EVENT_LABEL[event], result);
          onDone();
        },
      },
    );
  };
  const exportJson = async () => {
    setExporting(true);
    try {
      const document = await call('agents.export', { organizationId, ids });
      downloadText(
        `agents-${document.source ?? 'export'}-${today()}.json`,
        `${JSON.stringify(document, null, 2)}\n`,
        'application/json',
      );
    } catch (error) {
      notifications.show({ color: 'red', title: 'Not exported', message: String(error) });
    } finally {
      setExporting(false);
    }
  };
  return (
    <BulkBar count={ids.length} onClear={onDone}>
      <Select
        aria-label="Action for the selected agents"
        placeholder="Choose an action"
        data={AGENT_EVENTS.map((e) => ({ value: e, label: EVENT_LABEL[e] }))}
        value={event}
        onChange={(v) => setEvent(v as AgentEvent | null)}
        w={180}
      />
      <Button disabled={!event} loading={transition.isPending} onClick={apply}>
        Apply to {ids.length}
      </Button>
      <Button
        variant="default"
        leftSection={<IconDownload size={16} />}
        loading={exporting}
        onClick={() => void exportJson()}
      >
        Export JSON
      </Button>
    </BulkBar>
  );
}

export function AgentsPage() {
  const navigate = useNavigate();
  const { can, user } = useSession();
  const [remembered, remember] = useRememberedOrganization(user.id);
  const params = useListParams({ sort: 'name' });
  // the link's organization, else the last one this operator looked at, else their own
  const organizationId = params.param('org') ?? remembered ?? user.organizationId;
  const status = params.param('status') as AgentStatus | undefined;
  const [creating, create] = useDisclosure(false);
  const [importing, importer] = useDisclosure(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => {
    if (organizationId !== remembered) remember(organizationId);
    // the URL always names the list it shows, so that a link opens the same one
    if (!params.param('org')) params.settleParam('org', organizationId);
  }, [organizationId, remembered, remember, params]);
  useEffect(() => setSelected(new Set()), [organizationId]);
  const query = useChannel(
    'agents.list',
    { ...params.list, organizationId, ...(status ? { status } : {}) },
    { placeholderData: (p) => p },
  );
  const writer = can('writeAgents', { organizationId });
  return (
    <>
      <ListScreen
        title="Agents"
        description="The agents of one organization, in its tenant schema."
        actions={
          <>
            <OrganizationPicker
              value={organizationId}
              onChange={(id) => params.setParam('org', id ?? undefined)}
            />
            {writer && (
              <Button
                variant="default"
                leftSection={<IconFileImport size={16} />}
                onClick={importer.open}
              >
                Import
              </Button>
            )}
          </>
        }
        create={writer && { label: 'New agent', onClick: create.open }}
        bulk={
          writer &&
          selected.size > 0 && (
            <AgentBulkActions
              organizationId={organizationId}
              selected={selected}
              onDone={() => setSelected(new Set())}
            />
          )
        }
        csv={{ table: 'agents', filters: { organizationId, status } }}
        filters={
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
        columns={COLUMNS}
        query={query}
        params={params}
        rowKey={(a) => a.id}
        onRowClick={(a) => navigate(`/agents/${a.organizationId}/${a.id}`)}
        empty="No agents in this organization yet."
        searchPlaceholder="Search agents…"
        {...(writer
          ? { selection: { selected, onChange: setSelected, label: (a: AgentDto) => a.name } }
          : {})}
      />
      <AgentFormModal organizationId={organizationId} opened={creating} onClose={create.close} />
      {importing && <ImportAgentsModal organizationId={organizationId} onClose={importer.close} />}
    </>
  );
}
