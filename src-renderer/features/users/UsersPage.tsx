import { Badge, Button, Group, Select, Stack, Text } from '@mantine/core';
import {
  IconCheck,
  IconEye,
  IconKey,
  IconLock,
  IconLogout,
  IconShieldOff,
  IconPencil,
  IconTrash,
} from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import type { UserListItem } from '../../../src-shared/contract.ts';
import { setsSomeoneElsesPassword } from '../../../src-shared/domain/permissions.ts';
import type { UserDto } from '../../../src-shared/dto.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { ChangePasswordModal } from '../../auth/ChangePasswordModal.tsx';
import { useSession } from '../../auth/session.tsx';
import { ViewAsModal } from '../../auth/ViewAs.tsx';
import { RoleBadge } from '../../components/badges.tsx';
import type { Column } from '../../components/DataTable.tsx';
import { formatDate } from '../../components/forms.ts';
import { useListParams } from '../../components/list-params.ts';
import { ListScreen } from '../../components/ListScreen.tsx';
import { Name, Truncated } from '../../components/Truncated.tsx';
import { useOpenedByLink } from '../../components/opened-by-link.ts';
import { RowActions } from '../../components/RowActions.tsx';
import { BulkBar } from '../../components/BulkBar.tsx';
import { showBulkSummary } from '../../components/bulk-summary.ts';
import { confirmDelete } from '../../components/confirm-delete.tsx';
import { useOrganizationOptions } from '../organizations/organization-options.ts';
import { CreateUserModal, EditUserModal, SetPasswordModal } from './UserModals.tsx';
import { counted } from '../../../src-shared/plural.ts';

type Dialog =
  | { kind: 'edit' | 'password' | 'view-as'; user: UserDto }
  | { kind: 'create' | 'own-password' }
  | null;

