import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { ReactNode } from 'react';
import { contract } from '../../src-shared/contract.ts';
import { useWrite } from '../api/hooks.ts';
import { sentenceResolver, submitWith } from '../components/forms.ts';
import { NewPasswordFields, withConfirmation } from '../components/NewPasswordFields.tsx';

const schema = withConfirmation(contract['auth.changePassword'].input, 'newPassword');

/** The current password, then a new one typed twice: the change-password dialog and first sign-in share it. */
export function ChangePasswordForm({
  onDone,
  secondary,
  submitLabel,
}: {
  onDone: () => void;
  /** Cancel (the dialog) or Sign out (the first sign-in screen). */
  secondary: ReactNode;
  submitLabel: string;
}) {
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    validate: sentenceResolver(schema),
  });
  const change = useWrite('auth.changePassword', {
    success: () => 'Password changed',
    invalidates: ['auth'],
  });
  const submit = form.onSubmit(async ({ confirmPassword: _c, ...values }) => {
    if (await submitWith(form, () => change.mutateAsync(values))) {
      form.reset();
      onDone();
    }
  });
  return (
    <form onSubmit={submit}>
      <Stack>
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          data-autofocus
          {...form.getInputProps('currentPassword')}
        />
        <NewPasswordFields
          field="newPassword"
          label="New password"
          getInputProps={form.getInputProps}
        />
        <Group justify="flex-end">
          {secondary}
          <Button type="submit" loading={change.isPending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
