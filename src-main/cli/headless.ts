import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureRendererBuilt } from '../headless/renderer-build.ts';
import { startHeadless, type HeadlessServer } from '../headless/server.ts';
import { openRuntime } from '../runtime.ts';
import { onStopSignal } from '../signals.ts';

/**
 * `npm run start:headless [--port N] [--host 127.0.0.1|::1]`: the console on
 * loopback. Prints exactly one JSON line to stdout once ready; everything
 * else goes to stderr and the log file.
 */
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

let values: { port?: string; host?: string };
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' } },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
const host = values.host ?? '127.0.0.1';
if (host !== '127.0.0.1' && host !== '::1') fail('--host must be 127.0.0.1 or ::1 (loopback only)');
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail('--port must be a number from 0 to 65535');

let server: HeadlessServer | null = null;
try {
  const [dir, runtime] = await Promise.all([
    ensureRendererBuilt(projectRoot),
    openRuntime({ onEvent: (event) => server?.broadcast(event) }),
  ]);
  onStopSignal(async (signal) => {
    runtime.log(`headless: ${signal}, shutting down`);
    await server?.close();
    await runtime.close();
    process.exit(0);
  });
  server = await startHeadless({ router: runtime.router, rendererDir: dir, host, port });
  runtime.log(`headless: listening on port ${server.port}`);
  process.stdout.write(
    `${JSON.stringify({ url: server.url, port: server.port, token: server.token })}\n`,
  );
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
