import { Stack, Text, VisuallyHidden } from '@mantine/core';
import type { AuditEventDto } from '../../../src-shared/contract.ts';
import { changeRows } from './audit-cells.ts';

/** An event's changes, a line per field: "Tier  free → pro", or the value alone when nothing came before. */
export function ChangeList({ changes }: { changes: AuditEventDto['changes'] }) {
  const rows = changeRows(changes);
  if (rows.length === 0) return null;
  return (
    <Stack gap={2} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {rows.map((row) => (
        <Text
          component="li"
          size="xs"
          key={row.field}
          lineClamp={3}
          style={{ overflowWrap: 'anywhere' }}
        >
          <Text span fw={600} size="xs">
            {row.field}
          </Text>{' '}
          {row.before !== null && (
            <>
              <Text span size="xs" c="dimmed">
                {row.before}
              </Text>
              <span aria-hidden> → </span>
              <VisuallyHidden>changed to</VisuallyHidden>{' '}
            </>
          )}
          {row.after}
        </Text>
      ))}
    </Stack>
  );
}
