import { mutationConfig } from './test/mutation/vitest-project.ts';

/**
 * src-main/db/transfer, the parts that only query PostgreSQL: files that
 * copy a template world (test/support/template-database.ts) instead of
 * migrating and filling a database of their own, so that a run of one
 * mutant costs seconds. docs/testing.md says which files are measured.
 * The copy's, the import's and the export's worlds are made inside each
 * test in a mutation run (test/support/shared-world.ts), so that a mutant
 * runs only the tests that ran its code; the few still static (run when a
 * module loads) run every file in this order until one fails: the copy's and the import's files first, as
 * most mutants are theirs.
 */
export default mutationConfig({
  unit: ['test/unit/clone-names.test.ts'],
  integration: [
    'test/integration/copy-into.test.ts',
    'test/integration/tenant-import.test.ts',
    'test/integration/tenant-export.test.ts',
    'test/integration/database-source.test.ts',
    'test/integration/tenant-lanes.test.ts',
  ],
});
