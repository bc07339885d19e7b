import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/*
 * The walls of DESIGN.md fail `npm run lint`: each case lints a small
 * offending file, placed where the wall stands, with the project's config.
 */

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

// each lint follows the imports of the whole tree for the cycle rule: seconds on a busy machine
describe('the walls between layers', { timeout: 60_000 }, () => {
  it.each([
    [
      'src-shared importing node:',
      'src-shared/probe.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    ],
    [
      'src-shared importing electron',
      'src-shared/probe.ts',
      "import { app } from 'electron';\nexport const x = app;\n",
    ],
    [
      'src-shared importing src-main',
      'src-shared/probe.ts',
      "import { APP_VERSION } from '../src-main/version.ts';\nexport const x = APP_VERSION;\n",
    ],
    [
      'src-shared importing src-renderer',
      'src-shared/probe.ts',
      "import { theme } from '../src-renderer/theme.ts';\nexport const x = theme;\n",
    ],
    [
      'src-shared using document',
      'src-shared/probe.ts',
      'export const title = () => document.title;\n',
    ],
    [
      'src-renderer importing src-main',
      'src-renderer/probe.ts',
      "import { createRouter } from '../src-main/ipc/router.ts';\nexport const x = createRouter;\n",
    ],
    [
      'src-main/services importing electron',
      'src-main/services/probe.ts',
      "import { app } from 'electron';\nexport const x = app;\n",
    ],
    [
      'src-main/identity importing electron',
      'src-main/identity/probe.ts',
      "import { safeStorage } from 'electron';\nexport const x = safeStorage;\n",
    ],
    [
      'src-main/identity reaching up into a transport',
      'src-main/identity/probe.ts',
      "import { startHeadless } from '../headless/server.ts';\nexport const x = startHeadless;\n",
    ],
    [
      'src-main/db importing electron',
      'src-main/db/probe.ts',
      "import { dialog } from 'electron';\nexport const x = dialog;\n",
    ],
    [
      'the router importing a transport',
      'src-main/ipc/probe.ts',
      "import { startHeadless } from '../headless/server.ts';\nexport const x = startHeadless;\n",
    ],
    [
      'the router importing the Electron binding',
      'src-main/ipc/router-probe.ts',
      "import { bindIpc } from '../electron/ipc-binding.ts';\nexport const x = bindIpc;\n",
    ],
    [
      'src-main importing src-renderer',
      'src-main/electron/probe.ts',
      "import { theme } from '../../src-renderer/theme.ts';\nexport const x = theme;\n",
    ],
    [
      'seeds importing src-main',
      'seeds/probe.ts',
      "import { APP_VERSION } from '../src-main/version.ts';\nexport const x = APP_VERSION;\n",
    ],
  ])('%s fails lint', async (_wall, filePath, code) => {
    expect((await problems(filePath, code)).join('\n')).toMatch(
      /no-restricted-imports|no-restricted-globals/,
    );
  });

  it('an import cycle fails lint', async () => {
    // db/tenancy.ts importing the organizations service, which imports db/tenancy.ts
    const code = `${readFileSync('src-main/db/tenancy.ts', 'utf8')}\nexport { createOrganization } from '../services/organizations.ts';\n`;
    expect((await problems('src-main/db/tenancy.ts', code)).join('\n')).toMatch(/walls\/no-cycle/);
  });

  it.each([
    ['import type { Work }', "import type { Work } from './work.ts';"],
    ['import { type Work }', "import { type Work } from './work.ts';"],
  ])('an import cycle of types only (%s) fails lint', async (_form, line) => {
    // services/work.ts takes its Changes type from services/audit.ts
    const code = `${readFileSync('src-main/services/audit.ts', 'utf8')}\n${line}\nexport type Probe = Work;\n`;
    expect((await problems('src-main/services/audit.ts', code)).join('\n')).toMatch(
      /walls\/no-cycle/,
    );
  });

  // every file of the tree, read with the type checker's parser: seconds on a busy machine
  it('the code as it stands passes every wall', async () => {
    const results = await eslint.lintFiles([
      'src-shared',
      'src-main',
      'src-renderer',
      'seeds',
      'migrations',
    ]);
    const breaches = results.flatMap((r) =>
      r.messages
        .filter((m) => /no-restricted|no-cycle/.test(m.ruleId ?? ''))
        .map((m) => `${r.filePath}: ${m.message}`),
    );
    expect(breaches).toEqual([]);
  });
});
