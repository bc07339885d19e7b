import { Button, Group } from '@mantine/core';
import { Link, useLocation } from 'react-router';

const PARTS = [
  { path: '/tenancy', label: 'Levels' },
  { path: '/tenancy/structure', label: 'Structure' },
] as const;

/** The parts of Tenancy, as links: the one on screen is marked current. */
export function TenancyTabs() {
  const { pathname } = useLocation();
  return (
    <Group component="nav" aria-label="Tenancy" gap="xs" mb="md">
      {PARTS.map((part) => {
        const current = pathname === part.path;
        return (
          <Button
            key={part.path}
            component={Link}
            to={part.path}
            size="xs"
            variant={current ? 'filled' : 'default'}
            aria-current={current ? 'page' : undefined}
          >
            {part.label}
          </Button>
        );
      })}
    </Group>
  );
}
