import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Browser, type Locator, type Page } from '@playwright/test';

export const SCREENS_DIR = 'test-results/screens';

/** A new browser window on the console (its own window id, so its own session). */
export async function openConsole(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(process.env.E2E_URL ?? '');
  return page;
}

/**
 * `FLEETPROMPT_E2E_SCREENS=skip` runs every test without photographing or
 * auditing its screens. CI's PostgreSQL 15 leg sets it: what a screen shows,
 * and its accessibility, do not depend on which server holds the data, and
 * the embedded leg of the same run photographs and audits every one of them;
 * the two-scheme, two-size captures were about half of a leg's browser time.
 */
const screensChecked = process.env.FLEETPROMPT_E2E_SCREENS !== 'skip';

/** The WCAG 2.0/2.1/2.2 A and AA rules axe-core knows. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/**
 * Fails the test on any axe-core violation of WCAG A/AA on what is on
 * screen, naming each. Notifications of earlier steps are left out unless
 * asked for: they may be fading in or out over the screen (a moment's
 * contrast), and `toastAudited` checks them settled.
 */
export async function audit(
  page: Page,
  name: string,
  options: { notifications?: boolean } = {},
): Promise<void> {
  // axe.run in the page itself: the default (runPartial per frame, then finishRun) opens
  // a blank window for every audit, most of a second each on two cores; the console
  // has no frames, let alone cross-origin ones, which is all the default adds
  const builder = new AxeBuilder({ page }).withTags(WCAG_TAGS).setLegacyMode();
  if (!options.notifications) builder.exclude('.mantine-Notifications-root');
  const results = await builder.analyze();
  const found = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', ')}`,
  );
  expect(found, `accessibility violations on ${name}`).toEqual([]);
}

/**
 * Screenshots of the current screen in light and dark, each audited with
 * axe-core: a screen or dialog that is looked at is also checked.
 */
export async function snap(page: Page, name: string): Promise<void> {
  if (!screensChecked) return;
  mkdirSync(SCREENS_DIR, { recursive: true });
  // a full-page capture taken scrolled down paints the fixed header mid-page
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const scheme of ['light', 'dark'] as const) {
    await inScheme(page, scheme);
    await page.screenshot({
      path: `${SCREENS_DIR}/${name}-${scheme}.png`,
      fullPage: true,
      // notifications of earlier steps would cover the screen
      style: '.mantine-Notifications-root { display: none !important; }',
    });
    await audit(page, `${name} (${scheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * The console painted in `scheme` and at rest: every transition and
 * animation that ends (colours fading to the new scheme's, a dialog
 * opening) is taken to its end, as Playwright's own `animations:
 * 'disabled'` does. A photograph or a contrast check taken mid-way would
 * see colours that are never at rest, and the fixed pause this replaces
 * (150 ms) was shorter than Mantine's transitions (200 ms).
 */
async function inScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.waitForFunction(
    (wanted) => document.documentElement.getAttribute('data-mantine-color-scheme') === wanted,
    scheme,
  );
  await page.evaluate(async () => {
    // two frames: a change of scheme starts its transitions on the next style recalculation
    for (let frame = 0; frame < 2; frame++)
      await new Promise((painted) => requestAnimationFrame(painted));
    for (const animation of document.getAnimations())
      if (animation.effect?.getTiming().iterations !== Infinity) animation.finish();
  });
}

/** The two windows issue #34 asks every screen to hold in: wide, and a small laptop's. */
const OPERATOR_SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
] as const;

/**
 * The screen photographed (and audited) at both operator sizes, light and
 * dark, named `<name>-<width>`; the window is given back at the size it had.
 */
export async function snapAtBothSizes(page: Page, name: string): Promise<void> {
  if (!screensChecked) return;
  const before = page.viewportSize();
  for (const size of OPERATOR_SIZES) {
    await page.setViewportSize(size);
    await snap(page, `${name}-${size.width}`);
  }
  if (before) await page.setViewportSize(before);
}

/** Nothing on the screen is wider than the window: no sideways scrolling, page or table. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflowing = await page.evaluate(() =>
    [
      document.documentElement,
      ...document.querySelectorAll('main, main table, main [data-scrollarea-viewport]'),
    ]
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => el.tagName.toLowerCase()),
  );
  expect(overflowing, 'wider than the window').toEqual([]);
}

/** Presses Tab until `target` has the focus (at most twenty times). */
export async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The screen right after a first sign-in with a password someone else set: choose one's own. */
export async function choosePassword(page: Page, current: string, next: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  await page.getByLabel('Current password').fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('New password again').fill(next);
  await page.getByRole('button', { name: 'Set password and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Choose your password' })).toHaveCount(0);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Account of/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
}

/** Picks an option of a Mantine Select by its label and the option's text. */
export async function choose(
  page: Page,
  label: string | RegExp,
  option: string | RegExp,
): Promise<void> {
  await page.getByRole('combobox', { name: label, exact: typeof label === 'string' }).click();
  await page.getByRole('option', { name: option }).first().click();
}

export async function go(page: Page, screen: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('link', { name: screen })
    .click();
}

/** `npm run seed` against a console's database, as a second process. */
export function seed(console: { home: string; databaseUrl: string | undefined }): string {
  const env: NodeJS.ProcessEnv = { ...process.env, FLEETPROMPT_HOME: console.home };
  if (console.databaseUrl) env.DATABASE_URL = console.databaseUrl;
  else delete env.DATABASE_URL;
  const run = spawnSync(process.execPath, ['src-main/cli/seed.ts'], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`seed failed: ${run.stderr}`);
  return run.stdout;
}

export async function toast(page: Page, text: string | RegExp) {
  await expect(
    page.locator('.mantine-Notification-root').filter({ hasText: text }).first(),
  ).toBeVisible();
}

/** A notification, once it has settled on screen, audited like a screen in both schemes. */
export async function toastAudited(page: Page, text: string | RegExp, name: string) {
  await toast(page, text);
  if (!screensChecked) return;
  for (const scheme of ['light', 'dark'] as const) {
    await inScheme(page, scheme);
    await audit(page, `${name} (${scheme})`, { notifications: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
