import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  applicationMenu,
  denyAllPermissions,
  hardenWebContents,
  isAppUrl,
  secureWebPreferences,
} from '../../src-main/electron/security.ts';
import { CONTENT_SECURITY_POLICY } from '../../src-main/content-security-policy.ts';
import { FakeWebContents, fakeElectron } from '../support/fake-electron.ts';

describe('Electron window security', () => {
  it('uses the secure BrowserWindow settings, without DevTools when packaged', () => {
    expect(secureWebPreferences('/app/preload.cjs', true)).toEqual({
      preload: '/app/preload.cjs',
      devTools: false,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    });
  });

  it('keeps DevTools for an unpackaged (development) app', () => {
    expect(secureWebPreferences('/app/preload.cjs', false).devTools).toBe(true);
  });

  it('leaves "Toggle Developer Tools" out of a packaged app\'s menu', () => {
    const roles = (template: ReturnType<typeof applicationMenu>): string[] =>
      template.flatMap((item) => [
        String(item.role ?? ''),
        ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
      ]);
    expect(roles(applicationMenu(true, 'linux'))).not.toContain('toggleDevTools');
    expect(roles(applicationMenu(true, 'linux'))).not.toContain('viewMenu');
    expect(roles(applicationMenu(false, 'linux'))).toContain('viewMenu');
  });

  it('allows navigation within the app and denies it elsewhere', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never, APP_ORIGIN);
    expect(contents.attempt('will-navigate', `${APP_ORIGIN}/organizations`)).toBe(false);
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.attempt('will-redirect', 'https://evil.example/')).toBe(true);
  });

  it('denies every new window and <webview>', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never, APP_ORIGIN);
    expect(contents.windowOpenHandler?.({ url: `${APP_ORIGIN}/x` })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({
      action: 'deny',
    });
    expect(contents.attempt('will-attach-webview')).toBe(true);
  });

  it('refuses every permission request and check', () => {
    const electron = fakeElectron();
    denyAllPermissions(electron.session.defaultSession as never);
    let granted: boolean | null = null;
    (electron.permission.request as (c: unknown, p: string, cb: (ok: boolean) => void) => void)(
      null,
      'media',
      (ok) => (granted = ok),
    );
    expect(granted).toBe(false);
    expect((electron.permission.check as () => boolean)()).toBe(false);
  });

  it('compares origins, not prefixes', () => {
    expect(isAppUrl('app://console/index.html', APP_ORIGIN)).toBe(true);
    expect(isAppUrl('app://console.evil/index.html', APP_ORIGIN)).toBe(false);
    expect(isAppUrl('not a url', APP_ORIGIN)).toBe(false);
  });

  it('has a CSP that allows only its own scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });
});
