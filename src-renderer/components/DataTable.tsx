import {
  Alert,
  Button,
  Center,
  Checkbox,
  Group,
  Pagination,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconSearch, IconSelector } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { Page } from '../../src-shared/dto.ts';
import { counted } from '../../src-shared/plural.ts';
import type { ApiError } from '../api/client.ts';
import type { useListParams } from './list-params.ts';

export interface Column<T> {
  key: string;
  label: string;
  /** The contract's sort name; absent when the column cannot be sorted. */
  sort?: string;
  /**
   * A fixed width for short values (a badge, a number, a date), so that a
   * long name elsewhere cannot squeeze them; columns without one share the rest.
   */
  width?: number;
  render: (row: T) => ReactNode;
}

export interface DataTableProps<T> {
  label: string;
  columns: Column<T>[];
  query: {
    data: Page<T> | undefined;
    error: ApiError | null;
    isLoading: boolean;
    refetch: () => unknown;
  };
  params: ReturnType<typeof useListParams>;
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  empty: ReactNode;
  toolbar?: ReactNode;
  searchPlaceholder?: string;
  /** Row checkboxes for bulk actions; the keys of the rows ticked. */
  selection?: {
    selected: ReadonlySet<string>;
    onChange: (next: Set<string>) => void;
    /** How a row is named to screen readers ("Select Support Bot"). */
    label: (row: T) => string;
  };
}

function SortIcon({ active, descending }: { active: boolean; descending: boolean }) {
  if (!active) return <IconSelector size={14} aria-hidden />;
  return descending ? (
    <IconChevronDown size={14} aria-hidden />
  ) : (
    <IconChevronUp size={14} aria-hidden />
  );
}

/** A server-side table: paging, sorting and search happen in SQL; this only shows the page. */
export function DataTable<T>({
  label,
  columns,
  query,
  params,
  rowKey,
  onRowClick,
  empty,
  toolbar,
  searchPlaceholder,
  selection,
}: DataTableProps<T>) {
  const { list } = params;
  const sortField = list.sort?.replace(/^-/, '');
  const descending = list.sort?.startsWith('-') ?? false;
  const pages = query.data ? Math.max(1, Math.ceil(query.data.total / query.data.pageSize)) : 1;
  const span = columns.length + (selection ? 1 : 0);
  const pageKeys = (query.data?.items ?? []).map(rowKey);
  const ticked = pageKeys.filter((key) => selection?.selected.has(key)).length;
  const toggle = (key: string) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    selection.onChange(next);
  };
  const toggleAll = () =>
    selection?.onChange(ticked === pageKeys.length ? new Set() : new Set(pageKeys));

  let body: ReactNode;
  if (query.error) {
    body = (
      <Table.Tr>
        <Table.Td colSpan={span}>
          <Alert color="red" title="Could not load" role="alert">
            <Group justify="space-between">
              <Text size="sm">{query.error.message}</Text>
              <Button size="xs" variant="light" onClick={() => query.refetch()}>
                Retry
              </Button>
            </Group>
          </Alert>
        </Table.Td>
      </Table.Tr>
    );
  } else if (query.isLoading || !query.data) {
    body = Array.from({ length: 5 }, (_, i) => (
      <Table.Tr key={i} aria-hidden>
        {selection && <Table.Td />}
        {columns.map((c) => (
          <Table.Td key={c.key}>
            <Skeleton height={14} radius="sm" />
          </Table.Td>
        ))}
      </Table.Tr>
    ));
  } else if (query.data.items.length === 0) {
    body = (
      <Table.Tr>
        <Table.Td colSpan={span}>
          <Center py="xl">
            {list.search || typeof empty === 'string' ? (
              <Text c="dimmed">{list.search ? `Nothing matches “${list.search}”.` : empty}</Text>
            ) : (
              empty
            )}
          </Center>
        </Table.Td>
      </Table.Tr>
    );
  } else {
    body = query.data.items.map((row) => (
      <Table.Tr
        key={rowKey(row)}
        onClick={onRowClick ? () => onRowClick(row) : undefined}
        onKeyDown={onRowClick ? (e) => e.key === 'Enter' && onRowClick(row) : undefined}
        tabIndex={onRowClick ? 0 : undefined}
        style={onRowClick ? { cursor: 'pointer' } : undefined}
      >
        {selection && (
          <Table.Td
            w={40}
            onClick={(e) => e.stopPropagation()}
            onKeyDown={(e) => e.stopPropagation()}
          >
            <Checkbox
              aria-label={`Select ${selection.label(row)}`}
              checked={selection.selected.has(rowKey(row))}
              onChange={() => toggle(rowKey(row))}
            />
          </Table.Td>
        )}
        {columns.map((c) => (
          <Table.Td key={c.key}>{c.render(row)}</Table.Td>
        ))}
      </Table.Tr>
    ));
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <TextInput
          aria-label={`Search ${label}`}
          placeholder={searchPlaceholder ?? 'Search…'}
          leftSection={<IconSearch size={16} />}
          value={params.searchText}
          onChange={(e) => params.setSearch(e.currentTarget.value)}
          w={320}
        />
        <Group gap="xs">{toolbar}</Group>
      </Group>
      <Table.ScrollContainer minWidth={640}>
        <Table
          highlightOnHover={Boolean(onRowClick)}
          verticalSpacing="sm"
          aria-label={label}
          layout={columns.some((c) => c.width !== undefined) ? 'fixed' : 'auto'}
        >
          <Table.Thead>
            <Table.Tr>
              {selection && (
                <Table.Th w={40}>
                  <Checkbox
                    aria-label="Select all rows on this page"
                    checked={pageKeys.length > 0 && ticked === pageKeys.length}
                    indeterminate={ticked > 0 && ticked < pageKeys.length}
                    onChange={toggleAll}
                  />
                </Table.Th>
              )}
              {columns.map((c) => (
                <Table.Th
                  key={c.key}
                  w={c.width}
                  aria-sort={
                    c.sort && c.sort === sortField
                      ? descending
                        ? 'descending'
                        : 'ascending'
                      : undefined
                  }
                >
                  {c.sort ? (
                    <UnstyledButton
                      onClick={() =>
                        params.setSort(
                          c.sort === sortField && !descending ? `-${c.sort}` : (c.sort as string),
                        )
                      }
                      fw={600}
                      fz="sm"
                    >
                      <Group gap={4} wrap="nowrap">
                        {c.label}
                        <SortIcon active={c.sort === sortField} descending={descending} />
                      </Group>
                    </UnstyledButton>
                  ) : (
                    c.label
                  )}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{body}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {query.data && query.data.total > 0 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {counted(query.data.total, 'row')}
          </Text>
          <Pagination total={pages} value={list.page} onChange={params.setPage} size="sm" />
        </Group>
      )}
    </Stack>
  );
}
