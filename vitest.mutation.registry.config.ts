import { mutationConfig } from './test/mutation/vitest-project.ts';

/**
 * src-main/ipc/registry: the declarations are checked by unit tests (fast:
 * their mutants are static, so each runs every test file here); compose.ts,
 * the combinator every call goes through, by the integration tests that
 * reach each of its steps.
 */
export default mutationConfig({
  unit: ['test/unit/registry-declarations.test.ts', 'test/unit/access-policy-mutations.test.ts'],
  integration: [
    'test/integration/router.test.ts',
    'test/integration/edit-conflicts.test.ts',
    'test/integration/bulk-actions.test.ts',
    'test/integration/audit.test.ts',
    'test/integration/database-audit.test.ts',
    'test/integration/demo-data.test.ts',
    'test/integration/event-audience.test.ts',
    'test/integration/policy-matrix.test.ts',
  ],
});
