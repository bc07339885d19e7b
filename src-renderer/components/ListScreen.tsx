import { Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { ChannelInput } from '../../src-shared/contract.ts';
import type { Refusal } from '../../src-shared/domain/limits.ts';
import { DataTable, type DataTableProps } from './DataTable.tsx';
import { ExportCsvButton } from './ExportCsvButton.tsx';
import { exportQuery } from './list-params.ts';
import { PageHeader } from './PageHeader.tsx';
import { Refusable } from './Refusable.tsx';

type CsvTable = ChannelInput<'csv.export'>['table'];

/**
 * A list screen: the header (title, what it holds, a create button and
 * other actions), a bulk bar while rows are ticked, and the server-side
 * table with its search, filters and CSV export of what is on screen.
 */
export function ListScreen<T>({
  title,
  description,
  create,
  actions,
  bulk,
  csv,
  filters,
  ...table
}: Omit<DataTableProps<T>, 'label' | 'toolbar'> & {
  title: string;
  description: ReactNode;
  /** The create button, shown when the operator may create; disabled with the reason when the rules refuse it. */
  create?:
    | {
        label: string;
        onClick: () => void;
        refusal?: Refusal | null;
        onWayForward?: (() => void) | undefined;
      }
    | false;
  actions?: ReactNode;
  bulk?: ReactNode;
  /** The CSV export: its table and the filters on screen beyond search and sort. */
  csv: { table: CsvTable; filters?: Record<string, string | undefined> };
  filters?: ReactNode;
}) {
  const definedFilters = Object.fromEntries(
    Object.entries(csv.filters ?? {}).filter(([, value]) => value !== undefined),
  );
  return (
    <>
      <PageHeader
        title={title}
        description={description}
        actions={
          (actions || create) && (
            <>
              {actions}
              {create && (
                <Refusable
                  refusal={create.refusal ?? null}
                  onWayForward={create.onWayForward}
                  leftSection={<IconPlus size={16} />}
                  onClick={create.onClick}
                >
                  {create.label}
                </Refusable>
              )}
            </>
          )
        }
      />
      {bulk}
      <DataTable
        {...table}
        empty={
          create ? (
            <Stack align="center" gap="sm">
              <Text c="dimmed">{table.empty}</Text>
              {/* named apart from the header's button, which stays the one "New …" on screen */}
              <Refusable
                refusal={create.refusal ?? null}
                onWayForward={create.onWayForward}
                variant="light"
                leftSection={<IconPlus size={16} />}
                onClick={create.onClick}
              >
                Create the first one
              </Refusable>
            </Stack>
          ) : (
            table.empty
          )
        }
        label={title}
        toolbar={
          <>
            {filters}
            <ExportCsvButton
              input={
                {
                  table: csv.table,
                  ...exportQuery(table.params.list),
                  ...definedFilters,
                } as ChannelInput<'csv.export'>
              }
            />
          </>
        }
      />
    </>
  );
}
