import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileSpreadsheet } from '@tabler/icons-react';
import type { ChannelInput } from '../../src-shared/contract.ts';
import { counted } from '../../src-shared/plural.ts';
import { useWrite } from '../api/hooks.ts';
import { downloadFrom } from './download.ts';

/**
 * Exports the whole table, with the search and sort on screen, as CSV. The
 * main process writes it a page at a time; Electron asks where to save it,
 * headless mode hands the page a download.
 */
export function ExportCsvButton({ input }: { input: ChannelInput<'csv.export'> }) {
  const exportCsv = useWrite('csv.export', { invalidates: [] });
  const run = () =>
    exportCsv.mutate(input, {
      onSuccess: ({ rows, file }) => {
        if (!file) return;
        if (file.downloadUrl) downloadFrom(file.downloadUrl, file.name);
        notifications.show({
          color: 'teal',
          title: 'Exported',
          message: `${counted(rows, 'row')} to ${file.path ?? file.name}`,
        });
      },
    });
  return (
    <Button
      variant="default"
      leftSection={<IconFileSpreadsheet size={16} />}
      loading={exportCsv.isPending}
      onClick={run}
    >
      Export CSV
    </Button>
  );
}
