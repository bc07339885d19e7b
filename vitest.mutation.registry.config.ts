import { mutationConfig } from './test/mutation/vitest-project.ts';

/**
 * src-main/ipc/registry: the declarations are checked by unit tests (their
 * mutants are static: each runs every file here until one fails); compose.ts,
 * the combinator every call goes through, by the integration tests that
 * reach each of its steps (access, scope, record, version, audit, bulk rows,
 * operations audited whatever their outcome). The policy matrix is left
 * out: its world takes minutes to build, once per mutant it covers (every
 * one on the path of a call); registry-records.test.ts takes the same
 * access steps on a few calls.
 */
export default mutationConfig({
  unit: ['test/unit/registry-declarations.test.ts', 'test/unit/access-policy-mutations.test.ts'],
  integration: [
    'test/integration/registry-records.test.ts',
    'test/integration/router.test.ts',
    'test/integration/agents.test.ts',
    'test/integration/bulk-actions.test.ts',
    'test/integration/audit.test.ts',
    'test/integration/edit-conflicts.test.ts',
    'test/integration/database-audit.test.ts',
  ],
});
