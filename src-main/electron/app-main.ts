import { join } from 'node:path';
import type * as Electron from 'electron';
import { EVENT_CHANNEL, type FleetEvent } from '../../src-shared/channels.ts';
import { mayHear } from '../../src-shared/domain/events.ts';
import { ANONYMOUS_ACTOR } from '../../src-shared/domain/permissions.ts';
import { seedCommand } from '../cli/seed-command.ts';
import { resolveDataDir } from '../db/data-dir.ts';
import type { Router } from '../ipc/router.ts';
import { openRuntime, type RuntimeOptions } from '../runtime.ts';
import { appProtocolResponse } from './app-protocol.ts';
import { bindIpc } from './ipc-binding.ts';
import { saveDialogTarget } from './save-dialog.ts';
import { safeStorageKeeper } from './session-keeper.ts';
import {
  APP_ORIGIN,
  APP_SCHEME,
  applicationMenu,
  denyAllPermissions,
  hardenWebContents,
  secureWebPreferences,
} from './security.ts';
import { loadWindowState, saveWindowState } from './window-state.ts';

export type ElectronModule = Pick<
  typeof Electron,
  | 'app'
  | 'BrowserWindow'
  | 'ipcMain'
  | 'Menu'
  | 'protocol'
  | 'net'
  | 'session'
  | 'dialog'
  | 'safeStorage'
>;

/** What the window needs of the runtime: its router's dispatch, and a way to close. */
type Dispatcher = Pick<Router, 'dispatch' | 'mayReceive'>;
interface AppRuntime {
  router: Dispatcher;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Folder of the built main bundle (out/main). */
  mainDir: string;
  /** Set by electron-vite in development: the renderer dev server. */
  devServerUrl?: string;
  /** Start-up of the database and router; tests pass a stand-in. */
  openRuntime?: (options: RuntimeOptions) => Promise<AppRuntime>;
  /** The command line (process.argv); `--seed` loads the demo data and exits. */
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Where `--seed` reports (stdout). */
  print?: (line: string) => void;
}

export const SEED_FLAG = '--seed';

/**
 * `FleetPrompt --seed`: the seeder behind `npm run seed`, from the packaged
 * app, on the database the app would use (joining a running embedded one).
 * No window; exits 0 when done, 1 with the reason when not.
 */
function runSeedFlag(app: ElectronModule['app'], paths: AppOptions): void {
  const env = paths.env ?? process.env;
  const print = paths.print ?? ((line: string) => console.log(line));
  void app.whenReady().then(async () => {
    let code = 0;
    try {
      await seedCommand({ env, dataDir: resolveDataDir(env), echo: false }, print);
    } catch (error) {
      print(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
      code = 1;
    }
    app.exit(code);
  });
}

/**
 * The Electron application: single instance, one hardened window, the
 * renderer from a privileged app:// protocol, every channel bound to the
 * router, and a clean shutdown of the runtime (and its embedded database).
 */
export function runElectronApp(electron: ElectronModule, paths: AppOptions): void {
  const { app, BrowserWindow, ipcMain, Menu, protocol, net } = electron;
  if ((paths.argv ?? process.argv).includes(SEED_FLAG)) {
    runSeedFlag(app, paths);
    return;
  }
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);

  const env = paths.env ?? process.env;
  const dataDir = resolveDataDir(env);
  const appOrigin = paths.devServerUrl ?? APP_ORIGIN;
  let window: Electron.BrowserWindow | null = null;
  let runtime: AppRuntime | null = null;

  /**
   * Every event goes only to the windows the one audience rule lets hear
   * it; before the router exists nobody is signed in, so a window hears
   * what an anonymous caller may (the start-up screen's progress).
   */
  let delivering = Promise.resolve();
  const broadcast = (event: FleetEvent) => {
    const current = runtime;
    if (!current) {
      for (const w of BrowserWindow.getAllWindows())
        if (mayHear(ANONYMOUS_ACTOR, event)) w.webContents.send(EVENT_CHANNEL, event);
      return;
    }
    // judged on who is signed in now, one event after the other so that they arrive in order
    delivering = delivering.then(async () => {
      for (const w of BrowserWindow.getAllWindows()) {
        const slot = binding.slotOf(w.webContents.id);
        const allowed = await current.router.mayReceive(slot, event).catch(() => false);
        if (allowed && !w.isDestroyed()) w.webContents.send(EVENT_CHANNEL, event);
      }
    });
  };
  const ready: Promise<Dispatcher> = app.whenReady().then(async () => {
    runtime = await (paths.openRuntime ?? openRuntime)({
      env,
      dataDir,
      onProgress: ({ done, total }) => broadcast({ type: 'startup-progress', done, total }),
      onEvent: broadcast,
      dailyBackups: true,
    });
    return runtime.router;
  });
  const binding = bindIpc(
    ipcMain,
    () => ready,
    appOrigin,
    (sender) =>
      saveDialogTarget(
        electron.dialog,
        () => BrowserWindow.fromWebContents(sender),
        app.getPath('downloads'),
      ),
    safeStorageKeeper(electron.safeStorage, join(dataDir, 'session.bin')),
  );

  const createWindow = () => {
    const state = loadWindowState(dataDir);
    window = new BrowserWindow({
      ...(state.x !== undefined ? { x: state.x, y: state.y } : {}),
      width: state.width,
      height: state.height,
      minWidth: 960,
      minHeight: 600,
      show: false,
      title: 'FleetPrompt Console',
      webPreferences: secureWebPreferences(
        join(paths.mainDir, '../preload/preload.cjs'),
        app.isPackaged,
      ),
    });
    if (state.maximized) window.maximize();
    hardenWebContents(window.webContents, appOrigin);
    const id = window.webContents.id;
    window.once('ready-to-show', () => window?.show());
    window.on('close', () => {
      if (!window) return;
      saveWindowState(dataDir, { ...window.getNormalBounds(), maximized: window.isMaximized() });
    });
    window.on('closed', () => {
      binding.forgetWindow(id);
      window = null;
    });
    void window.loadURL(paths.devServerUrl ?? `${APP_ORIGIN}/index.html`);
  };

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, appOrigin));
  app.on('window-all-closed', () => app.quit());

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !runtime) return;
    event.preventDefault();
    quitting = true;
    void runtime.close().finally(() => app.quit());
  });

  void app.whenReady().then(() => {
    denyAllPermissions(electron.session.defaultSession);
    const rendererDir = join(paths.mainDir, '../renderer');
    protocol.handle(APP_SCHEME, (request) =>
      appProtocolResponse(request.url, rendererDir, (file) => net.fetch(file)),
    );
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(applicationMenu(app.isPackaged, process.platform)),
    );
    createWindow();
  });
  ready.catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    broadcast({ type: 'startup-failed', message });
  });
}
