import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

/**
 * How the end-to-end tests and the bench start a browser: Debian's Chromium
 * where it is installed (Playwright cannot download its own on these
 * machines), without the background traffic these offline machines refuse.
 */
export const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) =>
  existsSync(path),
);

export const chromiumLaunchOptions: LaunchOptions = {
  ...(systemChromium ? { executablePath: systemChromium } : {}),
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    // Chromium 156 loads its omnibox popup as a web page in each new window,
    // a second of CPU that a page under test then waits behind on two cores
    '--disable-features=WebUIOmniboxPopup',
  ],
};
