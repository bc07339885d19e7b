import { mutationConfig } from './test/mutation/vitest-project.ts';

/**
 * src-main/ipc/registry: the declarations, and the steps that decide from
 * what they are given (admission and step-up, a loaded record's owner and
 * version, a bulk call's rows), by unit tests: most mutants here are static
 * (evaluated when a registration loads), and each of those runs every file
 * until one fails. registry-records.test.ts takes the steps that need the
 * database (scope, transaction, record, audit, maintenance, each function a
 * registration wraps) on a few calls in one harness. The broader
 * integration files (the policy matrix, agents, bulk actions, audit, step-
 * up…) are left out: each builds a world of its own per mutant it covers,
 * which took a run past two hours.
 */
export default mutationConfig({
  unit: [
    'test/unit/registry-declarations.test.ts',
    'test/unit/registry-steps.test.ts',
    'test/unit/access-policy-mutations.test.ts',
  ],
  integration: ['test/integration/registry-records.test.ts'],
});
