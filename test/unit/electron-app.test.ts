import { describe, expect, it } from 'vitest';
import { runElectronApp } from '../../src-main/electron/app-main.ts';
import { APP_ORIGIN } from '../../src-main/electron/security.ts';
import { FakeBrowserWindow, fakeElectron } from '../support/fake-electron.ts';

function start(singleInstance = true) {
  const electron = fakeElectron({ singleInstance });
  let ready!: () => void;
  const whenReady = new Promise<void>((resolve) => (ready = resolve));
  electron.app.whenReady = () => whenReady;
  let closed = 0;
  runElectronApp(electron as never, {
    mainDir: '/app/out/main',
    openRuntime: async () => ({
      router: { dispatch: async () => ({ ok: true, data: null }), mayReceive: () => true },
      close: async () => void (closed += 1),
    }),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { electron, ready: async () => (ready(), await settle()), closed: () => closed, settle };
}

describe('Electron application lifecycle', () => {
  it('quits at once when another instance holds the lock', () => {
    const { electron } = start(false);
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('opens one window with the secure settings on the app:// page', async () => {
    const { electron, ready } = start();
    await ready();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const window = FakeBrowserWindow.instances[0]!;
    expect(window.loadedUrl).toBe(`${APP_ORIGIN}/index.html`);
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(electron.permission.request).not.toBeNull();
  });

  it('focuses and restores the existing window when a second instance starts', async () => {
    const { electron, ready } = start();
    await ready();
    const window = FakeBrowserWindow.instances[0]!;
    window.minimized = true;
    electron.app.emit('second-instance');
    expect(window.restored).toBe(1);
    expect(window.focused).toBe(1);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('closes the runtime (and its database) before quitting', async () => {
    const { electron, ready, closed, settle } = start();
    await ready();
    let prevented = false;
    electron.app.emit('before-quit', { preventDefault: () => (prevented = true) });
    await settle();
    expect(prevented).toBe(true);
    expect(closed()).toBe(1);
    expect(electron.app.quitCalls).toBe(1);
  });
});
