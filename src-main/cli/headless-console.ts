import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRendererBuilt } from '../headless/renderer-build.ts';
import { startHeadless, type HeadlessServer } from '../headless/server.ts';
import { openRuntime } from '../runtime.ts';
import { onStopSignal } from '../signals.ts';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The console served on loopback (`npm run start:headless`, and `npm start`
 * where Electron's binary is missing): the runtime and the built renderer,
 * stopped in order on Ctrl+C or SIGTERM.
 */
export async function openHeadlessConsole(options: {
  host: '127.0.0.1' | '::1';
  port: number;
}): Promise<HeadlessServer> {
  let server: HeadlessServer | null = null;
  const [dir, runtime] = await Promise.all([
    ensureRendererBuilt(projectRoot),
    openRuntime({ onEvent: (event) => server?.broadcast(event), dailyBackups: true }),
  ]);
  onStopSignal(async (signal) => {
    runtime.log(`headless: ${signal}, shutting down`);
    await server?.close();
    await runtime.close();
    process.exit(0);
  });
  server = await startHeadless({ router: runtime.router, rendererDir: dir, ...options });
  runtime.log(`headless: listening on port ${server.port}`);
  return server;
}
