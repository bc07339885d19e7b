import { roleName } from '../../src-shared/domain/enums.ts';
import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession } from '../auth/session.tsx';
import { screenOf } from './nav.ts';

/**
 * The screen the URL names, or a page saying it is not for this role: a
 * link or a typed address never shows controls whose every call would be
 * refused.
 */
export function ScreenGuard({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const { can, user } = useSession();
  const screen = screenOf(pathname);
  if (!screen || can(screen.needs)) return children;
  return (
    <Center mih={360}>
      <Stack align="center" gap="sm" maw={460} ta="center">
        <IconLock size={40} aria-hidden />
        <Title order={2}>{screen.label} is not available to your role</Title>
        <Text>
          Your role is {roleName(user.role)}. Ask an administrator if you need to use this screen.
        </Text>
        <Button component={Link} to="/fleet" variant="default">
          Go to the Fleet overview
        </Button>
      </Stack>
    </Center>
  );
}
