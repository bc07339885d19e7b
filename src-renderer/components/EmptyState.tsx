import { Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import type { Refusal } from '../../src-shared/domain/limits.ts';
import { Refusable } from './Refusable.tsx';

/**
 * An empty card or list, and under it the way to fill it when the operator
 * may: the create action, disabled with its reason when the rules refuse it.
 */
export function EmptyState({
  text,
  create,
}: {
  text: string;
  /** Absent (or false) for a role that may not create here. */
  create?: { label: string; onClick: () => void; refusal?: Refusal | null } | false | undefined;
}) {
  return (
    <Stack gap="xs" align="flex-start">
      <Text c="dimmed" size="sm">
        {text}
      </Text>
      {create && (
        <Refusable
          refusal={create.refusal ?? null}
          variant="light"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={create.onClick}
        >
          {create.label}
        </Refusable>
      )}
    </Stack>
  );
}
