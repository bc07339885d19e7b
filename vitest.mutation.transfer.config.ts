import { mutationConfig } from './test/mutation/vitest-project.ts';

/** src-main/db/transfer: moves and backups between real databases. */
export default mutationConfig({
  integration: ['test/integration/transfer.test.ts', 'test/integration/transfer-kill.test.ts'],
});
