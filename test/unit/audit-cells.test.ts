import { describe, expect, it } from 'vitest';
import { changeText, targetText } from '../../src-renderer/features/audit/audit-cells.ts';

/* The Audit screen's cells, for records and for database work. */

describe('the Audit screen’s cells', () => {
  it('shortens a record’s id', () => {
    expect(targetText('organization', '0b6c4c1e-9f0a-4b7e-8a51-3f1e2d9c7a10')).toBe(
      'organization 0b6c4c1e',
    );
  });

  it('shows a database and a file whole', () => {
    expect(targetText('database', 'postgres://app:•••@db.example:5432/fleet')).toBe(
      'database postgres://app:•••@db.example:5432/fleet',
    );
    expect(targetText('file', '/home/op/backups/fleetprompt-2026.fpbackup')).toBe(
      'file /home/op/backups/fleetprompt-2026.fpbackup',
    );
  });

  it('shows a change from one value to another', () => {
    expect(changeText({ from: 'embedded', to: 'postgres://app:•••@db/fleet' })).toBe(
      'embedded → postgres://app:•••@db/fleet',
    );
  });

  it('shows a value recorded as it was (an outcome, a count) alone', () => {
    expect(changeText({ to: 'failed' })).toBe('failed');
    expect(changeText({ to: 1204 })).toBe('1204');
  });
});
