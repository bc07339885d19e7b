import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as electron from 'electron';
import { runElectronApp } from './electron/app-main.ts';

runElectronApp(electron, {
  mainDir: dirname(fileURLToPath(import.meta.url)),
  ...(process.env.ELECTRON_RENDERER_URL ? { devServerUrl: process.env.ELECTRON_RENDERER_URL } : {}),
});
