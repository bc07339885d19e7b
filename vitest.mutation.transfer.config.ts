import { mutationConfig } from './test/mutation/vitest-project.ts';

/**
 * src-main/db/transfer, the part measured so far: reading an archive
 * (bounded lines, printable labels, PostgreSQL's COPY text), stated by a
 * unit file. The moves, backups and tenant archives need the integration
 * files (transfer, tenant-transfer, crafted-archives, daily-backups), each
 * 20 s to 2 min a run on this machine, once per mutant they cover:
 * docs/testing.md says what remains.
 */
export default mutationConfig({ unit: ['test/unit/archive-reading.test.ts'] });
