import {
  ActionIcon,
  Alert,
  Button,
  Group,
  Pagination,
  Pill,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { IconFilter } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { useSearchParams } from 'react-router';
import type { AuditEventDto, ChannelInput } from '../../../src-shared/contract.ts';
import {
  AUDIT_ACTIONS,
  AUDIT_TARGETS,
  auditActionLabel,
  type AuditTarget,
} from '../../../src-shared/domain/audit-vocabulary.ts';
import { counted } from '../../../src-shared/plural.ts';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { ExportCsvButton } from '../../components/ExportCsvButton.tsx';
import { formatDate, MOMENT_FORMAT } from '../../components/forms.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Name } from '../../components/Truncated.tsx';
import { useOrganizationOptions } from '../organizations/organization-options.ts';
import { actorHref, targetHref, targetText } from './audit-cells.ts';
import { ChangeList } from './ChangeList.tsx';
import { auditFilters, type AuditFilters } from './audit-filters.ts';

const ACTION_OPTIONS = Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({ value, label }));
const TARGET_OPTIONS = Object.entries(AUDIT_TARGETS).map(([value, label]) => ({ value, label }));

/** Under an event's target, for administrators looking at every organization: whose it is. */
function OrganizationLine({ event }: { event: AuditEventDto }) {
  if (event.organizationId && event.organizationName) {
    return (
      <Name
        text={event.organizationName}
        to={`/organizations/${event.organizationId}`}
        size="xs"
        c="dimmed"
      />
    );
  }
  return (
    <Text size="xs" c="dimmed">
      {event.organizationId ? 'Organization deleted' : 'Fleet-wide'}
    </Text>
  );
}

/**
 * A name (the actor, the target) with the button that filters the log to
 * it: the name takes the room the button leaves and is cut there, the
 * button stays beside it.
 */
