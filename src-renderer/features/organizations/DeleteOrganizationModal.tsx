import { Alert, Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { OrganizationDto } from '../../../src-shared/dto.ts';
import { counted } from '../../../src-shared/plural.ts';
import { useWrite } from '../../api/hooks.ts';
import { DANGER_COLOR } from '../../theme.ts';
import { fieldSentence } from '../../components/forms.ts';

/** Deleting drops the organization's data and every user: the operator retypes the slug first. */
export function DeleteOrganizationModal({
  organization,
  opened,
  onClose,
}: {
  organization: OrganizationDto;
  opened: boolean;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  const client = useQueryClient();
  // refreshed only once the page has left the organization: refetched first, the page would
  // answer "not found" and close this dialog before it could take the operator to the list
  const remove = useWrite('organizations.delete', {
    success: () => `Deleted ${organization.name} and all its data`,
    invalidates: [],
  });
  const confirmed = typed === organization.slug;
  const submit = () => {
    if (!confirmed || remove.isPending) return;
    remove.mutate(
      { id: organization.id, confirmSlug: typed },
      {
        onSuccess: () => {
          navigate('/organizations');
          void client.invalidateQueries({ queryKey: ['organizations'] });
        },
      },
    );
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`Delete ${organization.name}`}>
      {/* a form, so that Enter in the slug field deletes once the slug is typed */}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack>
          <Alert color="red" title="This cannot be undone">
            All of this organization&apos;s data, its {counted(organization.agentCount, 'agent')}{' '}
            with their history, and every user of this organization will be deleted.
          </Alert>
          <TextInput
            label={
              <Text size="sm">
                Type <Code>{organization.slug}</Code> to confirm
              </Text>
            }
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            error={fieldSentence(remove.error?.fields?.confirmSlug)}
            data-autofocus
            autoComplete="off"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              color={DANGER_COLOR}
              disabled={!confirmed}
              loading={remove.isPending}
            >
              Delete organization
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
