import { roleName } from '../../src-shared/domain/enums.ts';
import {
  ActionIcon,
  AppShell,
  Avatar,
  Center,
  Group,
  Kbd,
  Loader,
  Menu,
  NavLink,
  SegmentedControl,
  Text,
  Tooltip,
  UnstyledButton,
  useMantineColorScheme,
  type MantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense, useState } from 'react';
import { Spotlight, spotlight } from '@mantine/spotlight';
import { IconDevices, IconKey, IconLogout, IconRobot, IconSearch } from '@tabler/icons-react';
import { Link, Outlet, useLocation } from 'react-router';
import { useLiveUpdates } from '../api/live-updates.ts';
import { ChangePasswordModal } from '../auth/ChangePasswordModal.tsx';
import { ReauthenticateModal } from '../auth/ReauthenticateModal.tsx';
import { useSession } from '../auth/session.tsx';
import { useSignOut } from '../auth/sign-out.ts';
import { ViewAsBanner } from '../auth/ViewAs.tsx';
import { paletteFilter, usePaletteActions } from './palette.tsx';
import { screensFor } from './nav.ts';
import { ScreenGuard } from './ScreenGuard.tsx';

function ColorSchemeSwitch() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <SegmentedControl
      size="xs"
      aria-label="Colour scheme"
      value={colorScheme}
      onChange={(value) => setColorScheme(value as MantineColorScheme)}
      data={[
        { value: 'light', label: 'Light' },
        { value: 'dark', label: 'Dark' },
        { value: 'auto', label: 'Auto' },
      ]}
    />
  );
}

export function AppLayout() {
  useLiveUpdates();
  // the account menu is who signed in, also while they view the console as someone else
  const { signedIn: user, can } = useSession();
  const signOut = useSignOut();
  const location = useLocation();
  const [passwordOpen, password] = useDisclosure(false);
  const [query, setQuery] = useState('');
  const actions = usePaletteActions(query);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'xs' }} padding="lg">
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <IconRobot size={22} aria-hidden />
            <Text fw={700}>FleetPrompt</Text>
            <Text c="dimmed" size="sm">
              Console
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Tooltip label="Jump to… (Ctrl+K)">
              <UnstyledButton onClick={() => spotlight.open()}>
                <Group gap={6} c="dimmed">
                  <IconSearch size={16} />
                  <Text size="sm">Jump to…</Text>
                  <Kbd size="xs">Ctrl K</Kbd>
                </Group>
              </UnstyledButton>
            </Tooltip>
            <ColorSchemeSwitch />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon
                  variant="subtle"
                  size="lg"
                  radius="xl"
                  aria-label={`Account of ${user.email}`}
                >
                  <Avatar size="sm" radius="xl" color="indigo">
                    {(user.name ?? user.email).slice(0, 1).toUpperCase()}
                  </Avatar>
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {user.email} · {roleName(user.role)} · {user.organizationName}
                </Menu.Label>
                <Menu.Item leftSection={<IconKey size={16} />} onClick={password.open}>
                  Change password
                </Menu.Item>
                <Menu.Item leftSection={<IconDevices size={16} />} component={Link} to="/sessions">
                  Sessions
                </Menu.Item>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Screens">
        {screensFor(can).map((s) => (
          <NavLink
            key={s.path}
            component={Link}
            to={s.path}
            label={s.label}
            leftSection={<s.icon size={18} />}
            active={location.pathname.startsWith(s.path)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <ViewAsBanner />
        <Suspense
          fallback={
            <Center mih={200}>
              <Loader size="sm" aria-label="Loading the screen" />
            </Center>
          }
        >
          <ScreenGuard>
            <Outlet />
          </ScreenGuard>
        </Suspense>
      </AppShell.Main>
      <Spotlight
        actions={actions}
        query={query}
        onQueryChange={setQuery}
        shortcut={['mod + K']}
        // from anywhere, a text field with the focus included
        tagsToIgnore={[]}
        triggerOnContentEditable
        filter={paletteFilter}
        nothingFound="Nothing found"
        highlightQuery
        limit={20}
        searchProps={{
          leftSection: <IconSearch size={18} />,
          placeholder: 'Screens, organizations, agents, users, skills, actions…',
        }}
      />
      <ChangePasswordModal opened={passwordOpen} onClose={password.close} />
      <ReauthenticateModal />
    </AppShell>
  );
}
