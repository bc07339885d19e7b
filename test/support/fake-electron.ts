import { EventEmitter } from 'node:events';

/*
 * A stand-in for the parts of the electron module the app uses, recording
 * what the app asked for. Real Electron cannot start on these machines.
 */

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  sent: [string, unknown][] = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  /** Emits a cancellable event and says whether a listener prevented it. */
  attempt(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  static getAllWindows = () => FakeBrowserWindow.instances;
  static fromWebContents = (contents: FakeWebContents) =>
    FakeBrowserWindow.instances.find((w) => w.webContents === contents) ?? null;
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  focused = 0;
  restored = 0;
  minimized = false;
  readonly options: Record<string, unknown>;
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  maximize() {}
  show() {}
  focus() {
    this.focused += 1;
  }
  restore() {
    this.restored += 1;
  }
  isMinimized() {
    return this.minimized;
  }
  isMaximized() {
    return false;
  }
  isDestroyed() {
    return false;
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 1300, height: 900 };
  }
}

export function fakeElectron(options: { singleInstance?: boolean } = {}) {
  const app = Object.assign(new EventEmitter(), {
    quitCalls: 0,
    exitCode: null as number | null,
    requestSingleInstanceLock: () => options.singleInstance ?? true,
    quit() {
      app.quitCalls += 1;
    },
    exit(code: number) {
      app.exitCode = code;
      app.emit('exit', code);
    },
    getPath: (name: string) => `/home/operator/${name}`,
    whenReady: () => new Promise<void>(() => undefined),
  });
  const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  const permission = { request: null as unknown, check: null as unknown };
  FakeBrowserWindow.instances = [];
  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handlers,
      handle(channel: string, listener: (event: unknown, input: unknown) => Promise<unknown>) {
        handlers.set(channel, listener);
      },
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => undefined },
    protocol: { registerSchemesAsPrivileged: () => undefined, handle: () => undefined },
    net: { fetch: () => Promise.resolve(new Response('')) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: unknown) => (permission.request = h),
        setPermissionCheckHandler: (h: unknown) => (permission.check = h),
      },
    },
    dialog: {
      /** What the next save dialog answers; every call is recorded. */
      answer: { canceled: false, filePath: '' },
      calls: [] as unknown[][],
      showSaveDialog(...args: unknown[]) {
        this.calls.push(args);
        return Promise.resolve(this.answer);
      },
    },
    /** Encryption by the keychain, stood in for by a reversible tag; `available` as the OS says. */
    safeStorage: {
      available: true,
      isEncryptionAvailable() {
        return this.available;
      },
      encryptString: (text: string) => Buffer.from(`sealed:${text}`),
      decryptString: (data: Buffer) => {
        const text = data.toString();
        if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext');
        return text.slice('sealed:'.length);
      },
    },
    permission,
  };
}
