import { mutationConfig } from './test/mutation/vitest-project.ts';

/** src-shared/domain: pure rules, each stated by a unit test. */
export default mutationConfig({
  unit: [
    'test/unit/access-policy-mutations.test.ts',
    'test/unit/agent-config.test.ts',
    'test/unit/audit-vocabulary.test.ts',
    'test/unit/agent-document.test.ts',
    'test/unit/agent-machine.test.ts',
    'test/unit/billing.test.ts',
    'test/unit/database-url-rules.test.ts',
    'test/unit/decisions.test.ts',
    'test/unit/display-names.test.ts',
    'test/unit/effective-prompt.test.ts',
    'test/unit/events.test.ts',
    'test/unit/fields.test.ts',
    'test/unit/input-messages.test.ts',
    'test/unit/limits.test.ts',
    'test/unit/migration-words.test.ts',
    'test/unit/password.test.ts',
    'test/unit/permissions.test.ts',
    'test/unit/slug.test.ts',
    'test/unit/tiers.test.ts',
    'test/unit/utf8.test.ts',
  ],
});
