import { notifications } from '@mantine/notifications';
import type { BulkResult } from '../../src-shared/contract.ts';

/**
 * One notification for a bulk action: how many were done, and each refusal
 * with its reason (the first few; the count says how many more).
 */
export function showBulkSummary(action: string, result: BulkResult): void {
  const refusals = result.results.filter((r) => r.outcome === 'refused');
  const lines = refusals
    .slice(0, 5)
    .map((r) => `${r.label ?? 'Not found'}: ${r.error?.message ?? 'refused'}`);
  if (refusals.length > 5) lines.push(`and ${refusals.length - 5} more`);
  notifications.show({
    color: result.refused === 0 ? 'teal' : result.done === 0 ? 'red' : 'yellow',
    title: `${action}: ${result.done} done${result.refused ? `, ${result.refused} refused` : ''}`,
    message: lines.length > 0 ? lines.join('\n') : 'Every selected row was done.',
    style: { whiteSpace: 'pre-line' },
    autoClose: result.refused ? 12_000 : 5_000,
  });
}
