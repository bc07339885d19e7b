import type { MenuItemConstructorOptions, Session, WebContents, WebPreferences } from 'electron';

/** The origin the packaged renderer is served from (a privileged custom protocol, not file://). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://console`;

/**
 * The BrowserWindow settings of Electron's security checklist; tests assert
 * them. DevTools exist only in an unpackaged (development) app.
 */
export function secureWebPreferences(preload: string, packaged: boolean): WebPreferences {
  return {
    preload,
    devTools: !packaged,
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
  };
}

/** Whether a URL belongs to the app itself (its own origin), as opposed to remote content. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    // URL.origin is "null" for custom schemes outside Electron: compare the parts
    const candidate = new URL(url);
    const app = new URL(appOrigin);
    return candidate.protocol === app.protocol && candidate.host === app.host;
  } catch {
    return false;
  }
}

type Contents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Denies navigation away from the app, new windows and <webview> attachment. */
export function hardenWebContents(contents: Contents, appOrigin: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The console needs no camera, notifications or other permission: all are refused. */
export function denyAllPermissions(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/**
 * The application menu. A packaged app has no DevTools: its View menu
 * keeps reload and zoom but not "Toggle Developer Tools".
 */
export function applicationMenu(
  packaged: boolean,
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions = packaged
    ? {
        label: 'View',
        submenu: [
          { role: 'reload' },
          { type: 'separator' },
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { type: 'separator' },
          { role: 'togglefullscreen' },
        ],
      }
    : { role: 'viewMenu' };
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
  ];
}
