import { notifications } from '@mantine/notifications';
import type { BulkOutcome, BulkResult } from '../../src-shared/contract.ts';

/**
 * One notification for a bulk action: how many were done, how many needed
 * nothing (`unchanged`: a row done that was already so, never counted as
 * done), and each refusal with its reason (the first few; the count says
 * how many more).
 */
export function showBulkSummary<T extends BulkOutcome>(
  action: string,
  result: BulkResult<T>,
  unchanged?: { was: (row: T) => boolean; label: string },
): void {
  const refusals = result.results.filter((r) => r.outcome === 'refused');
  const already = unchanged
    ? result.results.filter((r) => r.outcome === 'done' && unchanged.was(r)).length
    : 0;
  const done = result.done - already;
  const lines = refusals
    .slice(0, 5)
    .map((r) => `${r.label ?? 'Not found'}: ${r.error?.message ?? 'refused'}`);
  if (refusals.length > 5) lines.push(`and ${refusals.length - 5} more`);
  const parts = [
    `${done} done`,
    ...(already && unchanged ? [`${already} ${unchanged.label}`] : []),
    ...(result.refused ? [`${result.refused} refused`] : []),
  ];
  notifications.show({
    color: result.refused === 0 ? 'teal' : result.done === 0 ? 'red' : 'yellow',
    title: `${action}: ${parts.join(', ')}`,
    message:
      lines.length > 0
        ? lines.join('\n')
        : already
          ? 'Nothing was refused.'
          : 'Every selected row was done.',
    style: { whiteSpace: 'pre-line' },
    autoClose: result.refused ? 12_000 : 5_000,
  });
}
