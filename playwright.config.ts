import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/e2e/chromium.ts';

/**
 * End-to-end tests drive the real screens through headless mode on a fresh
 * database, in the browser `test/e2e/chromium.ts` chooses.
 */

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/playwright',
  globalSetup: './test/e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // CI asks for a JSON report per leg (E2E_JSON) to print its counts
  reporter: process.env.E2E_JSON
    ? [['list'], ['json', { outputFile: process.env.E2E_JSON }]]
    : [['list']],
  use: {
    // what a failed test saw, beside its error
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
    actionTimeout: 10_000,
    launchOptions: chromiumLaunchOptions,
  },
});
