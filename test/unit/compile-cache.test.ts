import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const home = mkdtempSync(join(tmpdir(), 'fleetprompt-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The folder a fresh Node process compiles into after useCompileCache(), with `env` (Node adds one per version). */
function cacheDirWith(env: Record<string, string>): string {
  const { NODE_COMPILE_CACHE: _inherited, ...rest } = process.env;
  const script =
    "const { useCompileCache } = await import('./src-main/cli/compile-cache.ts');" +
    "useCompileCache(); console.log((await import('node:module')).getCompileCacheDir());";
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...rest, ...env },
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  return dirname(run.stdout.trim());
}

describe('the compile cache of the CLI', () => {
  it("lives in the user's own folder, not Node's default in the shared temporary folder", () => {
    expect(cacheDirWith({ HOME: home })).toBe(join(home, '.cache', 'fleetprompt', 'compile-cache'));
  });

  it('goes where NODE_COMPILE_CACHE says when it is set', () => {
    const elsewhere = join(home, 'elsewhere');
    expect(cacheDirWith({ HOME: home, NODE_COMPILE_CACHE: elsewhere })).toBe(elsewhere);
  });
});
