import { Alert, Button, Group, Modal, Progress, Stack, Text } from '@mantine/core';
import { IconFileExport } from '@tabler/icons-react';
import type { OrganizationDto } from '../../../src-shared/dto.ts';
import { useWrite } from '../../api/hooks.ts';
import { downloadFrom } from '../../components/download.ts';
import { counted } from '../../../src-shared/plural.ts';

/**
 * Exports one organization as an archive an import verifies table by
 * table: Electron asks where to save it, headless mode downloads it.
 */
export function ExportOrganizationModal({
  organization,
  onClose,
}: {
  organization: OrganizationDto;
  onClose: () => void;
}) {
  const exportOrganization = useWrite('organizations.export', {
    invalidates: [],
    notifyErrors: false,
  });
  const run = () =>
    exportOrganization.mutate(
      { id: organization.id },
      {
        onSuccess: ({ file }) => {
          if (file?.downloadUrl) downloadFrom(file.downloadUrl, file.name);
        },
      },
    );
  const result = exportOrganization.data;
  return (
    <Modal opened onClose={onClose} title={`Export ${organization.name}`} size="lg">
      <Stack>
        {result ? (
          <Alert color="teal" title="Exported" role="status">
            {result.file
              ? `${counted(result.tables, 'table')}, ${counted(result.rows, 'row')}, to ${result.file.path ?? result.file.name}.`
              : 'Nothing was saved.'}
          </Alert>
        ) : (
          <>
            <Text size="sm">
              One archive of this organization: its row, its users, its agents with their history
              and skills, its figures, its audit events and the structure of its data. Each part
              carries a checksum that an import verifies.
            </Text>
            <Alert color="yellow" title="Keep it as you keep backups">
              The archive holds the users&rsquo; password hashes.
            </Alert>
          </>
        )}
        {exportOrganization.isPending && (
          <Progress value={100} animated striped aria-label="Exporting the organization" />
        )}
        {exportOrganization.error && (
          <Alert color="red" title="Not exported" role="alert">
            {exportOrganization.error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          {result ? (
            <Button onClick={onClose}>Done</Button>
          ) : (
            <>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button
                leftSection={<IconFileExport size={16} />}
                loading={exportOrganization.isPending}
                onClick={run}
              >
                Export
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
