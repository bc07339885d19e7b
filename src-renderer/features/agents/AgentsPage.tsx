import { Box, Button, Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useDisclosure } from '@mantine/hooks';
import { IconDownload, IconFileImport } from '@tabler/icons-react';
import { useEffect, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import {
  AGENT_EVENTS,
  AGENT_STATUSES,
  agentStatusName,
  type AgentEvent,
  type AgentStatus,
} from '../../../src-shared/domain/agent-machine.ts';
import {
  agentRoomRefusal,
  decideTransition,
  maintenanceRefusal,
  type Refusal,
} from '../../../src-shared/domain/limits.ts';
import type { AgentDto, OrganizationDto } from '../../../src-shared/dto.ts';
import { counted } from '../../../src-shared/plural.ts';
import { call } from '../../api/client.ts';
import { notifyRefusal } from '../../api/notify-refusal.ts';
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
import { ButtonWithReason, RefusalNote } from '../../components/Refusable.tsx';
import { Truncated } from '../../components/Truncated.tsx';
import { useOpenedByLink } from '../../components/opened-by-link.ts';
import { AgentFormModal } from './AgentFormModal.tsx';
import { CONFIRMED_EVENTS, ConfirmTransition } from './ConfirmTransition.tsx';
import { EVENT_LABEL } from './event-labels.ts';
import { ImportAgentsModal } from './ImportAgentsModal.tsx';
import { OrganizationPicker } from './OrganizationPicker.tsx';
import { MaintenanceBanner } from '../../components/MaintenanceBanner.tsx';
import { useRememberedOrganization } from './remembered-organization.ts';

const COLUMNS: Column<AgentDto>[] = [
  { key: 'name', label: 'Name', sort: 'name', render: (a) => <Truncated text={a.name} fw={500} /> },
  {
    key: 'status',
    label: 'Status',
    sort: 'status',
    width: 120,
    render: (a) => <StatusBadge status={a.status} />,
  },
  {
    key: 'version',
    label: 'Version',
    sort: 'agentVersion',
    width: 110,
    render: (a) => <Truncated text={a.agentVersion} />,
  },
  {
    key: 'executions',
    label: 'Executions',
    width: 130,
    sort: 'totalExecutions',
    render: (a) => formatNumber(a.totalExecutions),
  },
  {
    key: 'model',
    label: 'Model',
    width: 190,
    render: (a) => <Truncated text={a.config.model} c="dimmed" />,
  },
];

/** How many of the ticked agents an event would move, and why the others would be refused. */
function bulkPreview(
  organization: OrganizationDto,
  rows: readonly AgentDto[],
  event: AgentEvent,
): { done: number; refused: number; line: string } {
  const refusedBy = new Map<string, number>();
  let done = 0;
  for (const row of rows) {
    const { refusal } = decideTransition(organization, row.status, event);
    if (!refusal) done += 1;
    else {
      const why = refusal.code === 'INVALID_TRANSITION' ? row.status : organization.billingStatus;
      refusedBy.set(why, (refusedBy.get(why) ?? 0) + 1);
    }
  }
  const refused = rows.length - done;
  const reasons = [...refusedBy].map(([why, n]) => `${n} ${n === 1 ? 'is' : 'are'} ${why}`);
  const line =
    `${EVENT_LABEL[event]}: ${counted(done, 'agent')} will be done` +
    (refused ? `, ${refused} refused (${reasons.join(', ')})` : '');
  return { done, refused, line };
}

/**
 * Why no step can be offered for the ticked agents: the billing status that
 * refuses what their states would allow, else their states themselves.
 */
function noStepRefusal(organization: OrganizationDto, rows: readonly AgentDto[]): Refusal {
  for (const row of rows)
    for (const event of AGENT_EVENTS) {
      const { refusal } = decideTransition(organization, row.status, event);
      if (refusal?.code === 'FORBIDDEN') return refusal;
    }
  return {
    code: 'INVALID_TRANSITION',
    reason: 'No step fits the selected agents in their current states',
    wayForward: 'Select others, or reload to see their current states',
  };
}

/** What can be done to the ticked agents: a lifecycle event some of them accept, or an export. */
export function AgentBulkActions({
  organization,
  frozen,
  onWayForward,
  rows,
  onDone,
}: {
  organization: OrganizationDto;
  /** Why no event can be applied now (the organization is in maintenance), or null. */
  frozen: Refusal | null;
  onWayForward: (() => void) | undefined;
  /** The ticked agents as last seen. */
  rows: readonly AgentDto[];
  onDone: () => void;
}) {
  const organizationId = organization.id;
  const noteId = useId();
  const [event, setEvent] = useState<AgentEvent | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [exporting, setExporting] = useState(false);
  const transition = useWrite('agents.transitionMany', { notifyErrors: true });
  const ids = rows.map((r) => r.id);
  const offered = AGENT_EVENTS.filter(
    (e) => !frozen && rows.some((r) => !decideTransition(organization, r.status, e).refusal),
  );
  const chosen = event && offered.includes(event) ? event : null;
  const preview = chosen ? bulkPreview(organization, rows, chosen) : null;
  // the refusal that disables both the choice and Apply, said once under them
  const refusal = frozen ?? (offered.length === 0 ? noStepRefusal(organization, rows) : null);
  const refused = refusal !== null;
  const choice = useRef<HTMLInputElement>(null);
  // a Mantine input is described only by its own description: the note under the bar is set here
  useEffect(() => {
    if (refused) choice.current?.setAttribute('aria-describedby', noteId);
    else choice.current?.removeAttribute('aria-describedby');
  }, [refused, noteId]);
  const apply = (reason?: string) => {
    if (!chosen) return;
    transition.mutate(
      { organizationId, ids, event: chosen, ...(reason ? { reason } : {}) },
      {
        onSuccess: (result) => {
          showBulkSummary(EVENT_LABEL[chosen], result);
          setConfirming(false);
          onDone();
        },
      },
    );
  };
  const exportJson = async () => {
    setExporting(true);
    try {
      const document = await call('agents.export', { organizationId, ids });
      const name = `agents-${document.source ?? 'export'}-${today()}.json`;
      downloadText(name, `${JSON.stringify(document, null, 2)}\n`, 'application/json');
      notifications.show({
        color: 'teal',
        title: 'Exported',
        message: `${counted(document.agents.length, 'agent')} to ${name}`,
      });
    } catch (error) {
      notifyRefusal(error, 'Not exported');
    } finally {
      setExporting(false);
    }
  };
  return (
    <BulkBar
      count={ids.length}
      onClear={onDone}
      more={
        <Button
          variant="default"
          leftSection={<IconDownload size={16} />}
          loading={exporting}
          onClick={() => void exportJson()}
        >
          Export JSON
        </Button>
      }
      note={
        <Box role="status">
          {refusal ? (
            <RefusalNote
              id={noteId}
              refusal={refusal}
              onWayForward={refusal.code === 'INVALID_TRANSITION' ? undefined : onWayForward}
            />
          ) : preview ? (
            <Text id={noteId} size="sm">
              {preview.line}
            </Text>
          ) : (
            <Text id={noteId} size="xs" c="dimmed">
              Choose an action to see how many agents it will change before it runs.
            </Text>
          )}
        </Box>
      }
    >
      <Select
        aria-label="Action for the selected agents"
        placeholder={refusal ? 'No action available' : 'Choose an action'}
        data={offered.map((e) => ({ value: e, label: EVENT_LABEL[e] }))}
        value={chosen}
        onChange={(v) => setEvent(v as AgentEvent | null)}
        ref={choice}
        disabled={refused}
        w={180}
      />
      <ButtonWithReason
        reason={refusal?.reason ?? (chosen ? null : 'No action chosen')}
        reasonShownAt={noteId}
        // chosen, what it will do is its description
        aria-describedby={noteId}
        loading={transition.isPending && !confirming}
        onClick={() => (chosen && CONFIRMED_EVENTS.has(chosen) ? setConfirming(true) : apply())}
        style={{ flexShrink: 0 }}
      >
        Apply to {ids.length}
      </ButtonWithReason>
      {confirming && chosen && preview && (
        <ConfirmTransition
          event={chosen}
          subject={counted(preview.done, 'agent')}
          preview={<Text size="sm">{preview.line}.</Text>}
          loading={transition.isPending}
          onConfirm={apply}
          onClose={() => setConfirming(false)}
        />
      )}
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
  useOpenedByLink('new', create.open);
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
  const organization = useChannel('organizations.get', { id: organizationId });
  // the ticked rows as last seen, pages away included: what the bulk preview judges
  const [seen, setSeen] = useState<ReadonlyMap<string, AgentDto>>(new Map());
  useEffect(() => {
    const items = query.data?.items;
    if (items) setSeen((before) => new Map([...before, ...items.map((a) => [a.id, a] as const)]));
  }, [query.data]);
  const ticked = [...selected].flatMap((id) => seen.get(id) ?? []);
  const writer = can('writeAgents', { organizationId });
  // no change to the organization's agents is accepted while it is in maintenance
  const frozen = organization.data ? maintenanceRefusal(organization.data) : null;
  const noRoom = organization.data ? agentRoomRefusal(organization.data) : null;
  const toOrganization = can('manageOrganizations')
    ? () => navigate(`/organizations/${organizationId}`)
    : undefined;
  return (
    <>
      {organization.data && (
        <MaintenanceBanner
          name={organization.data.name}
          maintenance={organization.data.maintenance}
        />
      )}
      <ListScreen
        title="Agents"
        description="The agents of one organization."
        actions={
          <>
            <OrganizationPicker
              value={organizationId}
              onChange={(id) => params.setParam('org', id ?? undefined)}
            />
            {writer && (
              <ButtonWithReason
                variant="default"
                leftSection={<IconFileImport size={16} />}
                // in short: the whole reason and the way forward stand beside New agent, next to it
                reason={frozen ? 'In maintenance' : noRoom && 'At the agent limit'}
                onClick={importer.open}
              >
                Import
              </ButtonWithReason>
            )}
          </>
        }
        create={
          writer && {
            label: 'New agent',
            onClick: create.open,
            refusal: frozen ?? noRoom,
            onWayForward: toOrganization,
          }
        }
        bulk={
          writer &&
          selected.size > 0 &&
          organization.data && (
            <AgentBulkActions
              organization={organization.data}
              frozen={frozen}
              onWayForward={toOrganization}
              rows={ticked}
              onDone={() => setSelected(new Set())}
            />
          )
        }
        csv={{ table: 'agents', filters: { organizationId, status } }}
        filters={
          <Select
            aria-label="Filter by status"
            placeholder="Any status"
            data={AGENT_STATUSES.map((s) => ({ value: s, label: agentStatusName(s) }))}
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