export function UsersPage() {
  const { can, user: me } = useSession();
  const admin = can('manageUsers');
  const myself = {
    kind: 'user',
    id: me.id,
    email: me.email,
    role: me.role,
    organizationId: me.organizationId,
  } as const;
  const params = useListParams({ sort: 'email' });
  const organizationId = params.param('org');
  const query = useChannel(
    'users.list',
    { ...params.list, ...(organizationId ? { organizationId } : {}) },
    { placeholderData: (p) => p },
  );
  const organizations = useOrganizationOptions();
  const [dialog, setDialog] = useState<Dialog>(null);
  useOpenedByLink(
    'new',
    useCallback(() => setDialog({ kind: 'create' }), []),
  );
  const confirm = useWrite('users.confirm', { success: (u) => `${u.email} can now sign in` });
  const remove = useWrite('users.delete', { success: () => 'User deleted' });
  const endSessions = useWrite('users.endSessions', {
    success: ({ ended }) => `Ended ${counted(ended, 'session')}`,
  });
  const resetSecondFactor = useWrite('users.resetSecondFactor', {
    success: () => 'Two-step sign-in reset: they set it up again at their next sign-in',
  });
  const confirmMany = useWrite('users.confirmMany');
  const unlock = useWrite('users.unlock', { success: (u) => `${u.email} can sign in again` });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const confirmSelected = () =>
    confirmMany.mutate(
      { ids: [...selected] },
      {
        onSuccess: (result) => {
          showBulkSummary('Confirm', result, {
            was: (r) => r.alreadyConfirmed,
            label: 'already confirmed',
          });
          setSelected(new Set());
        },
      },
    );

  const askDelete = (user: UserDto) =>
    confirmDelete({
      title: `Delete ${user.email}?`,
      consequence: 'The account and its sessions end now. This cannot be undone.',
      confirmLabel: 'Delete user',
      onConfirm: () => remove.mutate({ id: user.id }),
    });

  const askEndSessions = (user: UserDto) =>
    confirmDelete({
      title: `End every session of ${user.email}?`,
      consequence: `${user.email} is signed out on every console now, and must sign in again.`,
      confirmLabel: 'End sessions',
      onConfirm: () => endSessions.mutate({ id: user.id }),
    });

  const askResetSecondFactor = (user: UserDto) =>
    confirmDelete({
      title: `Reset two-step sign-in of ${user.email}?`,
      consequence: `${user.email} is signed out on every console and signs in with their password alone until they set two-step sign-in up again. Their recovery codes stop working.`,
      confirmLabel: 'Reset two-step sign-in',
      onConfirm: () => resetSecondFactor.mutate({ id: user.id }),
    });

  /** One's own password is changed with the current one: the row offers that instead. */
  const setsTheirs = (user: UserDto) => setsSomeoneElsesPassword(myself, user.id).allowed;

  const columns: Column<UserListItem>[] = [
    {
      key: 'email',
      label: 'Email',
      sort: 'email',
      render: (u) => (
        <Stack gap={4} align="flex-start" maw="100%">
          <Truncated text={u.email} fw={500} maxWidth="100%" />
          {/* under All organizations the name stands here, its column giving way to the organization */}
          {!organizationId && u.name && (
            <Truncated text={u.name} size="xs" c="dimmed" maxWidth="100%" />
          )}
          {u.lockedUntil && (
            // a narrow Email column stacks the two rather than clipping both
            <Group gap={4} wrap="wrap">
              <Badge
                color="red"
                variant="light"
                leftSection={<IconLock size={12} aria-hidden />}
                title={`Five failed sign-ins: locked until ${formatDate(u.lockedUntil)}`}
              >
                Locked
              </Badge>
              {admin && (
                <Button
                  size="compact-xs"
                  variant="light"
                  aria-label={`Unlock ${u.email}`}
                  loading={unlock.isPending && unlock.variables?.id === u.id}
                  onClick={(e) => {
                    e.stopPropagation();
                    unlock.mutate({ id: u.id });
                  }}
                >
                  Unlock
                </Button>
              )}
            </Group>
          )}
        </Stack>
      ),
    },
    ...(organizationId
      ? [
          {
            key: 'name',
            label: 'Name',
            sort: 'name',
            width: 130,
            render: (u: UserListItem) => <Truncated text={u.name ?? '—'} />,
          },
        ]
      : [
          {
            key: 'organization',
            label: 'Organization',
            // the rest goes to the email, the longer of the two
            width: 180,
            render: (u: UserListItem) => (
              <Name
                text={u.organizationName}
                to={`/organizations/${u.organizationId}`}
                onClick={(e) => e.stopPropagation()}
              />
            ),
          },
        ]),
    {
      key: 'role',
      label: 'Role',
      sort: 'role',
      // the widest badge, DEVELOPER, whole
      width: 120,
      render: (u) => <RoleBadge role={u.role} />,
    },
    {
      key: 'confirmed',
      label: 'Confirmed at',
      sort: 'confirmedAt',
      // "12 Dec 2026, 21:04:09" whole
      width: 176,
      render: (u) =>
        u.confirmedAt ? (
          formatDate(u.confirmedAt)
        ) : (
          <Text c="red" size="sm">
            not confirmed
          </Text>
        ),
    },
    {
      key: 'actions',
      label: '',
      width: 56,
      render: (u) => (
        <RowActions
          name={u.email}
          actions={[
            {
              label: 'Edit',
              icon: <IconPencil size={14} />,
              when: can('editProfile', { userId: u.id, organizationId: u.organizationId }),
              onClick: () => setDialog({ kind: 'edit', user: u }),
            },
            {
              label: 'Confirm',
              icon: <IconCheck size={14} />,
              when: admin && !u.confirmedAt,
              onClick: () => confirm.mutate({ id: u.id }),
            },
            {
              label: 'Set password',
              icon: <IconKey size={14} />,
              when: admin && setsTheirs(u),
              onClick: () => setDialog({ kind: 'password', user: u }),
            },
            {
              label: 'Change my password',
              icon: <IconKey size={14} />,
              when: !setsTheirs(u),
              onClick: () => setDialog({ kind: 'own-password' }),
            },
            {
              // an administrator sees what another administrator sees: nothing to view as them
              label: 'View as…',
              icon: <IconEye size={14} />,
              when: admin && u.role !== 'admin' && u.confirmedAt !== null,
              onClick: () => setDialog({ kind: 'view-as', user: u }),
            },
            {
              label: 'End sessions',
              icon: <IconLogout size={14} />,
              when: admin,
              onClick: () => askEndSessions(u),
            },
            {
              // one's own is turned off under Account, with the password and a code
              label: 'Reset two-step sign-in',
              icon: <IconShieldOff size={14} />,
              when: admin && setsTheirs(u),
              onClick: () => askResetSecondFactor(u),
            },
            {
              label: 'Delete',
              icon: <IconTrash size={14} />,
              when: admin,
              danger: true,
              onClick: () => askDelete(u),
            },
          ]}
        />
      ),
    },
  ];

  return (
    <>
      <ListScreen
        title="Users"
        description="People who sign in to the console, by organization."
        create={admin && { label: 'New user', onClick: () => setDialog({ kind: 'create' }) }}
        bulk={
          admin &&
          selected.size > 0 && (
            <BulkBar count={selected.size} onClear={() => setSelected(new Set())}>
              <Button
                leftSection={<IconCheck size={16} />}
                loading={confirmMany.isPending}
                onClick={confirmSelected}
              >
                Confirm {selected.size}
              </Button>
            </BulkBar>
          )
        }
        csv={{ table: 'users', filters: { organizationId } }}
        filters={
          admin && (
            <Select
              aria-label="Filter by organization"
              placeholder="All organizations"
              data={organizations}
              value={organizationId ?? null}
              onChange={(value) => params.setParam('org', value ?? undefined)}
              clearable
              searchable
              w={260}
            />
          )
        }
        columns={columns}
        query={query}
        params={params}
        rowKey={(u) => u.id}
        empty="No users yet."
        searchPlaceholder="Search email or name…"
        {...(admin
          ? { selection: { selected, onChange: setSelected, label: (u: UserDto) => u.email } }
          : {})}
      />
      {dialog?.kind === 'create' && (
        <CreateUserModal organizationId={organizationId} opened onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'edit' && (
        <EditUserModal
          user={dialog.user}
          canChangeRole={admin}
          opened
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'password' && (
        <SetPasswordModal user={dialog.user} opened onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'view-as' && (
        <ViewAsModal user={dialog.user} opened onClose={() => setDialog(null)} />
      )}
      <ChangePasswordModal
        opened={dialog?.kind === 'own-password'}
        onClose={() => setDialog(null)}
      />
    </>
  );
}
