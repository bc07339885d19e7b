import { Alert } from '@mantine/core';
import { IconTool } from '@tabler/icons-react';
import type { MaintenanceDto } from '../../src-shared/dto.ts';
import { formatDate } from './forms.ts';

/** Says, above a tenant's screen, that its changes are refused for now, why, and until when. */
export function MaintenanceBanner({
  name,
  maintenance,
}: {
  name: string;
  maintenance: MaintenanceDto | null | undefined;
}) {
  if (!maintenance) return null;
  return (
    <Alert
      color="yellow"
      variant="light"
      icon={<IconTool size={18} aria-hidden />}
      title={`${name} is in maintenance`}
      mb="lg"
      role="status"
    >
      {maintenance.reason} (since {formatDate(maintenance.since)}). Changes to it are refused
      meanwhile; everything can still be read.{' '}
      {maintenance.byOperation
        ? 'It ends by itself when the operation ends.'
        : 'An administrator ends it from the organization’s page.'}
    </Alert>
  );
}
