import {
  Alert,
  Code,
  Group,
  Pagination,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { formatDate } from '../../components/forms.ts';
import { ExportCsvButton } from '../../components/ExportCsvButton.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useOrganizationOptions } from '../organizations/organization-options.ts';
import { changeText, targetText } from './audit-cells.ts';

export function AuditPage() {
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const organizationId = params.get('org') ?? undefined;
  const page = Number(params.get('page') ?? 1) || 1;
  const organizations = useOrganizationOptions();
  const log = useChannel(
    'audit.list',
    { page, pageSize: 50, ...(organizationId ? { organizationId } : {}) },
    { placeholderData: (p) => p },
  );
  const set = (key: string, value: string | undefined) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(key, value);
      else next.delete(key);
      if (key !== 'page') next.delete('page');
      return next;
    });
  const pages = log.data ? Math.max(1, Math.ceil(log.data.total / log.data.pageSize)) : 1;
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every write, sign-in and lockout, newest first."
        actions={
          <>
            {can('seeAllOrganizations') && (
              <Select
                aria-label="Filter by organization"
                placeholder="All organizations"
                data={organizations}
                value={organizationId ?? null}
                onChange={(v) => set('org', v ?? undefined)}
                clearable
                searchable
                w={260}
              />
            )}
            <ExportCsvButton
              input={{ table: 'audit', ...(organizationId ? { organizationId } : {}) }}
            />
          </>
        }
      />
      {log.error && (
        <Alert color="red" title="Could not load">
          {log.error.message}
        </Alert>
      )}
      {!log.data && !log.error && <Skeleton height={200} />}
      {log.data && (
        <Stack>
          <Table aria-label="Audit events" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>Changes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.data.items.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <Text size="sm">{formatDate(e.at)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{e.actorLabel}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>{e.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {targetText(e.targetType, e.targetId)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {Object.entries(e.changes).map(([field, change]) => (
                      <Text size="xs" key={field}>
                        <b>{field}</b>: {changeText(change)}
                      </Text>
                    ))}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {log.data.items.length === 0 && <Text c="dimmed">Nothing recorded yet.</Text>}
          <Group justify="flex-end">
            <Pagination
              total={pages}
              value={page}
              onChange={(p) => set('page', String(p))}
              size="sm"
            />
          </Group>
        </Stack>
      )}
    </>
  );
}
