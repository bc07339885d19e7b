import { Anchor, Card, Group, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/**
 * A titled card of a screen; `all` links to the whole list when the panel
 * shows part of it, or to where its records are managed.
 */
export function Panel({
  title,
  all,
  children,
}: {
  title: string;
  all?: { to: string; label: string } | undefined;
  children: ReactNode;
}) {
  return (
    <Card withBorder>
      <Group justify="space-between" mb="sm">
        <Title order={4}>{title}</Title>
        {all && (
          <Anchor component={Link} to={all.to} size="sm">
            {all.label}
          </Anchor>
        )}
      </Group>
      {children}
    </Card>
  );
}
