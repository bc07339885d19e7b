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
