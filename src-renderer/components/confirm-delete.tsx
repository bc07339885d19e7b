import { Text } from '@mantine/core';
import { modals } from '@mantine/modals';

/** Asks before anything is deleted; the red button names what it deletes. */
export function confirmDelete(options: {
  title: string;
  consequence: string;
  confirmLabel: string;
  onConfirm: () => void;
}) {
  modals.openConfirmModal({
    title: options.title,
    children: <Text size="sm">{options.consequence}</Text>,
    labels: { confirm: options.confirmLabel, cancel: 'Cancel' },
    confirmProps: { color: 'red' },
    onConfirm: options.onConfirm,
  });
}
