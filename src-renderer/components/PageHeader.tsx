import { Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Crumbs, type Crumb } from './Crumbs.tsx';

export function PageHeader({
  title,
  description,
  actions,
  crumbs,
}: {
  title: ReactNode;
  /** Where a detail page sits, shown above its title. */
  crumbs?: Crumb[];
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg">
      <Stack gap={2}>
        {crumbs && <Crumbs crumbs={crumbs} />}
        <Title order={2}>{title}</Title>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        )}
      </Stack>
      {actions && <Group gap="xs">{actions}</Group>}
    </Group>
  );
}
