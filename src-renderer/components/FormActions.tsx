import { Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * The footer of every form dialog: Cancel, then the submit button that
 * names what it does. It stays in sight at the bottom of a dialog taller
 * than the window (an agent's long prompt at 1024×700), so Save never
 * needs scrolling to.
 */
export function FormActions({
  onCancel,
  loading,
  submitLabel,
}: {
  onCancel: () => void;
  loading: boolean;
  submitLabel: ReactNode;
}) {
  return (
    <Group
      justify="flex-end"
      py="xs"
      style={{
        position: 'sticky',
        bottom: 0,
        zIndex: 1,
        background: 'var(--mantine-color-body)',
      }}
    >
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" loading={loading}>
        {submitLabel}
      </Button>
    </Group>
  );
}
