import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src-shared/channels.ts';
import { runElectronApp } from '../../src-main/electron/app-main.ts';
import type { RuntimeOptions } from '../../src-main/runtime.ts';
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
      router: { dispatch: async () => ({ ok: true, data: null }), mayReceive: async () => true },
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

describe('Electron event delivery', () => {
  /** An app whose runtime start-up the test drives: its progress, its events, its router's verdict. */
  async function startWithEvents(mayReceive: (event: FleetEvent) => boolean) {
    const electron = fakeElectron({ singleInstance: true });
    electron.app.whenReady = () => Promise.resolve();
    let options!: RuntimeOptions;
    let started!: () => void;
    const runtimeReady = new Promise<void>((resolve) => (started = resolve));
    runElectronApp(electron as never, {
      mainDir: '/app/out/main',
      openRuntime: async (given) => {
        options = given;
        await runtimeReady;
        return {
          router: {
            dispatch: async () => ({ ok: true, data: null }),
            mayReceive: async (_s, e) => mayReceive(e),
          },
          close: async () => undefined,
        };
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const window = FakeBrowserWindow.instances.at(-1)!;
    return {
      options: () => options,
      sent: () => window.webContents.sent.map(([, event]) => event as FleetEvent),
      started: async () => (started(), await new Promise((resolve) => setTimeout(resolve, 10))),
    };
  }

  it('shows start-up progress before anyone signs in, without naming a tenant', async () => {
    const app = await startWithEvents(() => true);
    app.options().onProgress?.({ done: 1, total: 2, slug: 'secret-tenant', failed: false });
    expect(app.sent()).toEqual([{ type: 'startup-progress', done: 1, total: 2 }]);
  });

  it('sends no event the router refuses the window, whatever its type', async () => {
    const app = await startWithEvents(() => false);
    await app.started();
    const events: FleetEvent[] = [
      { type: 'migration-progress', done: 1, total: 1, slug: 'secret-tenant', failed: false },
      {
        type: 'transfer-progress',
        phase: 'copying',
        tenantsDone: 0,
        tenantsTotal: 1,
        rows: 0,
        elapsedMs: 0,
      },
      { type: 'reconnected' },
      {
        type: 'change',
        kind: 'agent',
        id: null,
        organizationId: '00000000-0000-4000-8000-000000000000',
        version: null,
        action: 'agents.create',
      },
    ];
    for (const event of events) app.options().onEvent?.(event);
    expect(app.sent()).toEqual([]);
  });
});
