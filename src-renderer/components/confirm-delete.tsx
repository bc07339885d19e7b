import { Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { DANGER_COLOR } from '../theme.ts';

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
    confirmProps: { color: DANGER_COLOR },
    onConfirm: options.onConfirm,
  });
}
