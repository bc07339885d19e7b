import { mutationConfig } from './test/mutation/vitest-project.ts';

/**
 * src-main/db/transfer, the part unit files can state: reading an archive
 * (bounded lines, printable labels, PostgreSQL's COPY text), writing and
 * reading its sections, a whole backup and an organization's archive
 * written and checked, the schedule of daily backups and what a move or
 * restore refuses before it reaches a database, and what a copy decides
 * from a description (table order, shape differences, snapshot batches,
 * the SQL naming a table). The parts that only query PostgreSQL need the
 * integration files (transfer, tenant-transfer, crafted-archives,
 * daily-backups), each 20 s to 2 min a run on this machine, once per
 * mutant they cover: docs/testing.md says what remains.
 */
// a static mutant (a schema, a constant) runs every file: those that kill most come first, the gzip bomb last
export default mutationConfig({
  unit: [
    'test/unit/backup-archive.test.ts',
    'test/unit/tenant-archive.test.ts',
    'test/unit/archive-lines.test.ts',
    'test/unit/transfer-shapes.test.ts',
    'test/unit/transfer-operations.test.ts',
    'test/unit/archive-reading.test.ts',
  ],
});
