import { Box, Button, Group, Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * Shown above a table while rows are ticked: the count with the actions on
 * it (`children`, kept together on one line), the other actions with the
 * way out (`more`, moving as one unit to the next line when the window is
 * narrow), and under them a line on what the actions would do or why they
 * cannot (`note`).
 */
export function BulkBar({
  count,
  onClear,
  children,
  more,
  note,
}: {
  count: number;
  onClear: () => void;
  children: ReactNode;
  more?: ReactNode;
  note?: ReactNode;
}) {
  return (
    <Paper withBorder p="xs" mb="sm" role="region" aria-label="Bulk actions">
      <Group justify="space-between" gap="xs">
        <Group gap="xs" wrap="nowrap">
          <Text size="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
            {count} selected
          </Text>
          {children}
        </Group>
        <Group gap="xs" wrap="nowrap">
          {more}
          <Button variant="subtle" onClick={onClear}>
            Clear
          </Button>
        </Group>
      </Group>
      {note && <Box mt={6}>{note}</Box>}
    </Paper>
  );
}
