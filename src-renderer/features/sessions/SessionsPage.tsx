import { Alert, Badge, Button, Group, Table, VisuallyHidden } from '@mantine/core';
import { IconAlertTriangle, IconLogout } from '@tabler/icons-react';
import type { SessionDto, SessionKind } from '../../../src-shared/dto.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { useSignOut } from '../../auth/sign-out.ts';
import { formatDate } from '../../components/forms.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ButtonWithReason } from '../../components/Refusable.tsx';
import { SecondFactorPanel } from './SecondFactorPanel.tsx';
import { counted } from '../../../src-shared/plural.ts';

/** How often the screen reads the sessions again while it is open. */
export const SESSIONS_LOOKED_AT_EVERY_MS = 15_000;

const CONSOLE: Record<SessionKind, string> = {
  electron: 'Desktop app',
  headless: 'Browser (headless console)',
};

/**
 * Account → Sessions: where the signed-in user is signed in, on every
 * console of the database; any of them, or all the others, can be ended
 * here, and end everywhere at once. A sign-in still waiting for its
 * second step is marked so: whoever started it knows the password.
 */
export function SessionsPage() {
  const signOut = useSignOut();
  // a sign-in on another console announces nothing to this one (sessions are not records
  // whose changes are heard), yet one waiting for its second step is a warning: look again
  const sessions = useChannel(
    'sessions.list',
    {},
    { refetchInterval: SESSIONS_LOOKED_AT_EVERY_MS },
  );
  const end = useWrite('sessions.end', { success: () => 'Session ended' });
  const endOthers = useWrite('sessions.endOthers', {
    success: ({ ended }) =>
      ended === 0 ? 'No other session was open' : `Ended ${counted(ended, 'other session')}`,
  });
  const rows = sessions.data ?? [];
  const others = rows.filter((s) => !s.current).length;
  const waiting = rows.filter((s) => s.pendingSecondFactor).length;
  const endOne = (session: SessionDto) =>
    session.current ? void signOut() : end.mutate({ id: session.id });
  return (
    <>
      <PageHeader
        title="Sessions"
        description="Where you are signed in, on every console that shares this database."
        actions={
          <ButtonWithReason
            variant="default"
            leftSection={<IconLogout size={16} />}
            reason={sessions.data && others === 0 ? 'This is your only session' : null}
            loading={endOthers.isPending || !sessions.data}
            onClick={() => endOthers.mutate({})}
          >
            End all other sessions
          </ButtonWithReason>
        }
      />
      <SecondFactorPanel />
      {sessions.error && <Alert color="red">{sessions.error.message}</Alert>}
      {waiting > 0 && (
        <Alert
          color="orange"
          icon={<IconAlertTriangle size={18} />}
          title={`${counted(waiting, 'sign-in')} waiting for the second step`}
          mb="md"
        >
          Someone entered your password and has not given the code from your app. If it was not you,
          end that session and change your password.
        </Alert>
      )}
      <Table striped highlightOnHover aria-label="Your sessions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Console</Table.Th>
            <Table.Th>Started</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((session) => (
            <Table.Tr key={session.id}>
              <Table.Td>
                <Group gap="xs">
                  {CONSOLE[session.kind]}
                  {session.current && (
                    <Badge variant="light" color="teal">
                      This one
                    </Badge>
                  )}
                  {session.pendingSecondFactor && (
                    <Badge variant="light" color="orange">
                      Waiting for the second step
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>{formatDate(session.startedAt)}</Table.Td>
              <Table.Td>{formatDate(session.lastUsedAt)}</Table.Td>
              <Table.Td ta="right">
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  aria-label={
                    session.current
                      ? 'Sign out: end this session'
                      : `End the session ${session.pendingSecondFactor ? 'waiting for the second step, ' : ''}started ${formatDate(session.startedAt)}`
                  }
                  onClick={() => endOne(session)}
                >
                  {session.current ? 'Sign out' : 'End'}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
