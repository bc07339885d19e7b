import { mutationConfig } from './test/mutation/vitest-project.ts';

/**
 * src-main/db/transfer, the parts that only query PostgreSQL: files that
 * copy a template world (test/support/template-database.ts) instead of
 * migrating and filling a database of their own, so that a run of one
 * mutant costs seconds. docs/testing.md says which files are measured.
 * Most of these mutants are static (their code runs in a file's beforeAll,
 * which Stryker attributes to no test), so each runs every file in this
 * order until one fails: the copy's and the import's files first, as most
 * mutants are theirs.
 */
export default mutationConfig({
  unit: ['test/unit/clone-names.test.ts'],
  integration: [
    'test/integration/copy-into.test.ts',
    'test/integration/tenant-import.test.ts',
    'test/integration/tenant-export.test.ts',
    'test/integration/database-source.test.ts',
  ],
});
