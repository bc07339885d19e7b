import { Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A tenant's state as a badge, and what went wrong beside it when something did. */
export function StateWithReason({ badge, reason }: { badge: ReactNode; reason?: string | null }) {
  return (
    <Group gap="xs">
      {badge}
      {reason && (
        <Text size="xs" c="red">
          {reason}
        </Text>
      )}
    </Group>
  );
}
