import { Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { z } from 'zod';
import { NewPasswordFields, withConfirmation } from '../../components/NewPasswordFields.tsx';
import { contract } from '../../../src-shared/contract.ts';
import { ROLES, roleName } from '../../../src-shared/domain/enums.ts';
import { MAX_NAME } from '../../../src-shared/domain/fields.ts';
import type { UserDto } from '../../../src-shared/dto.ts';
import { call } from '../../api/client.ts';
import { useWrite } from '../../api/hooks.ts';
import { ChangedElsewhere } from '../../components/ChangedElsewhere.tsx';
import {
  useOpenedRecord,
  VersionedConflict,
  useVersionedSave,
  type ConflictField,
} from '../../components/edit-conflict.tsx';
import { sentenceResolver, showFieldErrors, submitWith } from '../../components/forms.ts';
import { useOrganizationOptions } from '../organizations/organization-options.ts';
import { FormActions } from '../../components/FormActions.tsx';

/** A user's name is optional: the form's empty field is sent as no name. */
const optionalName = z
  .string()
  .trim()
  .max(MAX_NAME, { error: `must be at most ${MAX_NAME} characters` });
const nameOrNull = (name: string) => name.trim() || null;

const createSchema = withConfirmation(
  contract['users.create'].input.extend({ name: optionalName }),
  'password',
);
const roleOptions = ROLES.map((r) => ({ value: r, label: roleName(r) }));

export function CreateUserModal({
  organizationId,
  opened,
  onClose,
}: {
  organizationId?: string;
  opened: boolean;
  onClose: () => void;
}) {
  const organizations = useOrganizationOptions();
  const form = useForm({
    initialValues: {
      organizationId: organizationId ?? '',
      email: '',
      name: '',
      role: 'user' as UserDto['role'],
      password: '',
      confirmPassword: '',
    },
    validate: sentenceResolver(createSchema),
  });
  const create = useWrite('users.create', {
    success: (u) => `Created ${u.email}; confirm the account so it can sign in`,
  });
  const submit = form.onSubmit(async ({ confirmPassword: _c, ...values }) => {
    const input = { ...values, name: nameOrNull(values.name) };
    if (await submitWith(form, () => create.mutateAsync(input))) {
      form.reset();
      onClose();
    }
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New user">
      <form onSubmit={submit}>
        <Stack>
          <Select
            label="Organization"
            data={organizations}
            searchable
            {...form.getInputProps('organizationId')}
          />
          <Group grow>
            <TextInput label="Email" data-autofocus {...form.getInputProps('email')} />
            <TextInput label="Name" description="Optional" {...form.getInputProps('name')} />
          </Group>
          <Select
            label="Role"
            data={roleOptions}
            allowDeselect={false}
            {...form.getInputProps('role')}
          />
          <NewPasswordFields field="password" label="Password" getInputProps={form.getInputProps} />
          <FormActions onCancel={onClose} loading={create.isPending} submitLabel="Create user" />
        </Stack>
      </form>
    </Modal>
  );
}

const editSchema = contract['users.update'].input
  .omit({ id: true, version: true })
  .extend({ name: optionalName });
type UserValues = Pick<UserDto, 'email' | 'role'> & { name: string };

const USER_FIELDS: ConflictField<UserDto, UserValues>[] = [
  { label: 'Email', theirs: (u) => u.email, yours: (v) => v.email },
  { label: 'Name', theirs: (u) => u.name ?? '', yours: (v) => v.name.trim() },
  { label: 'Role', theirs: (u) => roleName(u.role), yours: (v) => roleName(v.role) },
];

export function EditUserModal({
  user,
  canChangeRole,
  opened,
  onClose,
}: {
  user: UserDto;
  canChangeRole: boolean;
  opened: boolean;
  onClose: () => void;
}) {
  const base = useOpenedRecord(user);
  const form = useForm<UserValues>({
    initialValues: { email: base.email, name: base.name ?? '', role: base.role },
    validate: sentenceResolver(editSchema),
  });
  const update = useWrite('users.update', {
    success: (u) => `Saved ${u.email}`,
    inPlace: ['CONFLICT'],
  });
  const versioned = useVersionedSave<UserDto, UserValues>({
    base,
    load: () => call('users.get', { id: base.id }),
    save: (version, values) => {
      const name = nameOrNull(values.name);
      const { id } = base;
      return update.mutateAsync(
        canChangeRole ? { id, version, ...values, name } : { id, version, name },
      );
    },
    onError: showFieldErrors(form),
  });
  const submit = form.onSubmit(async (values) => {
    if (await versioned.submit(values)) onClose();
  });
  return (
    <Modal opened={opened} onClose={onClose} title={`Edit ${base.email}`}>
      {versioned.conflict ? (
        <VersionedConflict
          versioned={{ ...versioned, conflict: versioned.conflict }}
          fields={USER_FIELDS}
          saving={update.isPending}
          onClose={onClose}
        />
      ) : (
        <form onSubmit={submit}>
          <Stack>
            <ChangedElsewhere kind="user" id={base.id} version={base.version} />
            <TextInput label="Email" disabled={!canChangeRole} {...form.getInputProps('email')} />
            <TextInput
              label="Name"
              description="Optional: clear it to remove the name"
              data-autofocus
              {...form.getInputProps('name')}
            />
            <Select
              label="Role"
              data={roleOptions}
              disabled={!canChangeRole}
              allowDeselect={false}
              {...form.getInputProps('role')}
            />
            <FormActions onCancel={onClose} loading={update.isPending} submitLabel="Save" />
          </Stack>
        </form>
      )}
    </Modal>
  );
}

const passwordSchema = withConfirmation(
  contract['users.setPassword'].input.pick({ password: true }),
  'password',
);

export function SetPasswordModal({
  user,
  opened,
  onClose,
}: {
  user: UserDto;
  opened: boolean;
  onClose: () => void;
}) {
  const form = useForm({
    initialValues: { password: '', confirmPassword: '' },
    validate: sentenceResolver(passwordSchema),
  });
  const set = useWrite('users.setPassword', {
    success: () => `New password set for ${user.email}; their sessions were ended`,
  });
  const submit = form.onSubmit(async ({ password }) => {
    if (await submitWith(form, () => set.mutateAsync({ id: user.id, password }))) {
      form.reset();
      onClose();
    }
  });
  return (
    <Modal opened={opened} onClose={onClose} title={`Set password of ${user.email}`}>
      <form onSubmit={submit}>
        <Stack>
          <NewPasswordFields
            field="password"
            label="New password"
            getInputProps={form.getInputProps}
          />
          <FormActions onCancel={onClose} loading={set.isPending} submitLabel="Set password" />
        </Stack>
      </form>
    </Modal>
  );
}
