import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { OrganizationDto } from '../../../src-shared/dto.ts';
import { useWrite } from '../../api/hooks.ts';
import { fieldSentence } from '../../components/forms.ts';

/** An administrator's maintenance: begun with a reason the tenant's refused writes will give, ended by hand. */
export function MaintenanceModal({
  organization,
  onClose,
}: {
  organization: OrganizationDto;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const on = organization.maintenance !== null;
  const set = useWrite('organizations.setMaintenance', {
    success: (o) =>
      o.maintenance ? `${o.name} is in maintenance` : `${o.name} is out of maintenance`,
    invalidates: ['organizations', 'agents', 'tenancy'],
  });
  const save = (input: { on: boolean; reason?: string }) =>
    set.mutate({ id: organization.id, ...input }, { onSuccess: onClose });
  return (
    <Modal opened onClose={onClose} title={on ? 'End maintenance' : 'Put in maintenance'}>
      <Stack>
        {on ? (
          <Text size="sm">
            {organization.name} accepts changes again once its maintenance ends. It was put there
            for: {organization.maintenance?.reason}
          </Text>
        ) : (
          <>
            <Text size="sm">
              While in maintenance, every change to {organization.name} and its agents is refused
              with the reason below; reading goes on.
            </Text>
            <TextInput
              label="Reason"
              description="Shown to whoever tries to change it"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={fieldSentence(set.error?.fields?.reason)}
              maxLength={200}
              data-autofocus
              required
            />
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          {on ? (
            <Button loading={set.isPending} onClick={() => save({ on: false })}>
              End maintenance
            </Button>
          ) : (
            <Button
              color="yellow"
              disabled={reason.trim() === ''}
              loading={set.isPending}
              onClick={() => save({ on: true, reason: reason.trim() })}
            >
              Put in maintenance
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
