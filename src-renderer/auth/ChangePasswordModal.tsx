import { Modal, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { zod4Resolver } from 'mantine-form-zod-resolver';
import { NewPasswordFields, withConfirmation } from '../components/NewPasswordFields.tsx';
import { contract } from '../../src-shared/contract.ts';
import { useWrite } from '../api/hooks.ts';
import { FormActions } from '../components/FormActions.tsx';

const schema = withConfirmation(contract['auth.changePassword'].input, 'newPassword');

export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    validate: zod4Resolver(schema),
  });
  const change = useWrite('auth.changePassword', {
    success: () => 'Password changed',
    invalidates: [],
  });
  const submit = form.onSubmit(async ({ confirmPassword: _c, ...values }) => {
    try {
      await change.mutateAsync(values);
      form.reset();
      onClose();
    } catch (e) {
      const fields = (e as { fields?: Record<string, string> }).fields;
      if (fields) form.setErrors(fields);
    }
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Change password">
      <form onSubmit={submit}>
        <Stack>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            {...form.getInputProps('currentPassword')}
          />
          <NewPasswordFields
            field="newPassword"
            label="New password"
            getInputProps={form.getInputProps}
          />
          <FormActions
            onCancel={onClose}
            loading={change.isPending}
            submitLabel="Change password"
          />
        </Stack>
      </form>
    </Modal>
  );
}
