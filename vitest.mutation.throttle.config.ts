import { mutationConfig } from './test/mutation/vitest-project.ts';

/**
 * src-main/services/sign-in-throttle.ts: counted in the database, so only
 * integration tests reach it; unlock.test.ts for the locks an
 * administrator sees and ends (locksOf, unlockEmail).
 */
export default mutationConfig({
  integration: ['test/integration/sign-in.test.ts', 'test/integration/unlock.test.ts'],
});
