import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconEye } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { contract, type SessionUser } from '../../src-shared/contract.ts';
import { roleName } from '../../src-shared/domain/enums.ts';
import { useWrite } from '../api/hooks.ts';
import { FormActions } from '../components/FormActions.tsx';
import { sentenceResolver, submitWith } from '../components/forms.ts';
import { useSession } from './session.tsx';

/*
 * View as (issue 29): an administrator sees the console as another user,
 * read-only, for a reason they give; the banner says whom, and is the way
 * back. The main process decides everything (every call is that user's,
 * every write answers READ_ONLY_VIEW); the screens only follow auth.me.
 */

const reasonSchema = contract['auth.viewAs'].input.pick({ reason: true });

export function ViewAsModal({
  user,
  opened,
  onClose,
}: {
  user: Pick<SessionUser, 'id' | 'email'>;
  opened: boolean;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const form = useForm({ initialValues: { reason: '' }, validate: sentenceResolver(reasonSchema) });
  const view = useWrite('auth.viewAs', { invalidates: ['auth'] });
  const submit = form.onSubmit(async ({ reason }) => {
    if (await submitWith(form, () => view.mutateAsync({ userId: user.id, reason }))) {
      onClose();
      await navigate('/fleet');
    }
  });
  return (
    <Modal opened={opened} onClose={onClose} title={`View as ${user.email}`}>
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">
            The console shows what {user.email} sees, with their role and organization, for 30
            minutes at most. Nothing can be changed meanwhile. The start and the end are recorded in
            the audit log with your reason.
          </Text>
          <Textarea
            label="Reason"
            description="Why you need to see their console (a ticket, a question)"
            required
            autosize
            minRows={2}
            data-autofocus
            {...form.getInputProps('reason')}
          />
          <FormActions onCancel={onClose} loading={view.isPending} submitLabel="View as them" />
        </Stack>
      </form>
    </Modal>
  );
}

/** Above every screen while viewing as someone: whom, that nothing changes, and the way back. */
export function ViewAsBanner() {
  const { viewingAs } = useSession();
  const navigate = useNavigate();
  const end = useWrite('auth.endViewAs', { invalidates: ['auth'] });
  if (!viewingAs) return null;
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconEye size={18} aria-hidden />}
      title={`Viewing the console as ${viewingAs.name ?? viewingAs.email}`}
      mb="lg"
      // named by its title: whom the console is shown as
      role="region"
    >
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Text size="sm">
          {viewingAs.email} · {roleName(viewingAs.role)} · {viewingAs.organizationName}. Read-only:
          nothing can be changed. It ends by itself after 30 minutes.
        </Text>
        <Button
          size="xs"
          color="orange"
          loading={end.isPending}
          onClick={() => end.mutate({}, { onSuccess: () => void navigate('/users') })}
        >
          End view, back to my console
        </Button>
      </Group>
    </Alert>
  );
}
