import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redact } from '../log.ts';
import { electronBinary } from './electron-binary.ts';
import { openHeadlessConsole } from './headless-console.ts';

/**
 * `npm start`: the Electron console (electron-vite in development). Where
 * Electron's binary could not be installed (offline machines, blocked
 * downloads), the same console in the default browser instead, saying why.
 */
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const NO_ELECTRON =
  "Electron's program is not installed here: npm could not download it when the project was " +
  'installed (it comes from the internet, not from the npm registry), so the desktop window cannot ' +
  'open. Where the internet is reachable, run `node node_modules/electron/install.js` (or ' +
  '`npm rebuild electron`) and `npm start` again. Meanwhile the same console runs in your browser.';

/** Opens a URL in the default browser where there is a display; false when there is none. */
function openBrowser(url: string): boolean {
  const command =
    process.platform === 'darwin'
      ? 'open'
      : process.platform === 'win32'
        ? 'explorer'
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? 'xdg-open'
          : null;
  if (!command) return false;
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
  return true;
}

if (electronBinary(projectRoot, process.env)) {
  const child = spawn(
    process.execPath,
    [join(projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'dev'],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stderr.write(`${NO_ELECTRON}\n\n`);
  try {
    const server = await openHeadlessConsole({ host: '127.0.0.1', port: 0 });
    // the terminal shows the token; the browser's command line, which every local user can
    // read in `ps`, carries only a one-time code for it
    const opened = openBrowser(server.launchUrl());
    process.stdout.write(
      `The console is at ${server.url}\n` +
        `${opened ? 'It opens in your browser now; ' : 'Open it in a browser on this machine; '}` +
        'press Ctrl+C to stop it.\n',
    );
  } catch (error) {
    process.stderr.write(
      `error: ${redact(error instanceof Error ? error.message : String(error))}\n`,
    );
    process.exit(1);
  }
}
