import { MantineProvider } from '@mantine/core';
import { Notifications, notifications } from '@mantine/notifications';
import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BulkOutcome, BulkResult } from '../../src-shared/contract.ts';
import { showBulkSummary } from '../../src-renderer/components/bulk-summary.ts';

/* A bulk action's summary counts as done only the rows it changed. */

type Confirmed = BulkOutcome & { alreadyConfirmed: boolean };
const row = (label: string, alreadyConfirmed: boolean): Confirmed => ({
  id: label,
  label,
  outcome: 'done',
  error: null,
  alreadyConfirmed,
});
const result = (rows: Confirmed[]): BulkResult<Confirmed> => ({
  results: rows,
  done: rows.length,
  refused: 0,
});

afterEach(() => act(() => notifications.clean()));

function show(rows: Confirmed[]) {
  render(
    <MantineProvider env="test">
      <Notifications />
    </MantineProvider>,
  );
  act(() =>
    showBulkSummary('Confirm', result(rows), {
      was: (r) => r.alreadyConfirmed,
      label: 'already confirmed',
    }),
  );
}

describe('the bulk summary', () => {
  it('does not count a user already confirmed as done', async () => {
    show([
      row('a@x.test', false),
      row('b@x.test', false),
      row('c@x.test', false),
      row('d@x.test', false),
      row('e@x.test', true),
    ]);
    expect(await screen.findByText('Confirm: 4 done, 1 already confirmed')).toBeInTheDocument();
  });

  it('says only how many were done when every row changed', async () => {
    show([row('a@x.test', false), row('b@x.test', false)]);
    expect(await screen.findByText('Confirm: 2 done')).toBeInTheDocument();
  });
});
