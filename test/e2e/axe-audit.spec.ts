import { expect } from '@playwright/test';
import { test } from './fixtures.ts';
import { audit, openConsole } from './support.ts';

/*
 * The audit every screen passes must be able to fail: a violation planted on
 * the sign-in page is named, both one axe finds by the page's structure and
 * one it finds by the colours painted.
 */

test('the accessibility audit names violations planted on a screen', async ({ browser }) => {
  const page = await openConsole(browser);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.evaluate(() => {
    const faint = document.createElement('p');
    faint.textContent = 'grey on grey';
    faint.style.cssText = 'color: #8a8a8a; background: #959595';
    const unnamed = document.createElement('button');
    unnamed.innerHTML = '<svg width="16" height="16"></svg>';
    document.body.append(faint, unnamed);
  });
  await expect(audit(page, 'planted violations')).rejects.toThrow(
    /color-contrast[\s\S]*button-name|button-name[\s\S]*color-contrast/,
  );
});

/** WCAG 2.x relative luminance contrast of two `rgb(...)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r = 0, g = 0, bl = 0] = (colour.match(/[\d.]+/g) ?? []).map(Number).map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

// axe does not judge focus indicators: WCAG 1.4.11 asks 3:1 between the ring and what is around it
test('the keyboard focus ring stands 3:1 apart from the surface around it in both schemes', async ({
  browser,
}) => {
  const page = await openConsole(browser);
  await page.getByLabel('Password', { exact: true }).focus();
  await page.keyboard.press('Tab');
  const signIn = page.getByRole('button', { name: 'Sign in' });
  await expect(signIn).toBeFocused();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const { ring, surface } = await signIn.evaluate((button) => {
      let around = button.parentElement;
      while (around && getComputedStyle(around).backgroundColor === 'rgba(0, 0, 0, 0)')
        around = around.parentElement;
      return {
        ring: getComputedStyle(button).outlineColor,
        surface: getComputedStyle(around ?? document.body).backgroundColor,
      };
    });
    expect(contrast(ring, surface), `${scheme}: ${ring} on ${surface}`).toBeGreaterThanOrEqual(3);
  }
});
