import { mutationConfig } from './test/mutation/vitest-project.ts';

/** src-main/services/sign-in-throttle.ts: counted in the database, so only integration tests reach it. */
export default mutationConfig({ integration: ['test/integration/sign-in.test.ts'] });