function NameAndFilter({
  text,
  href,
  only,
}: {
  text: string;
  href: string | null;
  only: { label: string; onClick: () => void } | null;
}) {
  return (
    <Group gap={6} wrap="nowrap" preventGrowOverflow={false}>
      <Name text={text} to={href} />
      {only && (
        <Tooltip label={only.label}>
          <ActionIcon
            variant="subtle"
            size="md"
            aria-label={only.label}
            onClick={only.onClick}
            style={{ flexShrink: 0 }}
          >
            <IconFilter size={14} aria-hidden />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}

/** A filter of the log: one of its options, or none. */
function Choice({
  label,
  placeholder,
  data,
  value,
  onChange,
  searchable = false,
  w,
}: {
  label: string;
  placeholder: string;
  data: { value: string; label: string }[];
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  searchable?: boolean;
  w: number;
}) {
  return (
    <Select
      label={label}
      placeholder={placeholder}
      data={data}
      value={value ?? null}
      onChange={(v) => onChange(v ?? undefined)}
      clearable
      searchable={searchable}
      w={w}
    />
  );
}

/** What the calendar's controls are called to a screen reader. */
const CALENDAR_LABELS = {
  previousMonth: 'Previous month',
  nextMonth: 'Next month',
  previousYear: 'Previous year',
  nextYear: 'Next year',
  previousDecade: 'Previous decade',
  nextDecade: 'Next decade',
};

/**
 * One end of the time range: picked in local time and shown as every moment
 * on the console is written, kept in the address in UTC. A day picked alone
 * starts the range at its first second, or ends it at its last.
 */
function TimeBound({
  label,
  value,
  onChange,
  end,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  end?: boolean;
}) {
  return (
    <DateTimePicker
      label={label}
      placeholder="Any time"
      value={value ? dayjs(value).format('YYYY-MM-DD HH:mm:ss') : null}
      onChange={(picked) => onChange(picked ? dayjs(picked).toISOString() : undefined)}
      valueFormat={MOMENT_FORMAT}
      withSeconds
      defaultTimeValue={end ? '23:59:59' : '00:00:00'}
      clearable
      clearButtonProps={{ 'aria-label': `Clear ${label}` }}
      submitButtonProps={{ 'aria-label': `Use this time as ${label}` }}
      ariaLabels={CALENDAR_LABELS}
      // the days of the months beside are drawn too faint to read (and to pass contrast)
      hideOutsideDates
      // weekends in Mantine's red are 3.6:1 on white: every day in the text's own colour
      weekendDays={[]}
      // Mantine's placeholder grey is 3.3:1 on white; the console's dimmed text passes
      styles={{ placeholder: { color: 'var(--mantine-color-dimmed)' } }}
      w={220}
    />
  );
}

export function AuditPage() {
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = auditFilters(params);
  const page = Number(params.get('page') ?? 1) || 1;
  const organizations = useOrganizationOptions();
  const showOrganization = can('seeAllOrganizations') && !filters.organizationId;
  const log = useChannel(
    'audit.list',
    { page, pageSize: 50, ...filters },
    { placeholderData: (p) => p },
  );
  const set = (changes: Partial<Record<keyof AuditFilters | 'page', string | undefined>>) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      if (!('page' in changes)) next.delete('page');
      return next;
    });
  const pages = log.data ? Math.max(1, Math.ceil(log.data.total / log.data.pageSize)) : 1;
  const first: AuditEventDto | undefined = log.data?.items[0];
  const filtered = Object.keys(filters).length > 0;
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every write, sign-in and lockout, newest first."
        actions={
          <ExportCsvButton input={{ table: 'audit', ...filters } as ChannelInput<'csv.export'>} />
        }
      />
      <Group gap="sm" mb="md" align="flex-end" wrap="wrap">
        {can('seeAllOrganizations') && (
          <Choice
            label="Organization"
            placeholder="All organizations"
            data={organizations}
            value={filters.organizationId}
            onChange={(organizationId) => set({ organizationId })}
            searchable
            w={220}
          />
        )}
        <Choice
          label="Action"
          placeholder="Any action"
          data={ACTION_OPTIONS}
          value={filters.action}
          onChange={(action) => set({ action })}
          searchable
          w={220}
        />
        <Choice
          label="Kind of record"
          placeholder="Any record"
          data={TARGET_OPTIONS}
          value={filters.targetType}
          onChange={(targetType) => set({ targetType })}
          w={160}
        />
        <TimeBound label="From" value={filters.from} onChange={(from) => set({ from })} />
        <TimeBound label="Until" value={filters.to} onChange={(to) => set({ to })} end />
        {filtered && (
          <Button variant="subtle" onClick={() => setParams(new URLSearchParams())}>
            Clear filters
          </Button>
        )}
      </Group>
      {(filters.actorId || filters.targetId) && (
        <Group gap="xs" mb="md">
          {filters.actorId && (
            <Pill
              withRemoveButton
              onRemove={() => set({ actorId: undefined })}
              removeButtonProps={{ 'aria-label': 'Show every actor' }}
            >
              By {first?.actorLabel ?? 'one person'}
            </Pill>
          )}
          {filters.targetId && (
            <Pill
              withRemoveButton
              onRemove={() => set({ targetId: undefined, targetType: undefined })}
              removeButtonProps={{ 'aria-label': 'Show every record' }}
            >
              About {first ? targetText(first) : 'one record'}
            </Pill>
          )}
        </Group>
      )}
      {log.error && (
        <Alert color="red" title="Could not load the audit log">
          {log.error.message}
        </Alert>
      )}
      {!log.data && !log.error && <Skeleton height={200} />}
      {log.data && (
        <Stack>
          <Table aria-label="Audit events" verticalSpacing="xs" layout="fixed">
            <Table.Thead>
              <Table.Tr>
                {/* the time, always as long, gets a fixed width; names and actions a share each, a
                    long name cut there with its tooltip, the changes what is left */}
                <Table.Th w={165}>When</Table.Th>
                <Table.Th w="23%">Who</Table.Th>
                <Table.Th w="14%">Action</Table.Th>
                <Table.Th w="23%">
                  {showOrganization ? 'Target and organization' : 'Target'}
                </Table.Th>
                <Table.Th>Changes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.data.items.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {formatDate(e.at)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <NameAndFilter
                      text={e.actorLabel}
                      href={actorHref(e)}
                      only={
                        e.actorId && !filters.actorId
                          ? {
                              label: `Only events by ${e.actorLabel}`,
                              onClick: () => set({ actorId: e.actorId ?? undefined }),
                            }
                          : null
                      }
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{auditActionLabel(e.action)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <NameAndFilter
                      text={targetText(e)}
                      href={targetHref(e)}
                      only={
                        e.targetId && !filters.targetId
                          ? {
                              label: `Only events about ${targetText(e)}`,
                              onClick: () =>
                                set({
                                  targetType: e.targetType as AuditTarget,
                                  targetId: e.targetId ?? undefined,
                                }),
                            }
                          : null
                      }
                    />
                    {showOrganization && <OrganizationLine event={e} />}
                  </Table.Td>
                  <Table.Td>
                    <ChangeList changes={e.changes} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {log.data.items.length === 0 && (
            <Text c="dimmed">
              {filtered ? 'No event matches these filters.' : 'Nothing recorded yet.'}
            </Text>
          )}
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {counted(log.data.total, 'event')}
            </Text>
            <Pagination
              total={pages}
              value={page}
              onChange={(p) => set({ page: String(p) })}
              size="sm"
            />
          </Group>
        </Stack>
      )}
    </>
  );
}
